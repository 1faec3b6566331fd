"use client";

import type { NodeInstance, PipelineDocument } from "@attune/graph";
import { formatMs } from "@/lib/format";
import { AudioPanel } from "@/media/audio-panel";
import { ImagePanel } from "@/media/image-panel";
import type { MediaInputValue } from "@/media/media-value";
import { inputKindOf } from "./input-kinds";
import type { PreviewState, RunFrame } from "./use-live-preview";

/**
 * One input per input node (keyed by its run-input `name`), plus the run's status: a text field,
 * a number field, an image panel (upload, paste, drop, webcam) or an audio panel (waveform,
 * microphone), chosen by the type the input node produces.
 */
export function PreviewPanel({
  inputNodes,
  values,
  maxChars,
  preview,
  onChange,
  media,
  onMediaChange,
  document,
  runFrame,
  liveInput,
  onLiveChange,
}: {
  inputNodes: NodeInstance[];
  values: Record<string, string>;
  maxChars: number;
  preview: PreviewState;
  onChange: (name: string, value: string) => void;
  media: Record<string, MediaInputValue>;
  onMediaChange: (name: string, value: MediaInputValue | undefined) => void;
  document: PipelineDocument;
  runFrame: RunFrame;
  /** The input whose webcam or microphone is streaming, if any. */
  liveInput: string | null;
  onLiveChange: (name: string, live: boolean) => void;
}) {
  const seen = new Set<string>();
  return (
    <div data-testid="preview-panel">
      {inputNodes.length === 0 && (
        <p className="muted small" style={{ marginTop: 0 }}>Add a Text, Image or Audio input node to feed the pipeline.</p>
      )}
      {inputNodes.map((node) => {
        const name = typeof node.params.name === "string" ? node.params.name : "";
        // Two input nodes with one name read the same run input: one field serves both.
        if (!name || seen.has(name)) return null;
        seen.add(name);
        const kind = inputKindOf(node.type);
        if (kind === "image" || kind === "audio") {
          const Panel = kind === "image" ? ImagePanel : AudioPanel;
          return (
            <div className="field" key={name}>
              <label>
                {name} <span className="muted small">({kind})</span>
              </label>
              <Panel
                name={name}
                nodeId={node.id}
                value={media[name]}
                onChange={(value) => onMediaChange(name, value)}
                document={document}
                preview={preview}
                runFrame={runFrame}
                live={liveInput === name}
                onLiveChange={(live) => onLiveChange(name, live)}
              />
            </div>
          );
        }
        const isNumber = kind === "number";
        const sample = typeof node.params.sample === "string" || typeof node.params.sample === "number" ? String(node.params.sample) : "";
        return (
          <div className="field" key={name}>
            <label htmlFor={`preview-input-${name}`}>
              {name} <span className="muted small">({isNumber ? "number" : "text"})</span>
            </label>
            {isNumber ? (
              <input
                id={`preview-input-${name}`}
                data-testid={`preview-input-${name}`}
                type="number"
                value={values[name] ?? ""}
                placeholder={sample}
                onChange={(e) => onChange(name, e.target.value)}
              />
            ) : (
              <textarea
                id={`preview-input-${name}`}
                data-testid={`preview-input-${name}`}
                value={values[name] ?? ""}
                maxLength={maxChars}
                placeholder={sample || "Type something to see every node react…"}
                onChange={(e) => onChange(name, e.target.value)}
              />
            )}
          </div>
        );
      })}
      <div className="run-status" data-testid="run-status" data-status={preview.status}>
        <span className={`pill ${preview.status === "waiting" ? "running" : preview.status}`}>{statusLabel(preview.status)}</span>
        {preview.durationMs !== undefined && preview.status !== "error" && (
          <span className="muted" data-testid="run-latency">total {formatMs(preview.durationMs)}</span>
        )}
      </div>
      {preview.status === "error" && preview.error && (
        <div className="error-text small" style={{ marginTop: 6 }} data-testid="preview-error">
          {preview.error}
          {preview.issues?.map((issue, i) => (
            <div key={i}>
              {issue.nodeId ? <code>{issue.nodeId}</code> : null} {issue.message}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

function statusLabel(status: PreviewState["status"]): string {
  switch (status) {
    case "idle": return "idle";
    case "waiting":
    case "running": return "running…";
    case "ok": return "ok";
    case "partial": return "partial (some nodes failed)";
    case "failed": return "failed";
    case "cancelled": return "cancelled";
    case "error": return "not running";
  }
}
