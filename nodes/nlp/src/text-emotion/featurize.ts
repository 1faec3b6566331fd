/**
 * Text -> hashed sparse features for the text-emotion model. Training
 * (packages/models/training/text-emotion) and the node both call this one function with the config
 * stored beside the model (featurizer.json), so the two cannot drift apart. Pure TS, no deps.
 *
 * Features, each hashed into one of `buckets` rows of the model's embedding table:
 *  - word unigrams and bigrams of the lowercased tokens (`w\x01tok`, `b\x01tok1 tok2`);
 *  - character n-grams of each word wrapped in `<` `>` (`c\x01<fu`), which carry morphology and
 *    misspellings ("soooo", "furiouss") that whole words miss on Reddit text;
 *  - a few shape cues lowercasing would erase (all-caps words, repeated ! and ?).
 * Weights: sublinear term frequency (1 + ln tf), L2-normalised within each group and scaled by the
 * group's weight, so a long comment with many character n-grams does not drown its words. Buckets
 * that collide add their weights. Output is sorted by bucket id so the same text always gives the
 * same tensors.
 */

export interface FeaturizerConfig {
  /** Bumped whenever the feature definition changes, so an old model refuses a new featurizer. */
  version: 1;
  /** Rows of the embedding table; hashes are taken modulo this. */
  buckets: number;
  /** Seed of MurmurHash3 (x86, 32-bit). */
  seed: number;
  /** Inclusive range of word n-gram lengths (1..2 = unigrams and bigrams). */
  wordNgrams: readonly [number, number];
  /** Inclusive range of character n-gram lengths inside `<word>`; [0, 0] disables them. */
  charNgrams: readonly [number, number];
  /** Per-group scale applied after L2 normalisation. */
  groupWeights: { words: number; bigrams: number; chars: number; shape: number };
  /** Text beyond this many UTF-16 units is ignored, bounding the cost of pasted novels. */
  maxChars: number;
}

export interface Features {
  /** Bucket ids, ascending, unique. */
  ids: Int32Array;
  /** Weight of each id, same length. */
  weights: Float32Array;
}

export const DEFAULT_FEATURIZER_CONFIG: FeaturizerConfig = {
  version: 1,
  buckets: 1 << 18,
  seed: 0x5eed_a77e,
  wordNgrams: [1, 2],
  charNgrams: [3, 5],
  groupWeights: { words: 1, bigrams: 0.7, chars: 1, shape: 0.5 },
  maxChars: 4000,
};

/** Validates a parsed featurizer.json without pulling zod into the hot path's module graph. */
export function parseFeaturizerConfig(value: unknown): FeaturizerConfig {
  const fail = (why: string): never => {
    throw new Error(`invalid text-emotion featurizer config: ${why}`);
  };
  if (typeof value !== "object" || value === null) return fail("not an object");
  const v = value as Record<string, unknown>;
  if (v.version !== 1) fail(`unsupported version ${String(v.version)} (this code reads version 1)`);
  const int = (x: unknown, name: string, min: number): number => {
    if (typeof x !== "number" || !Number.isInteger(x) || x < min) fail(`${name} must be an integer >= ${min}`);
    return x as number;
  };
  const range = (x: unknown, name: string): [number, number] => {
    if (!Array.isArray(x) || x.length !== 2) return fail(`${name} must be [min, max]`);
    const lo = int(x[0], `${name}[0]`, 0);
    const hi = int(x[1], `${name}[1]`, 0);
    if (hi < lo) fail(`${name} max < min`);
    return [lo, hi];
  };
  const gw = v.groupWeights as Record<string, unknown> | undefined;
  if (typeof gw !== "object" || gw === null) return fail("groupWeights missing");
  const num = (x: unknown, name: string): number => {
    if (typeof x !== "number" || !Number.isFinite(x) || x < 0) fail(`${name} must be a number >= 0`);
    return x as number;
  };
  return {
    version: 1,
    buckets: int(v.buckets, "buckets", 1),
    seed: int(v.seed, "seed", 0),
    wordNgrams: range(v.wordNgrams, "wordNgrams"),
    charNgrams: range(v.charNgrams, "charNgrams"),
    groupWeights: {
      words: num(gw.words, "groupWeights.words"),
      bigrams: num(gw.bigrams, "groupWeights.bigrams"),
      chars: num(gw.chars, "groupWeights.chars"),
      shape: num(gw.shape, "groupWeights.shape"),
    },
    maxChars: int(v.maxChars, "maxChars", 1),
  };
}

