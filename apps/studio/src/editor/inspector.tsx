"use client";

import { resolveParams, type NodeInstance, type ValidationIssue } from "@attune/graph";
import dynamic from "next/dynamic";
import { specRegistry } from "@/lib/specs";
import { ModelPicker } from "@/components/models/model-picker";
import { JsonField, NumberField, TextField } from "./form-fields";
import { enumOptions, paramsJsonSchema, primaryType, type JsonSchemaProperty } from "./params-json-schema";
import { RulesEditor } from "./rules-editor";

// Monaco is browser-only and large: the code editor loads when a code node is first inspected.
const CodeParamEditor = dynamic(() => import("./code-param-editor").then((m) => m.CodeParamEditor), {
  ssr: false,
  loading: () => <div className="muted small">Loading editor…</div>,
});

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
  // The rules editor shows issues that name a rule ("rule 'x' reads ...") on that rule's card.
  const orphanIssues = paramIssues.filter(
    (i) => (!i.paramPath || !fieldNames.has(topKey(i.paramPath))) && !(node.type === "policy.rules" && i.message.startsWith("rule '")),
  );

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
        const value = node.params[name] ?? effectiveParams[name];
        if (node.type === "core.code" && name === "code") {
          return (
            <div key={`${node.id}:${name}`} className={`field${fieldIssues.length ? " invalid" : ""}`}>
              <label>{prop.title ?? "Code"}</label>
              <CodeParamEditor
                key={node.id}
                id={`param-${node.id}-code`}
                nodeId={node.id}
                value={typeof value === "string" ? value : ""}
                limits={{ timeoutMs: effectiveParams.timeoutMs, memoryLimitMb: effectiveParams.memoryLimitMb, maxOutputKb: effectiveParams.maxOutputKb }}
                onChange={(code) => setParam("code", code)}
              />
              {fieldIssues.map((issue, i) => (
                <div key={i} className="param-error" data-testid={`param-error-${node.id}-${name}`}>
                  {issue.message}
                </div>
              ))}
            </div>
          );
        }
        if (node.type === "policy.rules" && name === "rules") {
          return (
            <div key={`${node.id}:${name}`} className="field">
              <label>Rules</label>
              <RulesEditor
                key={node.id}
                nodeId={node.id}
                schema={prop}
                value={value}
                issues={issues}
                onChange={(rules, coalesce) => onParamsChange(node.id, { ...node.params, rules }, coalesce)}
              />
            </div>
          );
        }
        return (
          <ParamField
            key={`${node.id}:${name}`}
            nodeId={node.id}
            name={name}
            prop={prop}
            value={value}
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
