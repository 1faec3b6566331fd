"use client";

import { useState, type FormEvent } from "react";
import { blobToBase64 } from "@/media/media-value";
import { formatMs } from "@/lib/format";
import { exampleValue, type EndpointInput } from "./snippets";

interface Result {
  status: number;
  statusText: string;
  latencyMs: number;
  retryAfter: string | null;
  body: string;
}

interface MediaFile {
  base64: string;
  mimeType: string;
  filename: string;
  size: number;
}

function initialText(input: EndpointInput): string {
  if (input.type === "json") return JSON.stringify(exampleValue(input));
  if (input.type === "text" || input.type === "number") return String(exampleValue(input));
  return "";
}

/**
 * Calls the real endpoint on this origin with a pasted API key, exactly as an outside caller would
 * (same URL, same headers, same rate limits and run log), and shows what came back.
 */
export function TryIt({ slug, inputs, versions, onRan }: { slug: string; inputs: EndpointInput[]; versions: number[]; onRan?: () => void }) {
  const [key, setKey] = useState("");
  const [texts, setTexts] = useState<Record<string, string>>(() => Object.fromEntries(inputs.map((i) => [i.name, initialText(i)])));
  const [files, setFiles] = useState<Record<string, MediaFile>>({});
  const [version, setVersion] = useState<string>("live");
  const [trace, setTrace] = useState(false);
  const [session, setSession] = useState("");
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  async function pickFile(name: string, file: File | undefined) {
    if (!file) {
      setFiles((f) => {
        const next = { ...f };
        delete next[name];
        return next;
      });
      return;
    }
    const base64 = await blobToBase64(file);
    setFiles((f) => ({ ...f, [name]: { base64, mimeType: file.type || "application/octet-stream", filename: file.name, size: file.size } }));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    const body: Record<string, unknown> = {};
    for (const input of inputs) {
      const raw = texts[input.name] ?? initialText(input);
      if (input.type === "image" || input.type === "audio") {
        const file = files[input.name];
        if (file) body[input.name] = { base64: file.base64, mimeType: file.mimeType, filename: file.filename };
      } else if (input.type === "number") {
        // Sent as typed: a non-number reaches the endpoint and shows its 422, as a caller would see it.
        if (raw.trim() !== "") body[input.name] = Number.isFinite(Number(raw)) ? Number(raw) : raw;
      } else if (input.type === "json") {
        if (raw.trim() === "") continue;
        try {
          body[input.name] = JSON.parse(raw);
        } catch {
          setFormError(`${input.name} is not valid JSON.`);
          return;
        }
      } else body[input.name] = raw;
    }
    const path = version === "live" ? `/v1/pipelines/${slug}/run` : `/v1/pipelines/${slug}/versions/${version}/run`;
    const url = `${path}${trace ? "?trace=1" : ""}`;
    setRunning(true);
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(key.trim() ? { authorization: `Bearer ${key.trim()}` } : {}) },
        body: JSON.stringify({ inputs: body, ...(session.trim() ? { session: session.trim() } : {}) }),
        credentials: "omit",
      });
      const text = await response.text();
      const latencyMs = performance.now() - started;
      let pretty = text;
      try {
        pretty = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        // not JSON: show as is
      }
      setResult({ status: response.status, statusText: response.statusText, latencyMs, retryAfter: response.headers.get("retry-after"), body: pretty });
    } catch (err) {
      setResult({ status: 0, statusText: "network error", latencyMs: performance.now() - started, retryAfter: null, body: err instanceof Error ? err.message : String(err) });
    } finally {
      setRunning(false);
      onRan?.();
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} data-testid="try-it">
      <div className="try-grid">
        <label htmlFor="try-key">
          API key<span className="type">Authorization: Bearer</span>
        </label>
        <input id="try-key" type="password" autoComplete="off" spellCheck={false} placeholder="atn_… (create one on the API keys page)" value={key} onChange={(e) => setKey(e.target.value)} data-testid="try-key" />
        {inputs.map((input) => (
          <TryField key={input.name} input={input} text={texts[input.name] ?? initialText(input)} file={files[input.name]} onText={(v) => setTexts((t) => ({ ...t, [input.name]: v }))} onFile={(f) => void pickFile(input.name, f)} />
        ))}
        <label htmlFor="try-version">Version</label>
        <div className="pub-row">
          <select id="try-version" value={version} onChange={(e) => setVersion(e.target.value)} data-testid="try-version">
            <option value="live">live</option>
            {versions.map((v) => (
              <option key={v} value={String(v)}>
                v{v} (pinned)
              </option>
            ))}
          </select>
          <label className="check-row small">
            <input type="checkbox" checked={trace} onChange={(e) => setTrace(e.target.checked)} data-testid="try-trace" /> per-node timings (trace)
          </label>
          <input className="grow" placeholder="session id (optional, for stateful nodes)" value={session} onChange={(e) => setSession(e.target.value)} data-testid="try-session" />
        </div>
      </div>
      <div className="pub-row">
        <button type="submit" className="primary" disabled={running} data-testid="try-send">
          {running ? "Running…" : "Send request"}
        </button>
        {!key.trim() && <span className="small muted">Without a key the endpoint answers 401.</span>}
        {formError && <span className="error-text small">{formError}</span>}
      </div>
      {result && (
        <div data-testid="try-result" data-status={result.status}>
          <div className="status-line">
            <span className={`http-status ${result.status >= 200 && result.status < 300 ? "ok" : "bad"}`} data-testid="try-status">
              {result.status || "—"} {result.statusText}
            </span>
            <span className="muted" data-testid="try-latency">{formatMs(result.latencyMs)}</span>
            {result.retryAfter && <span className="muted">retry after {result.retryAfter} s</span>}
          </div>
          <pre className="response" data-testid="try-response">{result.body}</pre>
        </div>
      )}
    </form>
  );
}

function TryField({ input, text, file, onText, onFile }: { input: EndpointInput; text: string; file: MediaFile | undefined; onText: (v: string) => void; onFile: (f: File | undefined) => void }) {
  const id = `try-input-${input.name}`;
  const label = (
    <label htmlFor={id}>
      {input.name}
      {input.required ? " *" : ""}
      <span className="type">{input.type}</span>
    </label>
  );
  if (input.type === "image" || input.type === "audio") {
    return (
      <>
        {label}
        <div>
          <input id={id} type="file" accept={input.type === "image" ? "image/*" : "audio/*"} onChange={(e) => onFile(e.target.files?.[0])} data-testid={id} />
          {file && <div className="small muted">{file.filename}: {Math.round(file.size / 1024)} KB, sent as base64</div>}
        </div>
      </>
    );
  }
  return (
    <>
      {label}
      {input.type === "number" ? (
        <input id={id} inputMode="decimal" value={text} onChange={(e) => onText(e.target.value)} data-testid={id} />
      ) : (
        <textarea id={id} rows={input.type === "json" ? 4 : 2} value={text} onChange={(e) => onText(e.target.value)} data-testid={id} />
      )}
    </>
  );
}
