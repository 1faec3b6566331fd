"use client";

import { TAXONOMY_LABELS, type ValidationIssue } from "@attune/graph";
import { useState } from "react";
import { specRegistry } from "@/lib/specs";
import { useEditorRuntime } from "./editor-context";
import { JsonField, NumberField, TextField } from "./form-fields";
import { upstreamOf } from "./input-type-hints";
import type { JsonSchemaProperty } from "./params-json-schema";

/** A rule as it may sit in a document: defaulted fields can be missing. */
type RuleDraft = Record<string, unknown> & { id?: unknown; when?: unknown };
type ConditionDraft = Record<string, unknown>;

/** Item schemas of the `rules` param, read from the node's own params JSON Schema. */
interface RulesSchema extends JsonSchemaProperty {
  items?: { properties?: Record<string, JsonSchemaProperty & { items?: { properties?: Record<string, JsonSchemaProperty> }; pattern?: string }> };
}

/** Suggested actions (the ones the rest of Attune understands); any other snake_case name is allowed too. */
const KNOWN_ACTIONS = ["escalate_to_human", "set_tone", "disclose_ai", "none"];
const MOOD_KEYS = ["valence", "arousal"];

interface RulesEditorProps {
  nodeId: string;
  schema: RulesSchema;
  value: unknown;
  /** Every issue on this node: param paths (`rules[1].id`) and rule-naming messages land on their rule. */
  issues: ValidationIssue[];
  /** `structural` edits (add, remove, reorder) are their own undo step; field edits coalesce per field. */
  onChange: (rules: RuleDraft[], coalesce: string) => void;
}

/**
 * A structured editor for `policy.rules`' decision table: one card per rule with its conditions,
 * duration, action (and tone), tags, cooldowns and reason; add, remove and reorder rules and
 * conditions. Everything the form cannot show stays reachable through "Edit as JSON".
 */
