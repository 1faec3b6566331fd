"use client";

import { useEffect, useState } from "react";
import { errorMessage, trpc } from "@/lib/trpc";
import { showShape, type ModelCardData } from "./model-card";

export interface PickedSignature {
  inputs: { name: string; type: string; shape: (number | string | null)[] }[];
  outputs: { name: string; type: string; shape: (number | string | null)[] }[];
  tokenizer: boolean;
}

/**
 * Picks a model for a model.onnx node: writes `modelId` and a snapshot of its signature, which the
 * node's validation compares with the chosen presets (so mismatches show before anything runs).
 */
export function ModelPicker({ nodeId, modelId, onPick }: { nodeId: string; modelId: string; onPick: (modelId: string, signature: PickedSignature | null) => void }) {
  const [models, setModels] = useState<ModelCardData[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    trpc.models.list
      .query()
      .then((r) => live && setModels(r.models))
      .catch((err: unknown) => live && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, []);

  const selected = models?.find((m) => m.id === modelId);
  const id = `model-picker-${nodeId}`;
  return (
    <div className="field">
      <label htmlFor={id}>Model</label>
      <select
        id={id}
        data-testid={id}
        value={modelId}
        onChange={(e) => {
          const m = models?.find((x) => x.id === e.target.value);
          onPick(e.target.value, m ? { ...m.signature, tokenizer: Boolean(m.upload?.tokenizer) } : null);
        }}
      >
        <option value="">— choose a model —</option>
        {modelId && !selected && models && <option value={modelId}>{modelId} (missing)</option>}
        {models?.map((m) => (
          <option key={m.id} value={m.id}>
            {m.title} ({m.id})
          </option>
        ))}
      </select>
      {error && <div className="param-error">Could not load models: {error}</div>}
      {selected && (
        <div className="hint" data-testid={`model-picker-signature-${nodeId}`}>
          in: {selected.signature.inputs.map((t) => `${t.name} ${t.type}${showShape(t.shape)}`).join(", ")} · out:{" "}
          {selected.signature.outputs.map((t) => `${t.name} ${t.type}${showShape(t.shape)}`).join(", ")}
        </div>
      )}
      <div className="hint">
        Manage models on the <a href="/models">Models page</a>.
      </div>
    </div>
  );
}
