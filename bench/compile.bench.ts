import { compile, validate } from "@attune/graph";
import { layeredDocument, testRegistry } from "../packages/graph/src/test-specs";
import { median, sample, type Bench } from "./harness";

const SIZE = 1000;

export const compileBench: Bench = {
  name: "compile",
  async run() {
    const doc = layeredDocument(SIZE);
    const variants = {
      // Baseline: one structuredClone of the document, about the least any full pass costs.
      clone: () => structuredClone(doc),
      validate: () => validate(doc, testRegistry),
      compile: () => {
        const result = compile(doc, testRegistry);
        if (!result.ok || result.plan.nodes.length !== SIZE) throw new Error("compile bench: unexpected plan");
      },
    };
    for (const fn of Object.values(variants)) await sample(fn, 30, 0);
    // Interleaved rounds so that load from other processes hits all variants alike.
    const times: Record<keyof typeof variants, number[]> = { clone: [], validate: [], compile: [] };
    for (let round = 0; round < 12; round++) {
      for (const [name, fn] of Object.entries(variants) as [keyof typeof variants, () => unknown][]) {
        times[name].push(...(await sample(fn, 2, 8)));
      }
    }
    const c = times.compile;
    return [
      {
        metric: `compile ${SIZE}-node layered DAG (${doc.edges.length} edges), median of ${c.length}`,
        value: median(c),
        unit: "ms",
        target: 20,
        baseline: { label: "structuredClone of the document", value: median(times.clone), unit: "ms" },
        notes: [`min ${Math.min(...c).toFixed(2)} ms; validate alone ${median(times.validate).toFixed(2)} ms`],
      },
    ];
  },
};
