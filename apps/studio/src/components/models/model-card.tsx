"use client";

import type { RouterOutputs } from "@/lib/trpc";
import { ModelAuditFigures } from "@/components/audits/disparity";

export type ModelCardData = RouterOutputs["models"]["list"]["models"][number];
type Tensor = ModelCardData["inputs"][number];

export const showShape = (shape: Tensor["shape"]) => `[${shape.map((d) => (d === null ? "?" : String(d))).join(", ")}]`;

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

/** Inputs or outputs: names, element types, shapes and which axes are dynamic. */
export function TensorTable({ title, tensors, testId }: { title: string; tensors: Tensor[]; testId: string }) {
  return (
    <table className="model-io" data-testid={testId}>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th>Name</th>
          <th>Type</th>
          <th>Shape</th>
          <th>Dynamic axes</th>
          <th>Labels / notes</th>
        </tr>
      </thead>
      <tbody>
        {tensors.map((t) => (
          <tr key={t.name} data-testid={`${testId}-${t.name}`}>
            <td><code>{t.name}</code></td>
            <td>{t.type}</td>
            <td><code>{showShape(t.shape)}</code>{t.layout ? ` ${t.layout}` : ""}</td>
            <td>{t.dynamicAxes.length === 0 ? "none" : t.dynamicAxes.map((a) => `${a.axis}${a.name ? ` (${a.name})` : ""}`).join(", ")}</td>
            <td className="small">
              {t.labels ? `${t.taxonomy ? `${t.taxonomy}: ` : ""}${t.labels.join(", ")}` : (t.description ?? t.preprocessing ?? "")}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One model's card: identity, licence, provenance, metrics, interface, and its markdown card if any. */
export function ModelCardView({ model, actions }: { model: ModelCardData; actions?: React.ReactNode }) {
  return (
    <article className="model-card" data-testid={`model-card-${model.id}`} data-model-kind={model.kind}>
      <header className="model-card-head">
        <div>
          <h2>{model.title}</h2>
          <div className="muted small">
            <code>{model.id}</code> · v{model.version} · {model.task} · <span className="pill">{model.kind === "builtin" ? "built-in" : "uploaded"}</span>
          </div>
        </div>
        {actions}
      </header>
      <dl className="model-facts small">
        <dt>Licence</dt>
        <dd>
          {model.licence.url ? <a href={model.licence.url} rel="noreferrer" target="_blank">{model.licence.spdx}</a> : model.licence.spdx}
          {model.licence.notes ? ` — ${model.licence.notes}` : ""}
        </dd>
        <dt>Attribution</dt>
        <dd>{model.attribution}</dd>
        <dt>Source</dt>
        <dd>
          {model.source.kind}
          {model.source.package ? ` · ${model.source.package}${model.source.packageVersion ? `@${model.source.packageVersion}` : ""}` : ""}
          {model.source.upstream ? <> · <a href={model.source.upstream} rel="noreferrer" target="_blank">upstream</a></> : null}
        </dd>
        {model.upload && (
          <>
            <dt>Upload</dt>
            <dd>
              {model.upload.filename} · {formatBytes(model.upload.bytes)} · {new Date(model.upload.uploadedAt).toLocaleString()}
              {model.upload.opset !== undefined ? ` · opset ${model.upload.opset}` : ""}
              {model.upload.tokenizer ? ` · tokenizer ${model.upload.tokenizer.filename} (${model.upload.tokenizer.kind})` : " · no tokenizer"}
            </dd>
          </>
        )}
        <dt>sha256</dt>
        <dd><code className="small">{model.sha256}</code></dd>
      </dl>
      {model.metrics.length > 0 && (
        <table className="model-io" data-testid={`model-metrics-${model.id}`}>
          <caption>Metrics (measured)</caption>
          <tbody>
            {model.metrics.map((m) => (
              <tr key={`${m.name}-${m.dataset}`}>
                <td>{m.name}</td>
                <td>{m.value}</td>
                <td className="small">{m.dataset}{m.notes ? ` — ${m.notes}` : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ModelAuditFigures modelId={model.id} />
      <TensorTable title="Inputs" tensors={model.inputs} testId={`model-inputs-${model.id}`} />
      <TensorTable title="Outputs" tensors={model.outputs} testId={`model-outputs-${model.id}`} />
      {model.cardMarkdown && (
        <details className="model-markdown">
          <summary>Model card</summary>
          <pre data-testid={`model-markdown-${model.id}`}>{model.cardMarkdown}</pre>
        </details>
      )}
    </article>
  );
}
