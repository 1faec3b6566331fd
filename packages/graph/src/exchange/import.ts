import type { z } from "zod";
import type { PipelineDocument } from "../document";
import { formatPath, parseDocument } from "../document";
import type { SpecLookup, ValidationIssue } from "../plan";
import { validate } from "../validate";
import {
  EXCHANGE_FORMAT_VERSION,
  EXCHANGE_KINDS,
  EXCHANGE_LIMITS,
  exchangeFileV1Schema,
  exchangeFileV2Schema,
  exchangeFileV3Schema,
  type ExchangeFile,
  type ExchangeKind,
  type ExchangeMeta,
  type Placeholder,
  type SampleSet,
} from "./format";
import { checkStructure, droppedFields, markupWarnings, type ImportProblem, type ImportProblemCode } from "./guards";
import { migrateV1toV2, migrateV2toV3, pathInSource } from "./migrate";
import { modalitiesOf, type Modality } from "./modalities";
import { declaredParamNames, fillPlaceholders, findPlaceholders } from "./secrets";

export interface ImportOptions {
  /** Values for placeholders, keyed by placeholder path (`document.nodes[1].params.apiKey`). */
  fills?: Readonly<Record<string, string>>;
  /** Used when the file carries no name (a bare document). */
  fallbackName?: string;
  /** For migrated files without an export time. */
  now?: Date;
}

export interface ImportedPipeline {
  kind: ExchangeKind;
  /** The version the file was written in; "document" for a bare pipeline document. */
  sourceFormatVersion: number | "document";
  pipeline: ExchangeMeta;
  document: PipelineDocument;
  samples: SampleSet[];
  modalities: Modality[];
}

export type ImportResult =
  | ({ ok: true; placeholders: Placeholder[]; warnings: ImportProblem[] } & ImportedPipeline)
  | { ok: false; problems: ImportProblem[]; warnings: ImportProblem[]; placeholders: Placeholder[] };

/** validate() codes that mean the file is broken, not merely an unfinished pipeline. */
const BROKEN: ReadonlySet<string> = new Set<ImportProblemCode>([
  "UNKNOWN_NODE_TYPE",
  "VERSION_UNSUPPORTED",
  "PARAM_INVALID",
  "UNKNOWN_PORT",
  "DANGLING_EDGE",
  "DUPLICATE_ID",
  "DUPLICATE_INPUT_EDGE",
  "PORT_TYPE_MISMATCH",
  "CYCLE",
]);

/**
 * Reads an exchange file (text or already-parsed JSON) of any supported version into a current,
 * validated pipeline, executing nothing. In order: size and structure caps and prototype-pollution
 * keys on the raw JSON; the schema of the file's own version (unknown fields are stripped and
 * reported as warnings); migration to the current format; params a node does not declare are
 * dropped (warnings); placeholders are filled from `fills`; then validate() against `registry`.
 *
 * Every problem carries a path into the uploaded file. Any problem means `ok: false` and the caller
 * must store nothing. Unfinished pipelines (an input not wired, no output yet) import fine, with
 * warnings, and unfilled placeholders are listed: the pipeline cannot run until they are filled
 * (validate() flags the param), but it can be stored and edited.
 */
