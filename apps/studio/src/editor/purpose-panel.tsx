"use client";

import { PIPELINE_SETTINGS, PROHIBITED_EMOTION_RECOGNITION_SETTINGS, USE_EXEMPTIONS, type PipelineDocument, type PipelineSetting, type UseExemption, type ValidationIssue } from "@attune/graph";
import { useEffect, useState } from "react";
import { addAcknowledgement, removeAcknowledgement, setMeta } from "./meta-ops";

const SETTING_LABELS: Record<PipelineSetting, string> = {
  "customer-service": "Customer service",
  healthcare: "Healthcare",
  education: "Education",
  workplace: "Workplace",
  research: "Research",
  personal: "Personal use",
  other: "Other",
};

const RESPONSIBLE_CODES = new Set(["PROHIBITED_USE", "PURPOSE_UNDECLARED", "POSSIBLE_MANIPULATION"]);

interface PurposePanelProps {
  document: PipelineDocument;
  issues: ValidationIssue[];
  /** Every edit here is a document edit (applied to the latest document): undoable and saved with the pipeline. */
  onEdit: (edit: (doc: PipelineDocument) => PipelineDocument, coalesce?: string) => void;
  onSelectNode: (nodeId: string) => void;
}

/**
 * What the pipeline is for (`meta`): purpose, setting and a medical/safety exemption, with the
 * responsible-use issues they decide shown in full, and the recorded acknowledgement a person must
 * give before negative affect may route to sales or retention.
 */
