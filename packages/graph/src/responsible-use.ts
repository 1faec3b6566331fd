import type { AnalyzedNode } from "./analyze";
import type { AffectInference, DeclaredAction } from "./define-node";
import type { PipelineDocument, PipelineSetting } from "./document";
import type { ValidationIssue } from "./plan";

/**
 * Document-level responsible-use rules run by validate(). They read facts nodes declare about
 * themselves (`NodeSpec.infers`, `NodeSpec.declaredActions`) and the document's `meta`, so no rule
 * knows a node type id.
 */

/** Settings where EU AI Act Art. 5(1)(f) prohibits inferring emotions from biometric data. */
export const PROHIBITED_EMOTION_RECOGNITION_SETTINGS: readonly PipelineSetting[] = ["workplace", "education"];

/** Inferences that use biometric data; emotion from text is not "emotion recognition" under the Act. */
export const BIOMETRIC_INFERENCES: readonly AffectInference[] = ["emotion-from-face", "emotion-from-voice"];

const ART_5_1_F =
  "EU AI Act Art. 5(1)(f) prohibits AI systems that infer the emotions of a natural person in the areas of workplace " +
  "and education institutions, except where intended for medical or safety reasons";

/**
 * Words in an action's name or tags that mark it as selling or keeping a customer. Matched as
 * whole tokens of the name split at `_`, `-`, spaces, dots and camelCase, so "retention_offer",
 * "upsell" and "salesPitch" match while "wholesale_status" or "resell_ticket" do not.
 */
export const COMMERCIAL_ACTION_WORDS: readonly string[] = [
  "sell", "sells", "selling", "sale", "sales", "upsell", "upselling", "crosssell", "cross-sell",
  "retention", "retain", "winback", "discount", "promo", "promotion", "coupon", "marketing", "churn",
];

function tokens(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
}

/** Whether an action name or tag list reads as a sales or retention action. */
export function isCommercialAction(action: Pick<DeclaredAction, "name" | "tags">): boolean {
  const words = new Set(COMMERCIAL_ACTION_WORDS);
  const all = [action.name, ...(action.tags ?? [])];
  for (const text of all) {
    const parts = tokens(text);
    if (parts.some((t) => words.has(t))) return true;
    // "cross_sell", "win-back": two tokens that mean one word.
    for (let i = 0; i + 1 < parts.length; i++) if (words.has(`${parts[i]}${parts[i + 1]}`)) return true;
  }
  return false;
}

export function responsibleUseIssues(doc: PipelineDocument, nodes: ReadonlyMap<string, AnalyzedNode>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const meta = doc.meta;
  const setting = meta?.setting;

  const biometric: { entry: AnalyzedNode; kinds: AffectInference[] }[] = [];
  for (const entry of nodes.values()) {
    const kinds = (entry.spec?.infers ?? []).filter((k) => BIOMETRIC_INFERENCES.includes(k));
    if (kinds.length > 0) biometric.push({ entry, kinds });
  }

  if (biometric.length > 0 && setting === undefined) {
    for (const { entry, kinds } of biometric) {
      issues.push({
        code: "PURPOSE_UNDECLARED",
        severity: "warning",
        nodeId: entry.instance.id,
        message:
          `'${entry.instance.id}' infers ${kinds.map(describeInference).join(" and ")}; declare the pipeline's purpose and ` +
          "setting so the EU AI Act Art. 5(1)(f) check can run",
      });
    }
  }

  if (setting !== undefined && PROHIBITED_EMOTION_RECOGNITION_SETTINGS.includes(setting) && meta?.exemption === undefined) {
    for (const { entry, kinds } of biometric) {
      issues.push({
        code: "PROHIBITED_USE",
        severity: "error",
        nodeId: entry.instance.id,
        message:
          `'${entry.instance.id}' infers ${kinds.map(describeInference).join(" and ")} in a ${setting} setting. ${ART_5_1_F}. ` +
          "Remove this node, change the setting, or declare a medical or safety exemption if that is the real purpose.",
      });
    }
  }

  const acknowledgements = (meta?.acknowledgements ?? []).filter((a) => a.code === "POSSIBLE_MANIPULATION");
  for (const entry of nodes.values()) {
    const spec = entry.spec;
    if (!spec?.declaredActions || !entry.params) continue;
    let declared: DeclaredAction[];
    try {
      declared = spec.declaredActions(entry.params);
    } catch {
      continue; // a broken declaration must not break validation of the whole document
    }
    const flagged = declared.filter((a) => a.trigger === "negative-affect" && isCommercialAction(a));
    if (flagged.length === 0) continue;
    const nodeId = entry.instance.id;
    const ack = acknowledgements.find((a) => a.nodeId === undefined || a.nodeId === nodeId);
    const list = flagged
      .map((a) => `${a.source !== undefined ? `rule '${a.source}' -> ` : ""}'${a.name}'${a.tags?.length ? ` [${a.tags.join(", ")}]` : ""}`)
      .join("; ");
    if (ack) {
      issues.push({
        code: "POSSIBLE_MANIPULATION",
        severity: "warning",
        nodeId,
        message: `negative affect routes to sales or retention (${list}); acknowledged by ${ack.by} at ${ack.at}: ${ack.note}`,
      });
    } else {
      issues.push({
        code: "POSSIBLE_MANIPULATION",
        severity: "error",
        nodeId,
        message:
          `negative affect routes to sales or retention (${list}): this can exploit a person's emotional state. ` +
          "Change the action, or record an acknowledgement (who, when, why) in the pipeline settings.",
      });
    }
  }

  return issues;
}

function describeInference(kind: AffectInference): string {
  switch (kind) {
    case "emotion-from-face": return "emotion from the face";
    case "emotion-from-voice": return "emotion from the voice";
    case "emotion-from-text": return "emotion from text";
  }
}
