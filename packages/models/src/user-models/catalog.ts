/**
 * The runner's model registry: built-in models (prepared into the models folder) and uploaded ones
 * (the UserModelStore), listed as cards for the Models page and run through one ModelService.
 * Built-in ids go to the shared built-in SessionPool; `user-*` ids to a pool over the user folder,
 * so both are loaded once, hash-checked against their manifest and shared across runs.
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ModelService } from "@attune/graph";
import { BUILTIN_MODELS } from "../builtin-models";
import { type ModelManifest, parseModelManifest } from "../manifest";
import { createModelService, SessionPool } from "../session-pool";
import { manifestPath } from "../setup";
import { UserModelError } from "./errors";
import { dynamicAxes, type ModelSignature, sessionSignature, type SignatureDim } from "./signature";
import { type ByteSource, USER_MODEL_ID, type UploadInfo, type UserModelManifest, UserModelStore } from "./store";

export interface CardTensor {
  name: string;
  type: string;
  shape: SignatureDim[];
  dynamicAxes: { axis: number; name: string | null }[];
  layout?: string;
  range?: [number, number];
  preprocessing?: string;
  description?: string;
  activation?: string;
  labels?: string[];
  taxonomy?: string;
}

/** A model as the Models page shows it: manifest facts plus, for uploads, what the user sent. */
export interface ModelCard {
  id: string;
  kind: "builtin" | "upload";
  title: string;
  task: string;
  version: string;
  sha256: string;
  licence: ModelManifest["licence"];
  attribution: string;
  source: ModelManifest["source"];
  metrics: NonNullable<ModelManifest["metrics"]>;
  inputs: CardTensor[];
  outputs: CardTensor[];
  /** The interface exactly as onnxruntime reports it (what model.onnx nodes snapshot). */
  signature: ModelSignature;
  /** Markdown of the model card when the model ships one (MODEL_CARD.md). */
  cardMarkdown?: string;
  upload?: UploadInfo;
}

/** What nodes may ask of the model service beyond run(); model.onnx feature-detects it. */
export interface ModelIntrospection {
  signature(modelId: string): Promise<ModelSignature>;
  tokenizer(modelId: string): Promise<unknown>;
}

export interface ModelCatalogOptions {
  modelsDir: string;
  /** The built-in pool (the runner's); the catalog makes its own pool for uploads. */
  pool: SessionPool;
  maxUploadBytes?: number;
  maxTokenizerBytes?: number;
  /** Turns a tokenizer.json into what model.onnx nodes use; throws a user-facing Error if unsupported. */
  loadTokenizer?: (json: unknown) => { kind: string };
}

export class ModelCatalog implements ModelService, ModelIntrospection {
  readonly store: UserModelStore;
  private readonly builtin: ModelService;
  private userPool: SessionPool;
  private userService: ModelService;
  private readonly inFlight = new Map<SessionPool, number>();
  private readonly retiring = new Set<SessionPool>();
  private readonly tokenizers = new Map<string, Promise<unknown>>();
  private readonly signatures = new Map<string, ModelSignature>();

  constructor(private readonly options: ModelCatalogOptions) {
    this.store = new UserModelStore({
      dir: join(options.modelsDir, "user"),
      ...(options.maxUploadBytes !== undefined ? { maxBytes: options.maxUploadBytes } : {}),
      ...(options.maxTokenizerBytes !== undefined ? { maxTokenizerBytes: options.maxTokenizerBytes } : {}),
    });
    this.builtin = createModelService(options.pool);
    this.userPool = new SessionPool({ modelsDir: this.store.dir });
    this.userService = createModelService(this.userPool);
  }

  get maxUploadBytes(): number {
    return this.store.maxBytes;
  }

