import type { PipelineDocument } from "../document";

/** What a pipeline reads from people, for gallery cards and filters. */
export const MODALITIES = ["text", "face", "voice"] as const;
export type Modality = (typeof MODALITIES)[number];

const BY_INPUT: Record<string, Modality> = { "core.text-input": "text", "core.image-input": "face", "core.audio-input": "voice" };
const BY_FAMILY: Record<string, Modality> = { nlp: "text", vision: "face", audio: "voice" };

/**
 * Derived from node types alone (input nodes and the nlp/vision/audio families), so it needs no
 * registry and cannot disagree between the gallery, the API and an imported file. Sorted.
 */
export function modalitiesOf(doc: Pick<PipelineDocument, "nodes">): Modality[] {
  const found = new Set<Modality>();
  for (const node of doc.nodes) {
    const m = BY_INPUT[node.type] ?? BY_FAMILY[node.type.split(".")[0] ?? ""];
    if (m) found.add(m);
  }
  return MODALITIES.filter((m) => found.has(m));
}
