import type { NodeSpec } from "./define-node";

/** Stable issue codes: the canvas, the API and tests key on these, so never rename one. */
export const ISSUE_CODES = [
  "CYCLE",
  "PORT_TYPE_MISMATCH",
  "MISSING_REQUIRED_INPUT",
  "PARAM_INVALID",
  "UNKNOWN_NODE_TYPE",
  "UNKNOWN_PORT",
  "DANGLING_EDGE",
  "DUPLICATE_ID",
  "DUPLICATE_INPUT_EDGE",
  "DUPLICATE_OUTPUT_NAME",
  "DUPLICATE_INPUT_NAME",
  "NO_OUTPUT",
  "VERSION_UNSUPPORTED",
  /** Connected emotion scores of different taxonomies meet where one taxonomy is required. */
  "TAXONOMY_MISMATCH",
  /** EU AI Act Art. 5(1)(f): emotion from face or voice at work or in education, no exemption. */
  "PROHIBITED_USE",
  /** A rule routes negative affect to sales or retention actions without a recorded acknowledgement. */
  "POSSIBLE_MANIPULATION",
  /** The pipeline infers emotion from face or voice but declares no purpose and setting. */
  "PURPOSE_UNDECLARED",
] as const;
export type IssueCode = (typeof ISSUE_CODES)[number];

/** One problem found by validate(), pointing at the exact node, port, edge or param. */
export interface ValidationIssue {
  code: IssueCode;
  severity: "error" | "warning";
  message: string;
  nodeId?: string;
  edgeId?: string;
  portId?: string;
  /** Param path inside the node's params, for PARAM_INVALID (e.g. `threshold`). */
  paramPath?: string;
  /** Every node involved when an issue spans several (CYCLE: the nodes on the cycle, in order). */
  nodeIds?: string[];
}

/** One node of an execution plan: everything the runtime needs, nothing the editor needs. */
export interface PlanNode {
  id: string;
  type: string;
  version: number;
  /** Params after migration and defaults. */
  params: Record<string, unknown>;
  /** input port id -> the upstream node id and output port id that feeds it. */
  inputs: Record<string, { node: string; port: string }>;
  /**
   * Content address of this node's computation: type, version, params and the keys of everything
   * upstream. Same key, same inputs -> same outputs (for cacheable nodes).
   */
  cacheKey: string;
  role?: "input" | "output";
  cacheable: boolean;
}

/** The compiled pipeline. What live preview runs is exactly what a published endpoint runs. */
export interface Plan {
  /** Nodes in topological order, pruned to those that feed an output. */
  nodes: PlanNode[];
  /** Result field name -> output node id. */
  outputs: Record<string, string>;
  /** Run input name -> input node id. */
  inputs: Record<string, string>;
  /** Hash over the whole plan; equal plans have equal keys. */
  planKey: string;
}

export type CompileResult =
  | { ok: true; plan: Plan; warnings: ValidationIssue[] }
  | { ok: false; issues: ValidationIssue[] };

export type SpecLookup = { get(type: string): NodeSpec<any> | undefined };
