"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { errorMessage, trpc } from "@/lib/trpc";
import { formatBytes, ModelCardView, TensorTable, type ModelCardData } from "./model-card";

interface UploadState {
  phase: "idle" | "uploading" | "processing" | "done" | "error";
  loaded: number;
  total: number;
  message?: string;
  model?: ModelCardData;
  created?: boolean;
}

/** Sends the files with XMLHttpRequest: fetch cannot report upload progress. */
function uploadWithProgress(form: FormData, onProgress: (loaded: number, total: number) => void): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/models");
    xhr.responseType = "text";
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : 0);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = { error: { message: xhr.responseText.slice(0, 300) || `HTTP ${xhr.status}` } };
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error("the upload failed: network error"));
    xhr.send(form);
  });
}

/** The Models page: every model's card, upload of your own ONNX (+ tokenizer.json), delete uploads. */
export function ModelsPage() {
  const [models, setModels] = useState<ModelCardData[] | null>(null);
  const [limit, setLimit] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [upload, setUpload] = useState<UploadState>({ phase: "idle", loaded: 0, total: 0 });
  const [confirming, setConfirming] = useState<string | null>(null);
  const modelInput = useRef<HTMLInputElement>(null);
  const tokenizerInput = useRef<HTMLInputElement>(null);

  const refresh = useCallback(async () => {
    try {
      const result = await trpc.models.list.query();
      setModels(result.models);
      setLimit(result.limits.maxUploadBytes);
      setError(null);
    } catch (err) {
      setError(`Could not load models: ${errorMessage(err)}`);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function onUpload(event: FormEvent) {
    event.preventDefault();
    const file = modelInput.current?.files?.[0];
    if (!file) {
      setUpload({ phase: "error", loaded: 0, total: 0, message: "Choose an .onnx file first." });
      return;
    }
    if (limit !== null && file.size > limit) {
      setUpload({ phase: "error", loaded: 0, total: 0, message: `${file.name} is ${formatBytes(file.size)}; the limit is ${formatBytes(limit)}.` });
      return;
    }
    const form = new FormData();
    form.append("model", file, file.name);
    const tokenizer = tokenizerInput.current?.files?.[0];
    if (tokenizer) form.append("tokenizer", tokenizer, tokenizer.name);
    setUpload({ phase: "uploading", loaded: 0, total: file.size });
    try {
      const { status, body } = await uploadWithProgress(form, (loaded, total) =>
        setUpload((u) => ({ ...u, loaded, total: total || u.total, phase: total && loaded >= total ? "processing" : "uploading" })),
      );
      const b = body as { model?: ModelCardData; created?: boolean; error?: { message?: string } };
      if (status >= 200 && status < 300 && b.model) {
        setUpload({ phase: "done", loaded: 1, total: 1, model: b.model, created: b.created ?? true });
        if (modelInput.current) modelInput.current.value = "";
        if (tokenizerInput.current) tokenizerInput.current.value = "";
      } else {
        setUpload({ phase: "error", loaded: 0, total: 0, message: b.error?.message ?? `The upload failed (HTTP ${status}).` });
      }
    } catch (err) {
      setUpload({ phase: "error", loaded: 0, total: 0, message: errorMessage(err) });
    }
    await refresh();
  }

  async function onDelete(id: string) {
    try {
      await trpc.models.delete.mutate({ id });
      setConfirming(null);
      if (upload.model?.id === id) setUpload({ phase: "idle", loaded: 0, total: 0 });
    } catch (err) {
      setError(`Delete failed: ${errorMessage(err)}`);
    }
    await refresh();
  }

  const percent = upload.total > 0 ? Math.min(100, Math.round((upload.loaded / upload.total) * 100)) : 0;

  return (
    <main className="list-page models-page" data-testid="models-page">
      <div className="list-header">
        <h1>Models</h1>
        <nav className="small"><Link href="/">← Pipelines</Link></nav>
      </div>
      <p className="muted small">
        Built-in models ship with Attune; you can add your own ONNX model and run it with the <code>model.onnx</code> node. Files are
        checked with onnxruntime before anything is stored{limit !== null ? `; the size limit is ${formatBytes(limit)}` : ""}.
      </p>

      <form className="upload-form" onSubmit={onUpload} data-testid="upload-form">
        <label>
          ONNX model <input ref={modelInput} type="file" accept=".onnx" data-testid="model-file" />
        </label>
        <label>
          tokenizer.json (optional, for text models) <input ref={tokenizerInput} type="file" accept=".json,application/json" data-testid="tokenizer-file" />
        </label>
        <button type="submit" className="primary" disabled={upload.phase === "uploading" || upload.phase === "processing"} data-testid="upload-model">
          Upload
        </button>
      </form>
      {(upload.phase === "uploading" || upload.phase === "processing") && (
        <div className="upload-progress" data-testid="upload-progress">
          <progress max={100} value={percent} /> {upload.phase === "processing" ? "Checking the model…" : `${percent}%`}
        </div>
      )}
      {upload.phase === "error" && (
        <div className="banner error-text" role="alert" data-testid="upload-error">
          {upload.message}
        </div>
      )}
      {upload.phase === "done" && upload.model && (
        <section className="upload-result" data-testid="upload-result">
          <p>
            {upload.created ? "Stored" : "Already stored"} as <code data-testid="uploaded-id">{upload.model.id}</code>. onnxruntime reads this interface:
          </p>
          <TensorTable title="Inputs" tensors={upload.model.inputs} testId="uploaded-inputs" />
          <TensorTable title="Outputs" tensors={upload.model.outputs} testId="uploaded-outputs" />
        </section>
      )}

      {error && <div className="banner error-text" role="alert">{error}</div>}
      {models === null && !error && <p className="muted">Loading models…</p>}
      {models?.length === 0 && <div className="empty">No models yet.</div>}
      <div className="model-list">
        {models?.map((m) => (
          <ModelCardView
            key={m.id}
            model={m}
            actions={
              m.kind === "upload" ? (
                confirming === m.id ? (
                  <span>
                    <button className="danger" onClick={() => void onDelete(m.id)} data-testid={`confirm-delete-${m.id}`}>Confirm delete</button>{" "}
                    <button onClick={() => setConfirming(null)}>Cancel</button>
                  </span>
                ) : (
                  <button onClick={() => setConfirming(m.id)} data-testid={`delete-model-${m.id}`}>Delete</button>
                )
              ) : null
            }
          />
        ))}
      </div>
    </main>
  );
}