/**
 * MurmurHash3 x86_32 of the string's UTF-16LE bytes (two code units per 4-byte block), so the
 * hash is reproducible outside JS (e.g. `mmh3.hash(s.encode("utf-16-le"), seed, signed=False)`).
 */
export function murmur3(text: string, seed: number): number {
  let h = seed >>> 0;
  const n = text.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    let k = (text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16)) >>> 0;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < n) {
    let k = text.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= n * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// Words keep inner apostrophes ("don't"); emoji and ! ? are tokens of their own because they carry
// much of the emotion in short comments. Everything else (other punctuation, markup) is dropped.
const TOKEN = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*|\p{Extended_Pictographic}|[!?]/gu;
const HAS_LETTER = /\p{L}/u;

/** Lowercased tokens plus shape cues, in text order. Exported for tests and the model card. */
export function tokenize(text: string, maxChars: number): { tokens: string[]; shape: string[] } {
  // NFKC folds full-width and stylised letters; curly apostrophes become straight ones so
  // "don’t" and "don't" share features.
  const clipped = (text.length > maxChars ? text.slice(0, maxChars) : text).normalize("NFKC").replace(/[\u2018\u2019\u02bc]/g, "'");
  const tokens: string[] = [];
  const shape: string[] = [];
  let caps = 0;
  let bangRun = 0;
  let maxBangRun = 0;
  for (const m of clipped.matchAll(TOKEN)) {
    const raw = m[0];
    const lower = raw.toLowerCase();
    tokens.push(lower);
    if (raw === "!") {
      bangRun += 1;
      if (bangRun > maxBangRun) maxBangRun = bangRun;
      continue;
    }
    bangRun = 0;
    // Shouting: a word of 2+ letters that lowercasing changes and uppercasing does not.
    if (raw.length >= 2 && raw !== lower && raw === raw.toUpperCase() && HAS_LETTER.test(raw)) caps += 1;
  }
  if (caps > 0) shape.push(caps >= 2 ? "caps2" : "caps1");
  if (maxBangRun >= 2) shape.push("bang2");
  if (tokens.length === 0) shape.push("empty");
  return { tokens, shape };
}

/** Text -> sorted unique bucket ids with weights. Deterministic for a given config. */
export function featurize(text: string, config: FeaturizerConfig): Features {
  const { tokens, shape } = tokenize(text, config.maxChars);
  const acc = new Map<number, number>();
  const { buckets, seed } = config;

  // One group at a time: count hashed buckets, then add (1 + ln tf) / ||.|| * scale.
  const addGroup = (keys: string[], scale: number): void => {
    if (keys.length === 0 || scale === 0) return;
    const counts = new Map<number, number>();
    for (const key of keys) {
      const id = murmur3(key, seed) % buckets;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    let norm = 0;
    for (const [id, c] of counts) {
      const w = 1 + Math.log(c);
      counts.set(id, w);
      norm += w * w;
    }
    const f = scale / Math.sqrt(norm);
    for (const [id, w] of counts) acc.set(id, (acc.get(id) ?? 0) + w * f);
  };

  const [wLo, wHi] = config.wordNgrams;
  const words: string[] = [];
  const bigrams: string[] = [];
  for (let n = Math.max(1, wLo); n <= wHi; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const gram = n === 1 ? tokens[i]! : tokens.slice(i, i + n).join(" ");
      (n === 1 ? words : bigrams).push(`${n === 1 ? "w" : "b"}\x01${gram}`);
    }
  }
  const chars: string[] = [];
  const [cLo, cHi] = config.charNgrams;
  if (cLo > 0) {
    for (const tok of tokens) {
      const padded = `<${tok}>`;
      for (let n = cLo; n <= cHi; n++) {
        for (let i = 0; i + n <= padded.length; i++) chars.push(`c\x01${padded.slice(i, i + n)}`);
      }
    }
  }
  addGroup(words, config.groupWeights.words);
  addGroup(bigrams, config.groupWeights.bigrams);
  addGroup(chars, config.groupWeights.chars);
  addGroup(
    shape.map((s) => `s\x01${s}`),
    config.groupWeights.shape,
  );

  const ids = Int32Array.from(acc.keys()).sort();
  const weights = new Float32Array(ids.length);
  for (let i = 0; i < ids.length; i++) weights[i] = acc.get(ids[i]!)!;
  return { ids, weights };
}