export function importPipeline(input: unknown, registry: SpecLookup, options: ImportOptions = {}): ImportResult {
  const fail = (problems: ImportProblem[], warnings: ImportProblem[] = [], placeholders: Placeholder[] = []): ImportResult => ({
    ok: false,
    problems,
    warnings,
    placeholders,
  });

  let raw: unknown = input;
  if (typeof input === "string") {
    if (input.length > EXCHANGE_LIMITS.maxChars) {
      return fail([{ path: "(root)", code: "TOO_LARGE", message: `the file has ${input.length} characters; at most ${EXCHANGE_LIMITS.maxChars} are allowed` }]);
    }
    try {
      raw = JSON.parse(input);
    } catch (error) {
      return fail([{ path: "(root)", code: "INVALID_JSON", message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` }]);
    }
  }

  const structural = checkStructure(raw);
  if (structural.length > 0) return fail(structural);

  // ---- detect the version and parse with that version's schema ----
  const now = (options.now ?? new Date()).toISOString();
  let file: ExchangeFile;
  let source: number | "document";
  const warnings: ImportProblem[] = [];
  const parse = <S extends z.ZodType>(schema: S): z.infer<S> | ImportProblem[] => {
    const result = schema.safeParse(raw);
    if (!result.success) return result.error.issues.map((i) => ({ path: formatPath(i.path), code: "SCHEMA" as const, message: i.message }));
    warnings.push(...droppedFields(raw, result.data));
    return result.data;
  };

  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return fail([{ path: "(root)", code: "UNKNOWN_FORMAT", message: "expected a JSON object: an Attune pipeline or template file" }]);
  }
  const obj = raw as Record<string, unknown>;
  if (typeof obj.format === "string") {
    if (obj.format !== EXCHANGE_KINDS.pipeline && obj.format !== EXCHANGE_KINDS.template) {
      return fail([{ path: "format", code: "UNKNOWN_FORMAT", message: `'${obj.format.slice(0, 60)}' is not an Attune file format` }]);
    }
    const version = obj.formatVersion;
    if (typeof version === "number" && Number.isInteger(version) && version > EXCHANGE_FORMAT_VERSION) {
      return fail([{ path: "formatVersion", code: "FORMAT_TOO_NEW", message: `written by a newer Attune (format v${version}); this one reads up to v${EXCHANGE_FORMAT_VERSION}` }]);
    }
    if (version === 2) {
      const v2 = parse(exchangeFileV2Schema);
      if (Array.isArray(v2)) return fail(v2);
      file = migrateV2toV3(v2);
      source = 2;
    } else {
      const v3 = parse(exchangeFileV3Schema);
      if (Array.isArray(v3)) return fail(v3);
      file = v3;
      source = 3;
    }
  } else if (obj.version === 1 && "nodes" in obj && "links" in obj) {
    const v1 = parse(exchangeFileV1Schema);
    if (Array.isArray(v1)) return fail(v1);
    file = migrateV2toV3(migrateV1toV2(v1, now));
    if (!v1.name && options.fallbackName) file.pipeline.name = options.fallbackName;
    source = 1;
  } else if ("schemaVersion" in obj) {
    // A bare document, e.g. a template's pipeline.json or the editor's JSON tab.
    const parsed = parseDocument(raw);
    if (!parsed.ok) return fail(parsed.problems.map((p) => ({ ...p, code: "SCHEMA" as const })));
    warnings.push(...droppedFields(raw, parsed.document));
    const capped = exchangeFileV3Schema.shape.document.safeParse(parsed.document);
    if (!capped.success) return fail(capped.error.issues.map((i) => ({ path: formatPath(i.path), code: "SCHEMA" as const, message: i.message })));
    file = {
      format: EXCHANGE_KINDS.pipeline,
      formatVersion: EXCHANGE_FORMAT_VERSION,
      exportedAt: now,
      pipeline: { name: options.fallbackName ?? "Imported pipeline", description: "", tags: [] },
      document: capped.data,
    };
    source = "document";
  } else {
    return fail([
      {
        path: "(root)",
        code: "UNKNOWN_FORMAT",
        message: "not an Attune file: expected `format: \"attune.pipeline\"`, a pipeline document with `schemaVersion`, or a v1 export with `version: 1`",
      },
    ]);
  }
  const locate = (path: string) => pathInSource(path, source);

  // ---- params the node does not declare ----
  let document: PipelineDocument = {
    ...file.document,
    nodes: file.document.nodes.map((node, index) => {
      const spec = registry.get(node.type);
      // Only at the spec's own version: an older instance's params are upgraded later by migrate().
      const declared = spec && node.version === spec.version ? declaredParamNames(spec) : null;
      if (!declared) return node;
      const params: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(node.params)) {
        if (declared.has(name)) params[name] = value;
        else warnings.push({ path: locate(`document.nodes[${index}].params.${name}`), code: "DROPPED_FIELD", message: `${node.type} has no param '${name}'; it was dropped` });
      }
      return { ...node, params };
    }),
  };

  // ---- placeholders ----
  const problems: ImportProblem[] = [];
  if (options.fills && Object.keys(options.fills).length > 0) {
    const filled = fillPlaceholders(document, options.fills);
    document = filled.document;
    for (const path of filled.unknown) problems.push({ path, code: "UNKNOWN_FILL", message: "no placeholder at this path to fill" });
  }
  const placeholders = findPlaceholders(document).map((p) => ({ ...p, path: locate(p.path) }));
  const pending = new Set(findPlaceholders(document).map((p) => `${p.nodeId}\u0000${p.param.split(".")[0]}`));

  // ---- validate against the node specs ----
  const nodeIndex = new Map(document.nodes.map((n, i) => [n.id, i]));
  const edgeIndex = new Map(document.edges.map((e, i) => [e.id, i]));
  for (const issue of validate(document, registry)) {
    if (issue.code === "PARAM_INVALID" && issue.nodeId && pending.has(`${issue.nodeId}\u0000${(issue.paramPath ?? "").split(/[.[]/)[0]}`)) continue;
    const entry = { path: locate(issuePath(issue, nodeIndex, edgeIndex)), message: issue.message };
    // Broken even on a branch that feeds no output (where validate() only warns): a file is refused whole.
    if (BROKEN.has(issue.code)) problems.push({ ...entry, code: issue.code as ImportProblemCode });
    else warnings.push({ ...entry, code: "VALIDATION", message: `${issue.code}: ${issue.message}` });
  }
  warnings.push(...markupWarnings(raw));

  if (problems.length > 0) return fail(problems, warnings, placeholders);
  return {
    ok: true,
    kind: file.format === EXCHANGE_KINDS.template ? "template" : "pipeline",
    sourceFormatVersion: source,
    pipeline: file.pipeline,
    document,
    samples: file.samples ?? [],
    modalities: modalitiesOf(document),
    placeholders,
    warnings,
  };
}

function issuePath(issue: ValidationIssue, nodes: Map<string, number>, edges: Map<string, number>): string {
  if (issue.edgeId !== undefined && edges.has(issue.edgeId)) return `document.edges[${edges.get(issue.edgeId)}]`;
  if (issue.nodeId !== undefined && nodes.has(issue.nodeId)) {
    const base = `document.nodes[${nodes.get(issue.nodeId)}]`;
    if (issue.paramPath) return `${base}.params${issue.paramPath.startsWith("[") ? "" : "."}${issue.paramPath}`;
    if (issue.code === "UNKNOWN_NODE_TYPE") return `${base}.type`;
    if (issue.code === "VERSION_UNSUPPORTED") return `${base}.version`;
    return base;
  }
  return "document";
}
