"use client";

import { useConnection } from "@xyflow/react";
import { judgeConnection } from "./connection-rules";
import { useEditorRuntime } from "./editor-context";

/**
 * While a connection is dragged over a handle, says whether it will be accepted and, if not, why:
 * the refusal reason is visible before the user lets go.
 */
export function ConnectionHint() {
  const { document: doc } = useEditorRuntime();
  const connection = useConnection();
  if (!connection.inProgress || !connection.toHandle) return null;
  const from = connection.fromHandle;
  const to = connection.toHandle;
  const [out, input] = from.type === "source" ? [from, to] : [to, from];
  const verdict =
    out.type === "source" && input.type === "target"
      ? judgeConnection(doc, { source: out.nodeId, sourceHandle: out.id, target: input.nodeId, targetHandle: input.id })
      : { ok: false as const, reason: "connect an output (right) to an input (left)" };
  return (
    <div className={`connect-hint ${verdict.ok ? "good" : "bad"}`} data-testid="connect-hint">
      {verdict.ok ? "Release to connect" : verdict.reason}
    </div>
  );
}
