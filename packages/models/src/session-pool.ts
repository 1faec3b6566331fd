/**
 * One onnxruntime session per model per process: sessions are large (weights plus arena) and
 * slow to create, while `run` is safe to call concurrently on one session. The pool loads a model
 * on first use, makes concurrent first requests share that one load, verifies the file against its
 * manifest, and releases every session on close().
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ModelService, TensorData, TensorElementType } from "@attune/graph";
import * as ort from "onnxruntime-node";
import { type ModelManifest, parseModelManifest } from "./manifest";
import { manifestPath, sha256 } from "./setup";

export interface LoadedModel {
  manifest: ModelManifest;
  session: ort.InferenceSession;
}

export interface SessionPoolOptions {
  /** Folder with `<id>.manifest.json` + ONNX files, as written by prepareModels(). */
  modelsDir: string;
  /** Passed to every InferenceSession.create; e.g. intraOpNumThreads on a shared machine. */
  sessionOptions?: ort.InferenceSession.SessionOptions;
}

/**
 * The options every pool session is created with: the caller's, over one default. Each session owns
 * an intra-op thread pool whose threads by default keep spinning for a while after a run returns.
 * In this process the next thing to run is JavaScript (pre/post-processing on the event loop) or
 * another model's session, and on a small machine those spinning threads take the cores they need:
 * measured on 2 cores, BlazeFace then face-api back to back took 9.0 ms with spinning between runs
 * and 6.9 ms without. `session.force_spinning_stop` keeps spinning inside a run (between its
 * operators, where it shortens latency) and stops it when the run ends.
 */
export function withRunnerDefaults(options: ort.InferenceSession.SessionOptions = {}): ort.InferenceSession.SessionOptions {
  const extra = (options.extra ?? {}) as { session?: Record<string, unknown> };
  return { ...options, extra: { ...extra, session: { force_spinning_stop: "1", ...extra.session } } };
}

/** Thrown for a model id with no manifest in the models folder. */
export class UnknownModelError extends Error {
  constructor(
    readonly modelId: string,
    known: string[],
    modelsDir: string,
  ) {
    super(
      `unknown model "${modelId}": no ${modelId}.manifest.json in ${modelsDir} ` +
        `(available: ${known.length ? known.join(", ") : "none; run node --import tsx packages/models/scripts/prepare.ts"})`,
    );
    this.name = "UnknownModelError";
  }
}

export class SessionPool {
  private readonly loads = new Map<string, Promise<LoadedModel>>();
  private closed = false;
  private created = 0;

  constructor(private readonly options: SessionPoolOptions) {}

  /** The loaded model; the first call for an id loads it, later and concurrent calls share that. */
  get(modelId: string): Promise<LoadedModel> {
    if (this.closed) return Promise.reject(new Error("the session pool is closed"));
    let load = this.loads.get(modelId);
    if (!load) {
      load = this.load(modelId);
      this.loads.set(modelId, load);
      // A failed load is not cached: a model prepared after the failure must load on the next call.
      load.catch(() => {
        if (this.loads.get(modelId) === load) this.loads.delete(modelId);
      });
    }
    return load;
  }

  /** How many sessions this pool has created; loads must not repeat, so this is a useful metric. */
  get sessionsCreated(): number {
    return this.created;
  }

  /** Ids of models whose load has started (loaded or loading). */
  loadedIds(): string[] {
    return [...this.loads.keys()];
  }

  /** Releases every session; waits for loads in flight so none leaks. Further get() calls reject. */
  async close(): Promise<void> {
    this.closed = true;
    const loads = [...this.loads.values()];
    this.loads.clear();
    const settled = await Promise.allSettled(loads);
    await Promise.all(settled.map((s) => (s.status === "fulfilled" ? s.value.session.release() : undefined)));
  }