export function PurposePanel({ document, issues, onEdit, onSelectNode }: PurposePanelProps) {
  const meta = document.meta ?? {};
  const prohibited = issues.filter((i) => i.code === "PROHIBITED_USE");
  const undeclared = issues.filter((i) => i.code === "PURPOSE_UNDECLARED");
  const manipulation = issues.filter((i) => i.code === "POSSIBLE_MANIPULATION");
  const unacknowledged = manipulation.filter((i) => i.severity === "error");
  const attention = prohibited.length + undeclared.length + unacknowledged.length;
  const [open, setOpen] = useState(() => attention > 0);
  useEffect(() => {
    if (attention > 0) setOpen(true);
  }, [attention]);
  const restricted = meta.setting !== undefined && PROHIBITED_EMOTION_RECOGNITION_SETTINGS.includes(meta.setting);
  const acknowledgements = meta.acknowledgements ?? [];

  const status =
    prohibited.length > 0 ? { cls: "error", text: "prohibited" } : attention > 0 ? { cls: "warn", text: "needs attention" } : meta.setting ? { cls: "ok", text: SETTING_LABELS[meta.setting] } : { cls: "", text: "not declared" };

  return (
    <details className="purpose-panel" open={open} onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="purpose-panel">
      <summary>
        <h2>
          Purpose &amp; setting{" "}
          <span className={`pill ${status.cls}`} data-testid="purpose-status">
            {status.text}
          </span>
        </h2>
      </summary>

      {prohibited.length > 0 && (
        <div className="banner error legal" role="alert" data-testid="purpose-prohibited">
          <strong>Prohibited use — EU AI Act Art. 5(1)(f)</strong>
          <p className="small">
            The EU AI Act prohibits AI systems that infer the emotions of a natural person in the areas of workplace and education
            institutions, except where the use is intended for medical or safety reasons. This pipeline cannot run or be published
            until you remove the nodes below, change the setting, or declare a medical or safety exemption that is its real purpose.
          </p>
          <ul>
            {prohibited.map((issue, i) => (
              <li key={i} data-code={issue.code} data-node-id={issue.nodeId}>
                <button type="button" className="link-button" onClick={() => issue.nodeId && onSelectNode(issue.nodeId)}>
                  {issue.nodeId}
                </button>
                : {issue.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {undeclared.length > 0 && (
        <div className="banner warn legal" data-testid="purpose-undeclared">
          <strong>Declare what this pipeline is for</strong>
          <p className="small">
            It infers emotion from a face or a voice. Under EU AI Act Art. 5(1)(f) that is prohibited at work and in education
            (except for medical or safety reasons), so the setting decides whether it may run.
          </p>
          <ul>
            {undeclared.map((issue, i) => (
              <li key={i} data-code={issue.code}>{issue.message}</li>
            ))}
          </ul>
        </div>
      )}

      <div className="field">
        <label htmlFor="meta-purpose">Purpose</label>
        <textarea
          id="meta-purpose"
          data-testid="meta-purpose"
          rows={2}
          maxLength={2000}
          placeholder="e.g. route upset callers to a human agent sooner"
          value={meta.purpose ?? ""}
          onChange={(e) => onEdit((d) => setMeta(d, { purpose: e.target.value }), "meta:purpose")}
        />
      </div>
      <div className="field">
        <label htmlFor="meta-setting">Setting</label>
        <select
          id="meta-setting"
          data-testid="meta-setting"
          value={meta.setting ?? ""}
          onChange={(e) => onEdit((d) => setMeta(d, { setting: (e.target.value || undefined) as PipelineSetting | undefined }))}
        >
          <option value="">— not declared —</option>
          {PIPELINE_SETTINGS.map((s) => (
            <option key={s} value={s}>
              {SETTING_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="meta-exemption">Exemption</label>
        <select
          id="meta-exemption"
          data-testid="meta-exemption"
          value={meta.exemption ?? ""}
          onChange={(e) => onEdit((d) => setMeta(d, { exemption: (e.target.value || undefined) as UseExemption | undefined }))}
        >
          <option value="">none</option>
          {USE_EXEMPTIONS.map((x) => (
            <option key={x} value={x}>
              {x === "medical" ? "Medical reasons" : "Safety reasons"}
            </option>
          ))}
        </select>
        <div className="hint">
          {restricted
            ? "Art. 5(1)(f) allows emotion recognition at work or in education only when it is intended for medical or safety reasons. Declare one only if that is the real purpose."
            : "Only matters at work or in education (EU AI Act Art. 5(1)(f))."}
        </div>
      </div>

      {manipulation.length > 0 && (
        <div className="manipulation" data-testid="purpose-manipulation">
          <div className="field-title">Possible emotional manipulation</div>
          {manipulation.map((issue, i) =>
            issue.severity === "error" ? (
              <AcknowledgeForm
                key={`${issue.nodeId}-${i}`}
                issue={issue}
                onAcknowledge={(by, note, nodeOnly) =>
                  onEdit((d) =>
                    addAcknowledgement(d, {
                      code: "POSSIBLE_MANIPULATION",
                      by,
                      note,
                      at: new Date().toISOString(),
                      ...(nodeOnly && issue.nodeId ? { nodeId: issue.nodeId } : {}),
                    }),
                  )
                }
              />
            ) : (
              <div key={`${issue.nodeId}-${i}`} className="banner warn small" data-testid="manipulation-acknowledged" data-node-id={issue.nodeId}>
                {issue.nodeId}: {issue.message}
              </div>
            ),
          )}
        </div>
      )}
      {acknowledgements.length > 0 && (
        <div className="ack-list" data-testid="ack-list">
          <div className="field-title">Recorded acknowledgements</div>
          {acknowledgements.map((ack, i) => (
            <div key={i} className="ack-row small" data-testid={`ack-${i}`}>
              <div>
                <b>{ack.by}</b> · {new Date(ack.at).toLocaleString()} · {ack.nodeId ? <code>{ack.nodeId}</code> : "all nodes"}
              </div>
              <div className="muted">{ack.note}</div>
              <button type="button" className="link-button danger small" onClick={() => onEdit((d) => removeAcknowledgement(d, i))} data-testid={`ack-withdraw-${i}`}>
                Withdraw
              </button>
            </div>
          ))}
        </div>
      )}
      {issues.filter((i) => RESPONSIBLE_CODES.has(i.code)).length === 0 && meta.setting !== undefined && (
        <div className="muted small" data-testid="purpose-ok">No responsible-use problems for this setting.</div>
      )}
    </details>
  );
}

/** Who decided to go ahead and why: both required; the time is recorded on submit. */
function AcknowledgeForm({ issue, onAcknowledge }: { issue: ValidationIssue; onAcknowledge: (by: string, note: string, nodeOnly: boolean) => void }) {
  const [by, setBy] = useState("");
  const [note, setNote] = useState("");
  const [nodeOnly, setNodeOnly] = useState(true);
  const [tried, setTried] = useState(false);
  const missing = [by.trim() === "" && "who acknowledges", note.trim() === "" && "a note saying why"].filter(Boolean) as string[];
  const id = `ack-${issue.nodeId ?? "all"}`;
  return (
    <form
      className="ack-form banner error"
      data-testid={`ack-form-${issue.nodeId ?? "all"}`}
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (missing.length > 0) return;
        onAcknowledge(by.trim(), note.trim(), nodeOnly);
      }}
    >
      <div className="small">
        <b>{issue.nodeId}</b>: {issue.message}
      </div>
      <label htmlFor={`${id}-by`} className="small">Acknowledged by</label>
      <input id={`${id}-by`} data-testid={`${id}-by`} value={by} maxLength={200} placeholder="Name and role" onChange={(e) => setBy(e.target.value)} />
      <label htmlFor={`${id}-note`} className="small">Why this is not manipulation (required)</label>
      <textarea id={`${id}-note`} data-testid={`${id}-note`} rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
      <label className="check-row small">
        <input type="checkbox" checked={nodeOnly} onChange={(e) => setNodeOnly(e.target.checked)} /> only this node
      </label>
      {tried && missing.length > 0 && (
        <div className="param-error" data-testid={`${id}-missing`}>
          Needs {missing.join(" and ")}.
        </div>
      )}
      <button type="submit" className="primary" data-testid={`${id}-submit`}>
        Record acknowledgement
      </button>
    </form>
  );
}
