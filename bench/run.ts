import { availableParallelism, loadavg } from "node:os";
import type { Bench, BenchOutcome } from "./harness";
import { compileBench } from "./compile.bench";
import { audioBench } from "./audio.bench";
import { executorBench } from "./executor.bench";
import { visionBench } from "./vision.bench";
import { modelsBench } from "./models.bench";
import { httpBench } from "./http.bench";

/**
 * `npm run bench [-- name-filter]`: runs every bench in turn and prints each metric beside its
 * same-run baseline with PASS or MISS against its target. Exits non-zero on any MISS.
 * Later benches (models, HTTP) are added to this list.
 */
const benches: Bench[] = [executorBench, compileBench, visionBench, audioBench, modelsBench, httpBench];

const filter = process.argv[2]?.toLowerCase();
let misses = 0;
// Shared machines make absolute numbers move; the load average says how much to trust them.
// NODE_ENV=production (set by `npm run bench`) is how the runner runs in its Docker image and under `npm start`.
console.log(
  `node ${process.version}, NODE_ENV=${process.env.NODE_ENV ?? "(unset)"}, ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`,
);
for (const bench of benches) {
  if (filter && !bench.name.toLowerCase().includes(filter)) continue;
  console.log(`\n== ${bench.name}`);
  let outcomes: BenchOutcome[];
  try {
    outcomes = await bench.run();
  } catch (error) {
    misses++;
    console.log(`  ERROR ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    continue;
  }
  for (const o of outcomes) {
    const pass = o.value <= o.target;
    if (!pass) misses++;
    console.log(`  ${pass ? "PASS" : "MISS"} ${o.metric}: ${fmt(o.value)} ${o.unit} (target <= ${fmt(o.target)} ${o.unit})`);
    if (o.baseline) {
      const ratio = o.baseline.unit === o.unit && o.baseline.value > 0 ? ` ratio ${(o.value / o.baseline.value).toFixed(2)}x` : "";
      console.log(`       baseline ${o.baseline.label}: ${fmt(o.baseline.value)} ${o.baseline.unit}${ratio}`);
    }
    for (const note of o.notes ?? []) console.log(`       ${note}`);
  }
}
console.log(misses === 0 ? "\nall benches PASS" : `\n${misses} MISS`);
process.exitCode = misses === 0 ? 0 : 1;

function fmt(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toFixed(3);
}
