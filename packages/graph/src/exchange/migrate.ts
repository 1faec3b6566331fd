import { SCHEMA_VERSION, type PipelineDocument } from "../document";
import { EXCHANGE_FORMAT_VERSION, EXCHANGE_KINDS, type ExchangeFile, type ExchangeFileV1, type ExchangeFileV2 } from "./format";

/**
 * Upgrades older exchange files one version at a time (v1 -> v2 -> v3), so each step stays small
 * and a future v4 only adds one function. Inputs are already parsed by their own version's schema.
 */

/** v1 (a bare graph, before `schemaVersion`) -> v2. Node versions did not exist: all start at 1. */
export function migrateV1toV2(file: ExchangeFileV1, exportedAt: string): ExchangeFileV2 {
  const document: PipelineDocument = {
    schemaVersion: SCHEMA_VERSION,
    nodes: file.nodes.map((n) => ({
      id: n.id,
      type: n.kind,
      version: 1,
      params: n.config,
      position: { x: n.x, y: n.y },
      ...(n.label !== undefined ? { label: n.label } : {}),
    })),
    edges: file.links.map((l, i) => ({
      id: l.id ?? `e${i + 1}-${l.source}-${l.target}`.slice(0, 64),
      from: { node: l.source, port: l.sourcePort },
      to: { node: l.target, port: l.targetPort },
    })),
  };
  return { format: EXCHANGE_KINDS.pipeline, formatVersion: 2, exportedAt, name: file.name ?? "Imported pipeline", document };
}

/** v2 -> v3: metadata moves under `pipeline`, tags start empty, no samples. */
export function migrateV2toV3(file: ExchangeFileV2): ExchangeFile {
  return {
    format: file.format,
    formatVersion: EXCHANGE_FORMAT_VERSION,
    exportedAt: file.exportedAt,
    pipeline: { name: file.name, description: file.description ?? "", tags: [] },
    document: file.document,
  };
}

/**
 * Maps a problem path in the migrated (current) shape back to where it sits in the file a person
 * uploaded, so an error in a v1 file points at `nodes[2].config.threshold`, not a path that file
 * never had.
 */
export function pathInSource(path: string, sourceVersion: number | "document"): string {
  if (sourceVersion === "document") return path.startsWith("document.") ? path.slice("document.".length) : path === "document" ? "(root)" : path;
  if (sourceVersion === 2) {
    if (path.startsWith("pipeline.name")) return "name";
    if (path.startsWith("pipeline.description")) return "description";
    return path;
  }
  if (sourceVersion === 1) {
    return path
      .replace(/^document\.nodes(\[\d+\])\.params/, "nodes$1.config")
      .replace(/^document\.nodes(\[\d+\])\.type/, "nodes$1.kind")
      .replace(/^document\.nodes(\[\d+\])\.position\.(x|y)/, "nodes$1.$2")
      .replace(/^document\.nodes/, "nodes")
      .replace(/^document\.edges/, "links")
      .replace(/^pipeline\.name/, "name");
  }
  return path;
}