  async run(...[modelId, feeds, signal]: Parameters<ModelService["run"]>): ReturnType<ModelService["run"]> {
    if (!USER_MODEL_ID.test(modelId)) return this.builtin.run(modelId, feeds, signal);
    // A deleted model must stop running even though its session may still be in the pool.
    if (!(await this.store.get(modelId))) {
      throw new UserModelError(404, "MODEL_NOT_FOUND", `uploaded model '${modelId}' does not exist (deleted?); pick a model again`);
    }
    const pool = this.userPool;
    this.inFlight.set(pool, (this.inFlight.get(pool) ?? 0) + 1);
    try {
      return await this.userService.run(modelId, feeds, signal);
    } finally {
      const left = (this.inFlight.get(pool) ?? 1) - 1;
      this.inFlight.set(pool, left);
      if (left === 0 && this.retiring.has(pool)) this.retire(pool);
    }
  }

  async signature(modelId: string): Promise<ModelSignature> {
    const cached = this.signatures.get(modelId);
    if (cached) return cached;
    const card = await this.get(modelId);
    if (!card) throw new UserModelError(404, "MODEL_NOT_FOUND", `no model '${modelId}'`);
    this.signatures.set(modelId, card.signature);
    return card.signature;
  }

  async tokenizer(modelId: string): Promise<unknown> {
    let loading = this.tokenizers.get(modelId);
    if (!loading) {
      loading = this.store.readTokenizer(modelId).then((json) => {
        if (json === undefined) return undefined;
        return this.options.loadTokenizer ? this.options.loadTokenizer(json) : json;
      });
      this.tokenizers.set(modelId, loading);
      loading.catch(() => this.tokenizers.delete(modelId));
    }
    return loading;
  }

  /** Every model: built-ins first (in setup order), then uploads, newest first. */
  async list(): Promise<ModelCard[]> {
    const builtins = await this.builtinManifests();
    const cards = await Promise.all(builtins.map((m) => this.builtinCard(m)));
    const uploads = (await this.store.list()).map(uploadCard);
    return [...cards, ...uploads];
  }

  async get(id: string): Promise<ModelCard | undefined> {
    if (USER_MODEL_ID.test(id)) {
      const manifest = await this.store.get(id);
      return manifest ? uploadCard(manifest) : undefined;
    }
    if (!/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/.test(id)) return undefined;
    try {
      const path = manifestPath(this.options.modelsDir, id);
      return await this.builtinCard(parseModelManifest(JSON.parse(await readFile(path, "utf8")), path));
    } catch {
      return undefined;
    }
  }

  async upload(source: ByteSource, filename?: string): Promise<{ card: ModelCard; created: boolean }> {
    const { manifest, created } = await this.store.add(source, { ...(filename !== undefined ? { filename } : {}) });
    return { card: uploadCard(manifest), created };
  }

  async uploadTokenizer(id: string, source: ByteSource, filename?: string): Promise<ModelCard> {
    const validate = (json: unknown) => (this.options.loadTokenizer ? this.options.loadTokenizer(json).kind : "unchecked");
    const manifest = await this.store.setTokenizer(id, source, { ...(filename !== undefined ? { filename } : {}), validate });
    this.tokenizers.delete(id);
    return uploadCard(manifest);
  }

  /** Deletes an uploaded model; built-ins cannot be deleted (409). */
  async delete(id: string): Promise<boolean> {
    if (!USER_MODEL_ID.test(id)) {
      if (await this.get(id)) throw new UserModelError(409, "MODEL_BUILTIN", `'${id}' is a built-in model and cannot be deleted`);
      return false;
    }
    const removed = await this.store.remove(id);
    if (removed) {
      this.tokenizers.delete(id);
      this.signatures.delete(id);
      // SessionPool cannot drop one session: swap in a fresh pool and release the old one once
      // the runs using it have finished, so a deleted model's weights leave memory.
      const old = this.userPool;
      this.userPool = new SessionPool({ modelsDir: this.store.dir });
      this.userService = createModelService(this.userPool);
      this.retiring.add(old);
      if ((this.inFlight.get(old) ?? 0) === 0) this.retire(old);
    }
    return removed;
  }