  private async load(modelId: string): Promise<LoadedModel> {
    const { modelsDir } = this.options;
    // Ids become file names: refuse anything that could step outside the folder.
    if (!/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/.test(modelId)) throw new UnknownModelError(modelId, await this.knownIds(), modelsDir);
    const path = manifestPath(modelsDir, modelId);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch {
      throw new UnknownModelError(modelId, await this.knownIds(), modelsDir);
    }
    const manifest = parseModelManifest(JSON.parse(text), path);
    const onnxPath = join(modelsDir, manifest.file);
    const bytes = await readFile(onnxPath);
    const actual = sha256(bytes);
    if (actual !== manifest.sha256) {
      throw new Error(`${onnxPath} does not match its manifest (sha256 ${actual}, expected ${manifest.sha256}); rerun model preparation`);
    }
    const session = await ort.InferenceSession.create(bytes, withRunnerDefaults(this.options.sessionOptions));
    this.created++;
    if (this.closed) {
      // close() ran while we were loading; it will not see this session otherwise.
      await session.release();
      throw new Error("the session pool is closed");
    }
    return { manifest, session };
  }

  private async knownIds(): Promise<string[]> {
    try {
      const files = await readdir(this.options.modelsDir);
      return files.filter((f) => f.endsWith(".manifest.json")).map((f) => f.slice(0, -".manifest.json".length)).sort();
    } catch {
      return [];
    }
  }
}

const SUPPORTED: ReadonlySet<string> = new Set<TensorElementType>(["float32", "int64", "int32", "uint8", "bool"]);

function toOrt(name: string, t: TensorData): ort.Tensor {
  const size = t.dims.reduce((a, b) => a * b, 1);
  if (size !== t.data.length) throw new Error(`input "${name}": dims [${t.dims.join(", ")}] hold ${size} elements but data has ${t.data.length}`);
  switch (t.type) {
    case "float32":
      if (t.data instanceof Float32Array) return new ort.Tensor("float32", t.data, t.dims);
      break;
    case "int64":
      if (t.data instanceof BigInt64Array) return new ort.Tensor("int64", t.data, t.dims);
      break;
    case "int32":
      if (t.data instanceof Int32Array) return new ort.Tensor("int32", t.data, t.dims);
      break;
    case "uint8":
      if (t.data instanceof Uint8Array) return new ort.Tensor("uint8", t.data, t.dims);
      break;
    case "bool":
      if (t.data instanceof Uint8Array) return new ort.Tensor("bool", t.data, t.dims);
      break;
  }
  throw new Error(`input "${name}": type ${t.type} does not match its ${t.data.constructor.name} data`);
}

function fromOrt(name: string, t: ort.Tensor): TensorData {
  if (!SUPPORTED.has(t.type)) throw new Error(`output "${name}" has type ${t.type}, which TensorData cannot carry`);
  return { type: t.type as TensorElementType, data: t.data as TensorData["data"], dims: [...t.dims] };
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException("the model run was aborted", "AbortError");
}

/**
 * The ModelService nodes see: runs a model by id on plain TensorData. Cancellation is checked
 * before and after the run; onnxruntime cannot stop a run midway from JS, so an aborted caller
 * gets its rejection once the current run returns, and the result is dropped.
 */
export function createModelService(pool: SessionPool): ModelService {
  return {
    async run(modelId, feeds, signal) {
      if (signal?.aborted) throw abortError(signal);
      const { session } = await pool.get(modelId);
      if (signal?.aborted) throw abortError(signal);
      const missing = session.inputNames.filter((n) => !(n in feeds));
      const extra = Object.keys(feeds).filter((n) => !session.inputNames.includes(n));
      if (missing.length || extra.length) {
        throw new Error(
          `model "${modelId}" takes inputs [${session.inputNames.join(", ")}]` +
            (missing.length ? `; missing [${missing.join(", ")}]` : "") +
            (extra.length ? `; unknown [${extra.join(", ")}]` : ""),
        );
      }
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrt(name, t);
      const results = await session.run(ortFeeds);
      if (signal?.aborted) {
        for (const t of Object.values(results)) t.dispose();
        throw abortError(signal);
      }
      const out: Record<string, TensorData> = {};
      for (const [name, t] of Object.entries(results)) out[name] = fromOrt(name, t);
      return out;
    },
  };
}
