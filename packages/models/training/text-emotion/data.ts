import { readFileSync } from "node:fs";
import { join } from "node:path";

/** One GoEmotions row: the text and its (possibly several) label indices into labels.txt. */
export interface Row {
  text: string;
  labels: number[];
  id: string;
}

/** Reads `<dir>/<split>.tsv` (text \t comma-separated label ids \t comment id). */
export function readSplit(dir: string, split: "train" | "dev"): Row[] {
  const rows: Row[] = [];
  const lines = readFileSync(join(dir, `${split}.tsv`), "utf8").split("\n");
  for (const [n, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const [text, labels, id] = line.split("\t");
    if (text === undefined || labels === undefined || id === undefined) throw new Error(`${split}.tsv line ${n + 1}: expected 3 tab-separated fields`);
    rows.push({ text, labels: labels.split(",").map((s) => Number.parseInt(s, 10)), id });
  }
  return rows;
}

export function readLabels(dir: string): string[] {
  return readFileSync(join(dir, "labels.txt"), "utf8").split("\n").map((s) => s.trim()).filter((s) => s !== "");
}

/** Seeded PRNG (mulberry32): the only source of randomness in training, so a seed reproduces a run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
