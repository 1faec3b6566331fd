import { readFileSync } from "node:fs";

/**
 * The bench contract: each bench measures itself against a baseline in the same process and run,
 * so numbers compare like with like on whatever machine runs them.
 */
export interface BenchOutcome {
  /** What was measured, e.g. "executor overhead per node". */
  metric: string;
  value: number;
  unit: string;
  /** Upper bound the value must stay at or below. */
  target: number;
  baseline?: { label: string; value: number; unit: string };
  /** Extra lines worth printing (variants, sizes). */
  notes?: string[];
}

export interface Bench {
  name: string;
  run(): Promise<BenchOutcome[]>;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `fn` `warmup` times unmeasured, then returns each of `runs` timings in milliseconds. */
export async function sample(fn: () => unknown, warmup: number, runs: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times;
}

/** The q-quantile (0..1) of `values`, linearly interpolated; quantile(v, 0.5) is the median. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = Math.min(Math.max(q, 0), 1) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * CPU time the calling thread has used, in ms, on Linux (/proc/thread-self, 10 ms ticks); undefined
 * elsewhere. Over a few seconds of load it says how much work each request cost the event loop,
 * which moves less with machine noise than requests per second do.
 */
export function threadCpuMs(): number | undefined {
  try {
    const stat = readFileSync("/proc/thread-self/stat", "utf8");
    // Fields after the command name: state is the first; utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
