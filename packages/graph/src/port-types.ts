import { TAXONOMIES, type Taxonomy } from "./affect";

/**
 * The closed vocabulary of port types. Scores ports name their taxonomy (`scores:ekman7`);
 * `scores:any` is for generic consumers (thresholds, outputs) that accept any taxonomy.
 * `any` is only for sinks such as `core.output`.
 */
export const BASE_PORT_TYPES = [
  "text",
  "number",
  "boolean",
  "json",
  "image",
  "audio",
  "valence-arousal",
  "action",
  /** FaceDetection[] (media.ts): boxes, landmarks and scores in image pixels. */
  "faces",
  /** SpeechSegment[] (media.ts) from voice activity detection. */
  "speech-segments",
  /** Prosodic features (pitch, loudness, rate, voice quality) per segment and window. */
  "prosody",
  "any",
] as const;

export type BasePortType = (typeof BASE_PORT_TYPES)[number];
export type ScoresPortType = `scores:${Taxonomy}` | "scores:any";
export type PortType = BasePortType | ScoresPortType;

export const PORT_TYPES: readonly PortType[] = [
  ...BASE_PORT_TYPES,
  ...TAXONOMIES.map((t) => `scores:${t}` as const),
  "scores:any",
];

export function isPortType(value: string): value is PortType {
  return (PORT_TYPES as readonly string[]).includes(value);
}

/** An input port may accept one type or any of several (e.g. a threshold on a number or scores). */
export type PortAccepts = PortType | readonly PortType[];

export type ConnectResult = { ok: true } | { ok: false; reason: string };

function acceptsOne(from: PortType, to: PortType): boolean {
  if (from === to) return true;
  if (to === "any") return true;
  if (to === "scores:any" && from.startsWith("scores:")) return true;
  return false;
}

/**
 * The one rule for which output may feed which input, shared by the canvas (isValidConnection)
 * and validate(). A refusal says why, in words a user can act on.
 */
export function canConnect(from: PortType, to: PortAccepts): ConnectResult {
  const targets = typeof to === "string" ? [to] : to;
  if (targets.some((t) => acceptsOne(from, t))) return { ok: true };
  const wanted = targets.join(" or ");
  if (from.startsWith("scores:") && targets.some((t) => t.startsWith("scores:"))) {
    return {
      ok: false,
      reason: `${from} cannot feed ${wanted}: taxonomies differ; add a taxonomy mapping node in between`,
    };
  }
  return { ok: false, reason: `${from} cannot feed ${wanted}` };
}

/** Display colour per port type, so handles and edges read at a glance on the canvas. */
export function portColor(type: PortAccepts): string {
  const t = typeof type === "string" ? type : (type[0] ?? "any");
  if (t.startsWith("scores:")) return "#d97706";
  switch (t) {
    case "text": return "#2563eb";
    case "number": return "#059669";
    case "boolean": return "#7c3aed";
    case "json": return "#64748b";
    case "image": return "#db2777";
    case "audio": return "#0891b2";
    case "valence-arousal": return "#ea580c";
    case "action": return "#dc2626";
    case "faces": return "#be185d";
    case "speech-segments": return "#0e7490";
    case "prosody": return "#155e75";
    default: return "#94a3b8";
  }
}
