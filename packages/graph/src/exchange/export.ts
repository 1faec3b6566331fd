import type { PipelineDocument } from "../document";
import type { SpecLookup } from "../plan";
import { EXCHANGE_FORMAT_VERSION, EXCHANGE_KINDS, type ExchangeFile, type ExchangeKind, type Placeholder, type SampleSet } from "./format";
import { scrubSecrets } from "./secrets";

export interface ExportInput {
  kind?: ExchangeKind;
  pipeline: { name: string; description?: string; tags?: readonly string[] };
  document: PipelineDocument;
  samples?: readonly SampleSet[];
  /** Node specs, to find params marked secret; without it only key-shaped strings are scrubbed. */
  registry?: SpecLookup;
  now?: Date;
}

/**
 * Builds the current-format file for a pipeline or template. Secrets never leave: params marked
 * secret and anything that looks like an API key or bearer token become `{ "$placeholder": hint }`,
 * listed in `placeholders` for whoever imports it. Key-shaped strings are scrubbed from the name,
 * description and samples too. Pure: the document passed in is not modified.
 */
export function exportPipeline(input: ExportInput): { file: ExchangeFile; placeholders: Placeholder[] } {
  const { document, placeholders } = scrubSecrets(input.document, input.registry);
  const samples = input.samples?.map((s) => ({
    name: s.name,
    inputs: Object.fromEntries(Object.entries(s.inputs).map(([k, v]) => [k, typeof v === "string" ? redactText(v) : v])),
  }));
  const file: ExchangeFile = {
    format: EXCHANGE_KINDS[input.kind ?? "pipeline"],
    formatVersion: EXCHANGE_FORMAT_VERSION,
    exportedAt: (input.now ?? new Date()).toISOString(),
    pipeline: {
      name: redactText(input.pipeline.name),
      description: redactText(input.pipeline.description ?? ""),
      tags: [...(input.pipeline.tags ?? [])],
    },
    document,
    ...(samples && samples.length > 0 ? { samples } : {}),
    ...(placeholders.length > 0 ? { placeholders } : {}),
  };
  return { file, placeholders };
}

const KEYISH = [/\batn_[A-Za-z0-9]{4,}_[A-Za-z0-9_-]{8,}/g, /\bbearer\s+[A-Za-z0-9._~+/=-]{8,}/gi];

/** Free text cannot hold a placeholder object, so a key inside it is cut out in place. */
function redactText(text: string): string {
  return KEYISH.reduce((t, re) => t.replace(re, "[secret removed]"), text);
}
