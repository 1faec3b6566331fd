/**
 * Bring-your-own ONNX: uploaded models live in `<modelsDir>/user/` as `<sha256>.onnx` next to a
 * manifest `user-<first 16 hex>.manifest.json`. The manifest is a regular ModelManifest (task
 * "custom", source "upload") plus the upload's details and the inspected signature, so the same
 * SessionPool that runs the built-ins loads, hash-checks and shares these too.
 *
 * An upload is streamed to a temp file with a byte limit, validated (decode + a real onnxruntime
 * load), and only then renamed into place; a refused upload leaves nothing behind. The same bytes
 * uploaded twice give the same id and change nothing.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { type ModelManifest, parseModelManifest } from "../manifest";
import { manifestPath, sha256 } from "../setup";
import { UserModelError } from "./errors";
import { inspectOnnx } from "./inspect";
import type { ModelSignature } from "./signature";

export const DEFAULT_MAX_MODEL_BYTES = 100 * 1024 * 1024;
export const DEFAULT_MAX_TOKENIZER_BYTES = 20 * 1024 * 1024;
/** Uploaded model ids: `user-` and the first 16 hex digits of the file's sha256. */
export const USER_MODEL_ID = /^user-[0-9a-f]{16}$/;

export interface UploadInfo {
  /** The file name the user uploaded (base name only). */
  filename: string;
  uploadedAt: string;
  bytes: number;
  producer: string;
  opset?: number;
  tokenizer?: TokenizerInfo;
}

export interface TokenizerInfo {
  filename: string;
  sha256: string;
  bytes: number;
  /** The tokenizer model type the validator recognised (e.g. WordPiece, BPE). */
  kind: string;
}

/** What the store keeps per uploaded model. */
export type UserModelManifest = ModelManifest & { upload: UploadInfo; signature: ModelSignature };

export interface UserModelStoreOptions {
  /** `<modelsDir>/user`. */
  dir: string;
  maxBytes?: number;
  maxTokenizerBytes?: number;
}

export type ByteSource = Uint8Array | AsyncIterable<Uint8Array>;

/** A clean display name: base name only, no control characters, bounded length. */
export function cleanFilename(name: string | undefined, fallback: string): string {
  // eslint-disable-next-line no-control-regex
  const base = basename((name ?? "").replace(/\\/g, "/")).replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, 200);
  return base || fallback;
}

export class UserModelStore {
  readonly dir: string;
  readonly maxBytes: number;
  readonly maxTokenizerBytes: number;

