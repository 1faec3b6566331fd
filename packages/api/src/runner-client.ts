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
}

export function createRunnerClient(options: RunnerClientOptions): RunnerClient {
  const doFetch = options.fetch ?? fetch;
  // A trailing slash makes relative resolution keep any path prefix of baseUrl.
  const base = options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`;
  const previewUrl = new URL("v1/preview", base);
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
  };
}