export function RulesEditor({ nodeId, schema, value, issues, onChange }: RulesEditorProps) {
  const { document } = useEditorRuntime();
  const [asJson, setAsJson] = useState(false);
  const rules: RuleDraft[] = Array.isArray(value) ? (value as RuleDraft[]) : [];
  const ruleProps = schema.items?.properties ?? {};
  const conditionProps = ruleProps.when?.items?.properties ?? {};
  const sources = (conditionProps.source?.enum as string[] | undefined) ?? ["scores", "mood", "value"];
  const ops = (conditionProps.op?.enum as string[] | undefined) ?? [">", ">=", "<", "<="];
  const tones = (ruleProps.tone?.enum as string[] | undefined) ?? ["calm", "empathic", "neutral"];

  // Labels offered for score conditions: the wired taxonomy's, or every taxonomy's when unknown.
  const scoresType = upstreamOf(document, specRegistry, nodeId, "scores")?.type;
  const taxonomy = scoresType?.startsWith("scores:") ? scoresType.slice(7) : undefined;
  const labels: readonly string[] =
    taxonomy && taxonomy in TAXONOMY_LABELS
      ? TAXONOMY_LABELS[taxonomy as keyof typeof TAXONOMY_LABELS]
      : [...new Set(Object.values(TAXONOMY_LABELS).flat())].sort();

  const structural = () => `${nodeId}:rules:structure:${Date.now()}`;
  const replaceRule = (index: number, rule: RuleDraft, field: string) =>
    onChange(
      rules.map((r, i) => (i === index ? rule : r)),
      `${nodeId}:rules[${index}].${field}`,
    );
  const setField = (index: number, field: string, v: unknown) => {
    const next: RuleDraft = { ...rules[index] };
    if (v === undefined) delete next[field];
    else next[field] = v;
    replaceRule(index, next, field);
  };
  const conditionsOf = (rule: RuleDraft): ConditionDraft[] => (Array.isArray(rule.when) ? (rule.when as ConditionDraft[]) : []);
  const setCondition = (index: number, c: number, patch: ConditionDraft, field: string, isStructural = false) => {
    const when = conditionsOf(rules[index]!).map((cond, k) => (k === c ? { ...cond, ...patch } : cond));
    const rule = { ...rules[index], when };
    if (isStructural) onChange(rules.map((r, i) => (i === index ? rule : r)), structural());
    else replaceRule(index, rule, `when[${c}].${field}`);
  };

  const freshId = () => {
    const taken = new Set(rules.map((r) => String(r.id)));
    let n = rules.length + 1;
    while (taken.has(`rule-${n}`)) n++;
    return `rule-${n}`;
  };
  const addRule = () =>
    onChange(
      [...rules, { id: freshId(), priority: 0, when: [{ source: "scores", key: labels.includes("negative") ? "negative" : (labels[0] ?? "negative"), op: ">", value: 0.6 }], action: "escalate_to_human" }],
      structural(),
    );
  const move = (index: number, delta: number) => {
    const target = index + delta;
    if (target < 0 || target >= rules.length) return;
    const next = [...rules];
    [next[index], next[target]] = [next[target]!, next[index]!];
    onChange(next, structural());
  };

  const issuesOf = (index: number, rule: RuleDraft) =>
    issues.filter(
      (i) =>
        i.paramPath?.startsWith(`rules[${index}]`) ||
        (i.paramPath === undefined && typeof rule.id === "string" && i.message.includes(`rule '${rule.id}'`)),
    );
  const tableIssues = issues.filter((i) => i.paramPath !== undefined && (i.paramPath === "rules" || /^rules(?!\[)/.test(i.paramPath)));

  if (asJson) {
    return (
      <div className="rules-editor" data-testid={`rules-editor-${nodeId}`}>
        <div className="rules-toolbar">
          <button type="button" className="small" onClick={() => setAsJson(false)} data-testid={`rules-form-${nodeId}`}>
            Back to the form
          </button>
        </div>
        <JsonField id={`param-${nodeId}-rules`} value={value} onChange={(v) => onChange(Array.isArray(v) ? (v as RuleDraft[]) : [], `${nodeId}:rules:json`)} />
        {issues
          .filter((i) => i.paramPath?.startsWith("rules"))
          .map((i, k) => (
            <div key={k} className="param-error">{i.message}</div>
          ))}
      </div>
    );
  }

  return (
    <div className="rules-editor" data-testid={`rules-editor-${nodeId}`}>
      <datalist id={`rules-actions-${nodeId}`}>
        {KNOWN_ACTIONS.map((a) => (
          <option key={a} value={a} />
        ))}
      </datalist>
      <datalist id={`rules-labels-${nodeId}`}>
        {labels.map((l) => (
          <option key={l} value={l} />
        ))}
      </datalist>
      {rules.length === 0 && <p className="muted small">No rules: this node never acts.</p>}
      {rules.map((rule, index) => {
        const base = `rule-${nodeId}-${index}`;
        const conditions = conditionsOf(rule);
        const action = typeof rule.action === "string" ? rule.action : "escalate_to_human";
        const ruleIssues = issuesOf(index, rule);
        return (
          <div key={index} className={`rule-card${ruleIssues.some((i) => i.severity === "error") ? " invalid" : ""}`} data-testid={base}>
            <div className="rule-head">
              <span className="rule-num">#{index + 1}</span>
              <input
                aria-label="Rule id"
                className="rule-id"
                data-testid={`${base}-id`}
                value={typeof rule.id === "string" ? rule.id : ""}
                onChange={(e) => setField(index, "id", e.target.value)}
              />
              <label className="inline small" title="Higher wins when several rules are ready in the same turn">
                prio
                <NumberField id={`${base}-priority`} value={rule.priority ?? 0} prop={ruleProps.priority ?? {}} integer onChange={(v) => setField(index, "priority", v)} />
              </label>
              <span className="rule-buttons">
                <button type="button" title="Move up" aria-label="Move rule up" disabled={index === 0} onClick={() => move(index, -1)} data-testid={`${base}-up`}>↑</button>
                <button type="button" title="Move down" aria-label="Move rule down" disabled={index === rules.length - 1} onClick={() => move(index, 1)} data-testid={`${base}-down`}>↓</button>
                <button type="button" className="danger" title="Remove rule" aria-label="Remove rule" onClick={() => onChange(rules.filter((_, i) => i !== index), structural())} data-testid={`${base}-remove`}>✕</button>
              </span>
            </div>
            <div className="rule-label small">When all of these hold</div>
            {conditions.map((cond, c) => {
              const source = typeof cond.source === "string" ? cond.source : "scores";
              const cid = `${base}-when-${c}`;
              return (
                <div key={c} className="cond-row" data-testid={cid}>
                  <select
                    aria-label="Source"
                    data-testid={`${cid}-source`}
                    value={source}
                    onChange={(e) => {
                      const s = e.target.value;
                      // A key that means nothing for the new source would make a rule that never fires.
                      const key = s === "mood" ? "valence" : s === "value" ? "value" : labels.includes("negative") ? "negative" : (labels[0] ?? "negative");
                      setCondition(index, c, { source: s, key }, "source");
                    }}
                  >
                    {sources.map((s) => (
                      <option key={s} value={s}>{s}</option>
                    ))}
                  </select>
                  {source === "mood" ? (
                    <select aria-label="Mood axis" data-testid={`${cid}-key`} value={String(cond.key ?? "valence")} onChange={(e) => setCondition(index, c, { key: e.target.value }, "key")}>
                      {MOOD_KEYS.map((k) => (
                        <option key={k} value={k}>{k}</option>
                      ))}
                    </select>
                  ) : source === "value" ? (
                    <span className="muted small cond-key">value</span>
                  ) : (
                    <input
                      aria-label="Label"
                      data-testid={`${cid}-key`}
                      list={`rules-labels-${nodeId}`}
                      value={typeof cond.key === "string" ? cond.key : "negative"}
                      onChange={(e) => setCondition(index, c, { key: e.target.value }, "key")}
                    />
                  )}
                  <select aria-label="Comparison" data-testid={`${cid}-op`} value={String(cond.op ?? ">")} onChange={(e) => setCondition(index, c, { op: e.target.value }, "op")}>
                    {ops.map((o) => (
                      <option key={o} value={o}>{o}</option>
                    ))}
                  </select>
                  <NumberField id={`${cid}-value`} value={cond.value ?? 0.6} prop={{}} integer={false} onChange={(v) => setCondition(index, c, { value: v ?? 0 }, "value")} />
                  <button
                    type="button"
                    className="danger"
                    title="Remove condition"
                    aria-label="Remove condition"
                    disabled={conditions.length <= 1}
                    onClick={() => onChange(rules.map((r, i) => (i === index ? { ...r, when: conditions.filter((_, k) => k !== c) } : r)), structural())}
                  >
                    ✕
                  </button>
                </div>
              );
            })}
            <button
              type="button"
              className="link-button small"
              disabled={conditions.length >= 10}
              data-testid={`${base}-add-condition`}
              onClick={() =>
                onChange(
                  rules.map((r, i) => (i === index ? { ...r, when: [...conditions, { source: "scores", key: labels[0] ?? "negative", op: ">", value: 0.5 }] } : r)),
                  structural(),
                )
              }
            >
              + condition
            </button>
            <div className="rule-grid">
              <label className="small">
                for turns
                <NumberField id={`${base}-forTurns`} value={rule.forTurns ?? 1} prop={ruleProps.forTurns ?? {}} integer onChange={(v) => setField(index, "forTurns", v)} />
              </label>
              <label className="small">
                and seconds
                <NumberField id={`${base}-forSec`} value={rule.forSec ?? 0} prop={ruleProps.forSec ?? {}} integer={false} onChange={(v) => setField(index, "forSec", v)} />
              </label>
              <label className="small">
                then action
                <input
                  data-testid={`${base}-action`}
                  list={`rules-actions-${nodeId}`}
                  value={action}
                  onChange={(e) => {
                    const next: RuleDraft = { ...rule, action: e.target.value };
                    if (e.target.value === "set_tone" && next.tone === undefined) next.tone = "calm";
                    if (e.target.value !== "set_tone") delete next.tone;
                    replaceRule(index, next, "action");
                  }}
                />
              </label>
              {action === "set_tone" ? (
                <label className="small">
                  tone
                  <select data-testid={`${base}-tone`} value={String(rule.tone ?? "calm")} onChange={(e) => setField(index, "tone", e.target.value)}>
                    {tones.map((t) => (
                      <option key={t} value={t}>{t}</option>
                    ))}
                  </select>
                </label>
              ) : (
                <span />
              )}
              <label className="small">
                cooldown s
                <NumberField id={`${base}-cooldownSec`} value={rule.cooldownSec ?? 0} prop={ruleProps.cooldownSec ?? {}} integer={false} onChange={(v) => setField(index, "cooldownSec", v)} />
              </label>
              <label className="small">
                cooldown turns
                <NumberField id={`${base}-cooldownTurns`} value={rule.cooldownTurns ?? 0} prop={ruleProps.cooldownTurns ?? {}} integer onChange={(v) => setField(index, "cooldownTurns", v)} />
              </label>
            </div>
            <label className="small block">
              tags <span className="muted">(comma-separated; e.g. sales)</span>
              <TagsField id={`${base}-tags`} value={Array.isArray(rule.tags) ? (rule.tags as string[]) : []} onChange={(tags) => setField(index, "tags", tags)} />
            </label>
            <label className="small block">
              reason
              <TextField id={`${base}-reason`} value={typeof rule.reason === "string" ? rule.reason : ""} maxLength={300} placeholder="Human words put before the generated reason" onChange={(v) => setField(index, "reason", v === "" ? undefined : v)} />
            </label>
            {ruleIssues.map((issue, k) => (
              <div key={k} className={issue.severity === "error" ? "param-error" : "param-warning"} data-testid={`${base}-issue`}>
                {issue.message}
              </div>
            ))}
          </div>
        );
      })}
      {tableIssues.map((issue, k) => (
        <div key={k} className="param-error">{issue.message}</div>
      ))}
      <div className="rules-toolbar">
        <button type="button" onClick={addRule} disabled={rules.length >= 50} data-testid={`rules-add-${nodeId}`}>
          + Add rule
        </button>
        <button type="button" className="link-button small" onClick={() => setAsJson(true)} data-testid={`rules-json-${nodeId}`}>
          Edit as JSON
        </button>
      </div>
    </div>
  );
}

/** Comma-separated tags, kept as typed until the list parses to the same tags. */
function TagsField({ id, value, onChange }: { id: string; value: string[]; onChange: (tags: string[]) => void }) {
  const [draft, setDraft] = useState(value.join(", "));
  const parsed = (text: string) => text.split(",").map((t) => t.trim()).filter((t) => t.length > 0);
  const shown = parsed(draft).join("\u0000") === value.join("\u0000") ? draft : value.join(", ");
  return (
    <input
      data-testid={id}
      value={shown}
      onChange={(e) => {
        setDraft(e.target.value);
        onChange(parsed(e.target.value));
      }}
    />
  );
}