  async close(): Promise<void> {
    for (const pool of this.retiring) await pool.close();
    await this.userPool.close();
  }

  private retire(pool: SessionPool): void {
    this.retiring.delete(pool);
    this.inFlight.delete(pool);
    void pool.close();
  }

  private async builtinManifests(): Promise<ModelManifest[]> {
    let files: string[];
    try {
      files = await readdir(this.options.modelsDir);
    } catch {
      return [];
    }
    const order = BUILTIN_MODELS.map((m) => m.manifest.id);
    const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
    const manifests: ModelManifest[] = [];
    for (const f of files.filter((f) => f.endsWith(".manifest.json"))) {
      const path = join(this.options.modelsDir, f);
      try {
        manifests.push(parseModelManifest(JSON.parse(await readFile(path, "utf8")), path));
      } catch {
        // A broken manifest is the setup's problem to report; the list shows the rest.
      }
    }
    return manifests.sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
  }

  private async builtinCard(manifest: ModelManifest): Promise<ModelCard> {
    // The session is the truth about shapes (a manifest may name an axis differently); the pool
    // shares it with runs, so listing costs one load per model per process.
    let signature: ModelSignature;
    try {
      const { session } = await this.options.pool.get(manifest.id);
      const { nonTensor: _, ...read } = sessionSignature(session);
      signature = read;
    } catch {
      signature = {
        inputs: manifest.inputs.map((t) => ({ name: t.name, type: t.type, shape: t.shape })),
        outputs: manifest.outputs.map((t) => ({ name: t.name, type: t.type, shape: t.shape })),
      };
    }
    const cardMarkdown = await readModelCard(manifest.id);
    return {
      ...baseCard(manifest, "builtin", signature),
      ...(cardMarkdown !== undefined ? { cardMarkdown } : {}),
    };
  }
}

function baseCard(manifest: ModelManifest, kind: ModelCard["kind"], signature: ModelSignature): ModelCard {
  const shapeOf = (list: ModelSignature["inputs"], name: string, fallback: SignatureDim[]) => list.find((t) => t.name === name)?.shape ?? fallback;
  return {
    id: manifest.id,
    kind,
    title: manifest.title,
    task: manifest.task,
    version: manifest.version,
    sha256: manifest.sha256,
    licence: manifest.licence,
    attribution: manifest.attribution,
    source: manifest.source,
    metrics: manifest.metrics ?? [],
    inputs: manifest.inputs.map((t) => ({
      name: t.name,
      type: t.type,
      shape: shapeOf(signature.inputs, t.name, t.shape),
      dynamicAxes: dynamicAxes(shapeOf(signature.inputs, t.name, t.shape)),
      ...(t.layout ? { layout: t.layout } : {}),
      ...(t.range ? { range: t.range } : {}),
      preprocessing: t.preprocessing,
    })),
    outputs: manifest.outputs.map((t) => ({
      name: t.name,
      type: t.type,
      shape: shapeOf(signature.outputs, t.name, t.shape),
      dynamicAxes: dynamicAxes(shapeOf(signature.outputs, t.name, t.shape)),
      description: t.description,
      activation: t.activation,
      ...(t.labels ? { labels: t.labels } : {}),
      ...(t.taxonomy ? { taxonomy: t.taxonomy } : {}),
    })),
    signature,
  };
}

function uploadCard(manifest: UserModelManifest): ModelCard {
  return { ...baseCard(manifest, "upload", manifest.signature), upload: manifest.upload };
}

/** MODEL_CARD.md next to a built-in's committed ONNX file, when it has one. */
async function readModelCard(id: string): Promise<string | undefined> {
  const model = BUILTIN_MODELS.find((m) => m.manifest.id === id);
  if (!model || !("onnxFile" in model)) return undefined;
  let path: string;
  try {
    path = join(dirname(model.onnxFile()), "MODEL_CARD.md");
  } catch {
    return undefined;
  }
  return existsSync(path) ? readFile(path, "utf8") : undefined;
}
