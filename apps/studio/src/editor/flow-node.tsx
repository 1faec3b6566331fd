"use client";

import { acceptedTypes, portColor, type NodeSpec } from "@attune/graph";
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import { formatMs } from "@/lib/format";
import { specRegistry } from "@/lib/specs";
import { useEditorRuntime } from "./editor-context";
import type { AttuneFlowNode } from "./flow-types";
import { PreviewView } from "./preview-view";

/**
 * The one custom node type: typed, coloured handles from the spec's ports, the issues that point
 * at this node, and its live result. Follows xyflow's custom-node pattern (Handle per port id).
 */
export const FlowNode = memo(function FlowNode({ id, data, selected }: NodeProps<AttuneFlowNode>) {
  const { issuesByNode, preview } = useEditorRuntime();
  const { instance } = data;
  const spec = specRegistry.get(instance.type);
  const issues = issuesByNode.get(id) ?? [];
  const errors = issues.filter((i) => i.severity === "error");
  const run = preview.nodes[id];
  const classes = ["flow-node", selected ? "selected" : "", errors.length > 0 ? "has-error" : ""].join(" ");

  return (
    <div className={classes} data-testid={`node-${id}`} data-node-type={instance.type} data-node-id={id}>
      <div className="head">
        <span className={`status-dot ${run?.status ?? ""}`} title={run?.status ?? "not run"} />
        <span className="node-title" title={spec?.description}>
          {instance.label ?? spec?.title ?? instance.type}
        </span>
        <span className="family">{spec?.family ?? "unknown"}</span>
      </div>
      {spec ? <Ports spec={spec} nodeId={id} /> : <div className="issues">Unknown node type {instance.type}</div>}
      {issues.length > 0 && (
        <div className={`issues${errors.length === 0 ? " warn-only" : ""}`} data-testid={`node-issues-${id}`}>
          {issues.map((issue, i) => (
            <div key={i} data-code={issue.code}>
              {issue.message}
            </div>
          ))}
        </div>
      )}
      <div className="result" data-testid={`node-result-${id}`} data-status={run?.status ?? "idle"}>
        {run?.status === "failed" ? (
          <div className="node-error" data-testid={`node-error-${id}`}>{run.error}</div>
        ) : run?.status === "skipped" ? (
          <div className="muted small">skipped: {run.skippedReason}</div>
        ) : run?.preview ? (
          <div className={(run.status === "pending" || run.status === "running") && !preview.live ? "stale" : ""}>
            <PreviewView preview={run.preview} nodeId={id} />
          </div>
        ) : (
          <div className="muted small">{run ? "running…" : "no result yet"}</div>
        )}
        {run?.durationMs !== undefined && run.status !== "pending" && (
          <div className="meta">
            {run.cached && <span className="cached" data-testid={`node-cached-${id}`}>cached</span>}
            <span data-testid={`node-latency-${id}`}>{formatMs(run.durationMs)}</span>
          </div>
        )}
      </div>
    </div>
  );
});

function Ports({ spec, nodeId }: { spec: NodeSpec; nodeId: string }) {
  if (spec.inputs.length === 0 && spec.outputs.length === 0) return null;
  return (
    <div className="ports">
      <div className="port-col">
        {spec.inputs.map((port) => {
          const types = acceptedTypes(port);
          return (
            <div key={port.id} className="port in" title={`${port.label}: accepts ${types.join(" | ")}`}>
              <Handle
                type="target"
                position={Position.Left}
                id={port.id}
                style={{ background: portColor(port.accepts) }}
                data-testid={`handle-${nodeId}-in-${port.id}`}
                data-port-type={types.join("|")}
              />
              {port.label}
              {port.optional && <span className="ptype">optional</span>}
            </div>
          );
        })}
      </div>
      <div className="port-col" style={{ alignItems: "flex-end" }}>
        {spec.outputs.map((port) => (
          <div key={port.id} className="port out" title={`${port.label}: ${port.type}`}>
            <span className="ptype">{port.type}</span> {port.label}
            <Handle
              type="source"
              position={Position.Right}
              id={port.id}
              style={{ background: portColor(port.type) }}
              data-testid={`handle-${nodeId}-out-${port.id}`}
              data-port-type={port.type}
            />
          </div>
        ))}
      </div>
    </div>
  );
}
