"use client";

import { resolveParams, type NodeInstance, type ValidationIssue } from "@attune/graph";
import { useEffect, useState } from "react";
import { specRegistry } from "@/lib/specs";
import { ModelPicker } from "@/components/models/model-picker";
import { enumOptions, paramsJsonSchema, primaryType, type JsonSchemaProperty } from "./params-json-schema";

interface InspectorProps {
  node: NodeInstance | undefined;
  selectedCount: number;
  issues: ValidationIssue[];
  /** `coalesce` groups consecutive edits of one field into one undo step. */
  onParamsChange: (nodeId: string, params: Record<string, unknown>, coalesce: string) => void;
  onLabelChange: (nodeId: string, label: string) => void;
}

/** Edits the selected node: a form generated from its params JSON Schema, with inline errors. */
export function Inspector({ node, selectedCount, issues, onParamsChange, onLabelChange }: InspectorProps) {
  if (!node) {
    return (
      <p className="muted small" style={{ margin: 0 }}>
        {selectedCount > 1 ? `${selectedCount} nodes selected.` : "Select a node to edit its parameters."}
      </p>
    );
  }
  const spec = specRegistry.get(node.type);
  if (!spec) return <p className="error-text small">Unknown node type {node.type}.</p>;
  const schema = paramsJsonSchema(spec);
  // What compile() will run with (migrated, defaults filled): shown for params the document omits.
  const resolved = resolveParams(node, spec);
  const effectiveParams = resolved.ok ? resolved.params : node.params;
  const properties = Object.entries(schema.properties ?? {});
  const paramIssues = issues.filter((i) => i.code === "PARAM_INVALID");
  const fieldNames = new Set(properties.map(([name]) => name));
  const orphanIssues = paramIssues.filter((i) => !i.paramPath || !fieldNames.has(topKey(i.paramPath)));

  function setParam(name: string, value: unknown) {
    if (!node) return;
    const next = { ...node.params };
    if (value === undefined) delete next[name];
    else next[name] = value;
    onParamsChange(node.id, next, `${node.id}:${name}`);
  }

  return (
    <div data-testid="inspector" data-node-id={node.id}>
      <div style={{ marginBottom: 10 }}>
        <div style={{ fontWeight: 600 }}>{spec.title}</div>
        <div className="muted small">
          <code>{node.id}</code> · {spec.type} v{node.version}
        </div>
        <div className="small" style={{ marginTop: 4 }}>{spec.description}</div>
      </div>
      <div className="field">
        <label htmlFor="inspector-label">Display name</label>
        <TextField id="inspector-label" value={node.label ?? ""} placeholder={spec.title} onChange={(v) => onLabelChange(node.id, v)} />
      </div>
      {orphanIssues.map((issue, i) => (
        <div key={i} className="param-error small error-text">{issue.message}</div>
      ))}
      {node.type === "model.onnx" && (
        <ModelPicker
          nodeId={node.id}
          modelId={typeof node.params.modelId === "string" ? node.params.modelId : ""}
          onPick={(modelId, signature) => onParamsChange(node.id, { ...node.params, modelId, signature }, `${node.id}:modelId`)}
        />
      )}
      {properties.length === 0 && <p className="muted small">This node has no parameters.</p>}
      {properties.map(([name, prop]) => {
        const fieldIssues = paramIssues.filter((i) => i.paramPath !== undefined && topKey(i.paramPath) === name);
        return (
          <ParamField
            key={`${node.id}:${name}`}
            nodeId={node.id}
            name={name}
            prop={prop}
            value={node.params[name] ?? effectiveParams[name]}
            errors={fieldIssues.map((i) => i.message)}
            onChange={(v) => setParam(name, v)}
          />
        );
      })}
    </div>
  );
}

