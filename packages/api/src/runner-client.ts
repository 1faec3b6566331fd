import type { PipelineDocument } from "@attune/graph";

export interface RunnerClientOptions {
  /** The runner's origin, optionally with a path prefix, e.g. `http://127.0.0.1:4100`. */
  baseUrl: string;
  /** Shared secret between studio and runner, sent as a bearer token. */
  token: string;
  /** Injected for tests or a custom agent; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface PreviewRequest {
  document: PipelineDocument;
  inputs: Record<string, unknown>;
  /** Keeps the runner's result cache and stateful nodes across keystrokes of one editor tab. */
  sessionId?: string;
  /** Abort to cancel the run (the runner sees the connection close). */
  signal?: AbortSignal;
}

export interface RunnerClient {
  /**
   * Starts a preview run. Resolves with the runner's Response as is, status included, so a proxy
   * can pipe its SSE body (run events) straight to the browser.
   */
  preview(request: PreviewRequest): Promise<Response>;
  /** GET /v1/models: the runner's response as is (the models router validates it). */
  listModels(signal?: AbortSignal): Promise<Response>;
  getModel(id: string, signal?: AbortSignal): Promise<Response>;
  deleteModel(id: string, signal?: AbortSignal): Promise<Response>;
  /** POST /v1/models, streaming `body` through (octet-stream + filename, or multipart as sent). */
  uploadModel(request: ModelUploadRequest): Promise<Response>;
}

export interface ModelUploadRequest {
  body: ReadableStream<Uint8Array> | Uint8Array;
  contentType: string;
  contentLength?: number;
  filename?: string;
  signal?: AbortSignal;
}

export function createRunnerClient(options: RunnerClientOptions): RunnerClient {
  const doFetch = options.fetch ?? fetch;
  // A trailing slash makes relative resolution keep any path prefix of baseUrl.
  const base = options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`;
  const previewUrl = new URL("v1/preview", base);
  const auth = () => ({ authorization: `Bearer ${options.token}`, accept: "application/json" });
  return {
    preview({ document, inputs, sessionId, signal }) {
      return doFetch(previewUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "text/event-stream",
          authorization: `Bearer ${options.token}`,
        },
        body: JSON.stringify({ document, inputs, sessionId }),
        signal,
      });
    },
    listModels(signal) {
      return doFetch(new URL("v1/models", base), { headers: auth(), ...(signal ? { signal } : {}) });
    },
    getModel(id, signal) {
      return doFetch(new URL(`v1/models/${encodeURIComponent(id)}`, base), { headers: auth(), ...(signal ? { signal } : {}) });
    },
    deleteModel(id, signal) {
      return doFetch(new URL(`v1/models/${encodeURIComponent(id)}`, base), { method: "DELETE", headers: auth(), ...(signal ? { signal } : {}) });
    },
    uploadModel({ body, contentType, contentLength, filename, signal }) {
      const headers: Record<string, string> = { ...auth(), "content-type": contentType };
      if (contentLength !== undefined) headers["content-length"] = String(contentLength);
      if (filename !== undefined) headers["x-filename"] = encodeURIComponent(filename);
      // duplex: "half" is how fetch streams a request body (Node's undici requires it for streams).
      return doFetch(new URL("v1/models", base), {
        method: "POST",
        headers,
        body: body as BodyInit,
        ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
        ...(signal ? { signal } : {}),
      } as RequestInit);
    },
  };
}