  constructor(options: UserModelStoreOptions) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_MODEL_BYTES;
    this.maxTokenizerBytes = options.maxTokenizerBytes ?? DEFAULT_MAX_TOKENIZER_BYTES;
  }

  static idFor(sha: string): string {
    return `user-${sha.slice(0, 16)}`;
  }

  /**
   * Validates and stores an uploaded ONNX file. Resolves with its manifest and whether it is new;
   * rejects with UserModelError (413 too large, 422 not a usable model) having stored nothing.
   */
  async add(source: ByteSource, options: { filename?: string; now?: Date } = {}): Promise<{ manifest: UserModelManifest; created: boolean }> {
    const filename = cleanFilename(options.filename, "model.onnx");
    const temp = await this.receive(source, this.maxBytes, "model");
    try {
      const bytes = await readFile(temp);
      const inspected = await inspectOnnx(bytes, filename);
      const hash = sha256(bytes);
      const id = UserModelStore.idFor(hash);
      const existing = await this.get(id);
      if (existing && existing.sha256 === hash) return { manifest: existing, created: false };
      const manifest = buildManifest(id, hash, filename, bytes.byteLength, inspected, options.now ?? new Date());
      // The model file first, the manifest last: the manifest is what makes a model exist.
      await rename(temp, join(this.dir, manifest.file));
      await this.writeManifest(manifest);
      return { manifest, created: true };
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Every uploaded model, newest first. Unreadable manifests are skipped, not fatal. */
  async list(): Promise<UserModelManifest[]> {
    let files: string[];
    try {
      files = await readdir(this.dir);
    } catch {
      return [];
    }
    const ids = files.filter((f) => f.endsWith(".manifest.json")).map((f) => f.slice(0, -".manifest.json".length));
    const manifests = await Promise.all(ids.map((id) => this.get(id).catch(() => undefined)));
    return manifests
      .filter((m): m is UserModelManifest => m !== undefined)
      .sort((a, b) => b.upload.uploadedAt.localeCompare(a.upload.uploadedAt));
  }

  async get(id: string): Promise<UserModelManifest | undefined> {
    if (!USER_MODEL_ID.test(id)) return undefined;
    let text: string;
    try {
      text = await readFile(manifestPath(this.dir, id), "utf8");
    } catch {
      return undefined;
    }
    const json = JSON.parse(text) as { upload?: UploadInfo; signature?: ModelSignature };
    const manifest = parseModelManifest(json, manifestPath(this.dir, id));
    if (!json.upload || !json.signature) throw new Error(`${manifestPath(this.dir, id)} lacks upload details`);
    return { ...manifest, upload: json.upload, signature: json.signature };
  }

  /** Deletes an uploaded model (manifest first, so it stops existing before its files go). */
  async remove(id: string): Promise<boolean> {
    const manifest = await this.get(id);
    if (!manifest) return false;
    await rm(manifestPath(this.dir, id), { force: true });
    // Another upload of the same bytes has the same id, so the ONNX file is not shared.
    await rm(join(this.dir, manifest.file), { force: true });
    if (manifest.upload.tokenizer) await rm(this.tokenizerPath(manifest), { force: true });
    return true;
  }

  /**
   * Attaches a tokenizer.json to a stored model. `validate` parses it (the tokenizer code lives with
   * the node that uses it) and returns the kind it recognised, or throws a user-facing Error.
   */
  async setTokenizer(
    id: string,
    source: ByteSource,
    options: { filename?: string; validate: (json: unknown) => string },
  ): Promise<UserModelManifest> {
    const manifest = await this.get(id);
    if (!manifest) throw new UserModelError(404, "MODEL_NOT_FOUND", `no uploaded model '${id}'`);
    const filename = cleanFilename(options.filename, "tokenizer.json");
    const temp = await this.receive(source, this.maxTokenizerBytes, "tokenizer");
    try {
      const bytes = await readFile(temp);
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
      } catch (error) {
        throw new UserModelError(422, "TOKENIZER_INVALID", `${filename} is not valid UTF-8 JSON: ${(error as Error).message}`);
      }
      let kind: string;
      try {
        kind = options.validate(json);
      } catch (error) {
        throw new UserModelError(422, "TOKENIZER_UNSUPPORTED", `${filename}: ${(error as Error).message}`);
      }
      const hash = sha256(bytes);
      const next: UserModelManifest = {
        ...manifest,
        upload: { ...manifest.upload, tokenizer: { filename, sha256: hash, bytes: bytes.byteLength, kind } },
      };
      await rename(temp, this.tokenizerPath(next));
      await this.writeManifest(next);
      return next;
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** The parsed tokenizer.json of a model, or undefined when it has none. */
  async readTokenizer(id: string): Promise<unknown> {
    const manifest = await this.get(id);
    if (!manifest?.upload.tokenizer) return undefined;
    const bytes = await readFile(this.tokenizerPath(manifest));
    if (sha256(bytes) !== manifest.upload.tokenizer.sha256) throw new Error(`the tokenizer of ${id} does not match its manifest`);
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  }

  private tokenizerPath(manifest: UserModelManifest): string {
    return join(this.dir, `${manifest.sha256}.tokenizer.json`);
  }

  private async writeManifest(manifest: UserModelManifest): Promise<void> {
    const path = manifestPath(this.dir, manifest.id);
    const tmp = `${path}.${randomUUID()}.tmp`;
    await writeFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(tmp, path);
  }

  /** Streams `source` into a temp file in the store's folder; 413 (and nothing kept) past `limit`. */
  private async receive(source: ByteSource, limit: number, what: "model" | "tokenizer"): Promise<string> {
    const incoming = join(this.dir, ".incoming");
    await mkdir(incoming, { recursive: true });
    const temp = join(incoming, `${randomUUID()}.part`);
    const tooLarge = () =>
      new UserModelError(413, what === "model" ? "MODEL_TOO_LARGE" : "TOKENIZER_TOO_LARGE", `the ${what} file is larger than the limit of ${formatBytes(limit)}`, {
        limitBytes: limit,
      });
    try {
      if (source instanceof Uint8Array) {
        if (source.byteLength > limit) throw tooLarge();
        await writeFile(temp, source);
        return temp;
      }
      const { createWriteStream } = await import("node:fs");
      const out = createWriteStream(temp);
      const closed = new Promise<void>((resolve, reject) => {
        out.once("close", resolve);
        out.once("error", reject);
      });
      let total = 0;
      try {
        for await (const chunk of source) {
          total += chunk.byteLength;
          if (total > limit) throw tooLarge();
          if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
        }
      } finally {
        out.end();
        await closed;
      }
      return temp;
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw error;
    }
  }

  /** Files under the store folder (for tests: a refused upload must leave none). */
  async files(): Promise<string[]> {
    const found: string[] = [];
    const walk = async (dir: string, prefix: string) => {
      let entries: string[];
      try {
        entries = await readdir(dir);
      } catch {
        return;
      }
      for (const e of entries) {
        const full = join(dir, e);
        if ((await stat(full)).isDirectory()) await walk(full, `${prefix}${e}/`);
        else found.push(`${prefix}${e}`);
      }
    };
    await walk(this.dir, "");
    return found.sort();
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round((n / 1024) * 10) / 10} KB`;
  return `${n} bytes`;
}

function buildManifest(
  id: string,
  hash: string,
  filename: string,
  bytes: number,
  inspected: Awaited<ReturnType<typeof inspectOnnx>>,
  now: Date,
): UserModelManifest {
  const { signature } = inspected;
  const title = filename.replace(/\.onnx$/i, "") || id;
  const manifest = parseModelManifest(
    {
      id,
      version: "1.0.0",
      file: `${hash}.onnx`,
      sha256: hash,
      task: "custom",
      title,
      inputs: signature.inputs.map((t) => ({
        name: t.name,
        type: t.type,
        shape: t.shape,
        preprocessing: "Chosen per node: the model.onnx node's preprocess preset.",
      })),
      outputs: signature.outputs.map((t) => ({
        name: t.name,
        type: t.type,
        shape: t.shape,
        description: "Output of the uploaded model; read by the model.onnx node's postprocess preset.",
        activation: "none",
      })),
      licence: { spdx: "NOASSERTION", notes: "Uploaded by a user; Attune does not know its licence." },
      source: { kind: "upload", files: { [filename]: hash } },
      attribution: `Uploaded by a user as ${filename}.`,
    },
    `manifest of uploaded ${filename}`,
  );
  return {
    ...manifest,
    upload: {
      filename,
      uploadedAt: now.toISOString(),
      bytes,
      producer: inspected.producer,
      ...(inspected.opset !== undefined ? { opset: inspected.opset } : {}),
    },
    signature,
  };
}