function topKey(paramPath: string): string {
  return paramPath.split(/[.[]/)[0] ?? paramPath;
}

function ParamField({
  nodeId,
  name,
  prop,
  value,
  errors,
  onChange,
}: {
  nodeId: string;
  name: string;
  prop: JsonSchemaProperty;
  value: unknown;
  errors: string[];
  onChange: (value: unknown) => void;
}) {
  const id = `param-${nodeId}-${name}`;
  const options = enumOptions(prop);
  const type = primaryType(prop);
  const effective = value === undefined ? prop.default : value;
  let control;
  if (options) {
    control = (
      <select id={id} data-testid={id} value={JSON.stringify(effective ?? null)} onChange={(e) => onChange(JSON.parse(e.target.value))}>
        {effective === undefined && <option value="null">—</option>}
        {options.map((o) => (
          <option key={JSON.stringify(o)} value={JSON.stringify(o)}>
            {String(o)}
          </option>
        ))}
      </select>
    );
  } else if (type === "boolean") {
    control = (
      <div className="check-row">
        <input id={id} data-testid={id} type="checkbox" checked={effective === true} onChange={(e) => onChange(e.target.checked)} />
        <span className="small">{effective === true ? "on" : "off"}</span>
      </div>
    );
  } else if (type === "number" || type === "integer") {
    control = <NumberField id={id} value={effective} prop={prop} integer={type === "integer"} onChange={onChange} />;
  } else if (type === "string") {
    control = <TextField id={id} value={typeof effective === "string" ? effective : ""} maxLength={prop.maxLength} onChange={onChange} />;
  } else {
    control = <JsonField id={id} value={effective} onChange={onChange} />;
  }
  return (
    <div className={`field${errors.length ? " invalid" : ""}`}>
      <label htmlFor={id}>{prop.title ?? name}</label>
      {control}
      {prop.description && <div className="hint">{prop.description}</div>}
      {errors.map((message, i) => (
        <div key={i} className="param-error" data-testid={`param-error-${nodeId}-${name}`}>
          {message}
        </div>
      ))}
    </div>
  );
}

function TextField({ id, value, placeholder, maxLength, onChange }: { id: string; value: string; placeholder?: string; maxLength?: number; onChange: (v: string) => void }) {
  return <input id={id} data-testid={id} value={value} placeholder={placeholder} maxLength={maxLength} onChange={(e) => onChange(e.target.value)} />;
}

/**
 * Keeps the raw text while typing ("0.", "-") and commits only parseable numbers, so a half-typed
 * value never becomes NaN in the document; clearing the field falls back to the default.
 */
function NumberField({ id, value, prop, integer, onChange }: { id: string; value: unknown; prop: JsonSchemaProperty; integer: boolean; onChange: (v: unknown) => void }) {
  const [draft, setDraft] = useState(typeof value === "number" ? String(value) : "");
  useEffect(() => {
    setDraft((current) => (Number(current) === value && current !== "" ? current : typeof value === "number" ? String(value) : ""));
  }, [value]);
  return (
    <input
      id={id}
      data-testid={id}
      type="number"
      inputMode="decimal"
      value={draft}
      min={prop.minimum ?? prop.exclusiveMinimum}
      max={prop.maximum ?? prop.exclusiveMaximum}
      step={prop.multipleOf ?? (integer ? 1 : "any")}
      onChange={(e) => {
        setDraft(e.target.value);
        if (e.target.value.trim() === "") onChange(undefined);
        else if (Number.isFinite(Number(e.target.value))) onChange(Number(e.target.value));
      }}
    />
  );
}

/** Fallback for params the form cannot render natively (arrays, objects): edit them as JSON. */
function JsonField({ id, value, onChange }: { id: string; value: unknown; onChange: (v: unknown) => void }) {
  const [draft, setDraft] = useState(() => JSON.stringify(value ?? null, null, 2));
  const [bad, setBad] = useState(false);
  return (
    <>
      <textarea
        id={id}
        data-testid={id}
        value={draft}
        spellCheck={false}
        style={{ fontFamily: "ui-monospace, monospace", fontSize: 12 }}
        onChange={(e) => {
          setDraft(e.target.value);
          try {
            onChange(JSON.parse(e.target.value));
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
      {bad && <div className="param-error">Not valid JSON yet; the last valid value is kept.</div>}
    </>
  );
}
