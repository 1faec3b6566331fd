import type { Acknowledgement, PipelineDocument, PipelineMeta } from "@attune/graph";

/**
 * Pure edits of the document's `meta` (purpose, setting, exemption, acknowledgements), so the
 * purpose panel's changes are document values like any other: undoable and saved with the graph.
 */

/** Sets or clears (`undefined`, or an empty purpose) meta fields; an empty meta is dropped entirely. */
export function setMeta(doc: PipelineDocument, patch: Partial<PipelineMeta>): PipelineDocument {
  const next: Record<string, unknown> = { ...doc.meta };
  for (const [key, value] of Object.entries(patch)) {
    const empty = value === undefined || (typeof value === "string" && value === "") || (Array.isArray(value) && value.length === 0);
    if (empty) delete next[key];
    else next[key] = value;
  }
  const { meta: _old, ...rest } = doc;
  return Object.keys(next).length === 0 ? rest : { ...rest, meta: next as PipelineMeta };
}

export function addAcknowledgement(doc: PipelineDocument, ack: Acknowledgement): PipelineDocument {
  return setMeta(doc, { acknowledgements: [...(doc.meta?.acknowledgements ?? []), ack] });
}

/** Withdraws one acknowledgement (by index): the flag it covered comes back as an error. */
export function removeAcknowledgement(doc: PipelineDocument, index: number): PipelineDocument {
  return setMeta(doc, { acknowledgements: (doc.meta?.acknowledgements ?? []).filter((_, i) => i !== index) });
}
