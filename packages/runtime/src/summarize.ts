import type { PortValues, PreviewSummary } from "@attune/graph";

const TEXT_LIMIT = 200;
const JSON_LIMIT = 400;
const TOP_SCORES = 3;
const AUDIO_PEAKS = 400;

/**
 * The generic preview for a node without its own `preview`: a single output port is summarised
 * by its value's shape; several ports become one truncated JSON object. Never returns raw
 * tensors: byte arrays are described by type and length.
 */
export function summarizeOutputs(outputs: PortValues): PreviewSummary {
  const keys = Object.keys(outputs);
  if (keys.length === 1) return summarizeValue(outputs[keys[0]!]);
  return jsonSummary(outputs);
}

/** Preview of one port value (see summarizeOutputs). */
export function summarizeValue(value: unknown): PreviewSummary {
  if (value === null) return { kind: "action", action: null };
  switch (typeof value) {
    case "string":
      return value.length > TEXT_LIMIT
        ? { kind: "text", text: value.slice(0, TEXT_LIMIT), truncated: true }
        : { kind: "text", text: value, truncated: false };
    case "number":
      // The event schema's number is finite; NaN and infinities are shown as text.
      return Number.isFinite(value) ? { kind: "number", value } : { kind: "text", text: String(value), truncated: false };
    case "boolean":
      return { kind: "boolean", value };
    case "object":
      if (isEmotionScores(value)) {
        const top = Object.entries(value.scores)
          .filter(([, score]) => Number.isFinite(score))
          .sort((a, b) => b[1] - a[1])
          .slice(0, TOP_SCORES)
          .map(([label, score]) => ({ label, score }));
        return { kind: "scores", taxonomy: value.taxonomy, calibrated: value.calibrated, top };
      }
      if (isAction(value)) return { kind: "action", action: { name: value.name, reason: value.reason } };
      if (isAudio(value)) return audioSummary(value.samples, value.sampleRate);
      return jsonSummary(value);
    default:
      return jsonSummary(value);
  }
}

function isEmotionScores(value: object): value is { taxonomy: string; calibrated: boolean; scores: Record<string, number> } {
  const v = value as Record<string, unknown>;
  if (typeof v["taxonomy"] !== "string" || typeof v["calibrated"] !== "boolean") return false;
  const scores = v["scores"];
  if (typeof scores !== "object" || scores === null) return false;
  return Object.values(scores).every((s) => typeof s === "number");
}

function isAction(value: object): value is { name: string; reason: string } {
  const v = value as Record<string, unknown>;
  return typeof v["name"] === "string" && typeof v["reason"] === "string";
}

function isAudio(value: object): value is { sampleRate: number; samples: Float32Array } {
  const v = value as Record<string, unknown>;
  return typeof v["sampleRate"] === "number" && v["sampleRate"] > 0 && v["samples"] instanceof Float32Array;
}

/** Waveform overview: the loudest absolute sample in each of at most 400 equal bins. */
function audioSummary(samples: Float32Array, sampleRate: number): PreviewSummary {
  const bins = Math.min(AUDIO_PEAKS, samples.length);
  const peaks: number[] = new Array(bins).fill(0);
  for (let b = 0; b < bins; b++) {
    const from = Math.floor((b * samples.length) / bins);
    const to = Math.floor(((b + 1) * samples.length) / bins);
    let peak = 0;
    for (let i = from; i < to; i++) {
      const v = Math.abs(samples[i]!);
      if (v > peak) peak = v;
    }
    // Rounded so the preview stays small on the wire; NaN samples count as silence.
    peaks[b] = Number.isFinite(peak) ? Math.round(peak * 1000) / 1000 : 0;
  }
  return { kind: "audio", durationSec: samples.length / sampleRate, peaks };
}

function jsonSummary(value: unknown): PreviewSummary {
  const budget = { left: JSON_LIMIT + 1 };
  const json = boundedJson(value, budget, 0);
  return json.length > JSON_LIMIT
    ? { kind: "json", json: json.slice(0, JSON_LIMIT), truncated: true }
    : { kind: "json", json, truncated: false };
}

/**
 * JSON.stringify that stops once the budget is spent, so previewing a huge value costs as much as
 * previewing a small one, and that describes binary data instead of listing it.
 */
function boundedJson(value: unknown, budget: { left: number }, depth: number): string {
  if (budget.left <= 0) return "";
  let out: string;
  if (value === null || value === undefined) out = "null";
  else if (typeof value === "string") out = JSON.stringify(value.length > budget.left ? value.slice(0, budget.left) : value);
  else if (typeof value === "number") out = Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
  else if (typeof value === "boolean") out = String(value);
  else if (typeof value === "bigint") out = JSON.stringify(`${value}n`);
  else if (typeof value !== "object") out = JSON.stringify(`[${typeof value}]`);
  else if (ArrayBuffer.isView(value)) out = JSON.stringify(`[${value.constructor.name} ${value.byteLength} bytes]`);
  else if (value instanceof ArrayBuffer) out = JSON.stringify(`[ArrayBuffer ${value.byteLength} bytes]`);
  else if (depth > 8) out = JSON.stringify("[…]");
  else if (Array.isArray(value)) {
    out = "[";
    budget.left -= 1;
    for (let i = 0; i < value.length && budget.left > 0; i++) {
      const part = (i > 0 ? "," : "") + boundedJson(value[i], budget, depth + 1);
      out += part;
    }
    out += "]";
    return out;
  } else {
    out = "{";
    budget.left -= 1;
    let first = true;
    for (const [key, v] of Object.entries(value)) {
      if (budget.left <= 0) break;
      if (v === undefined || typeof v === "function") continue;
      const head = (first ? "" : ",") + JSON.stringify(key) + ":";
      budget.left -= head.length;
      out += head + boundedJson(v, budget, depth + 1);
      first = false;
    }
    out += "}";
    return out;
  }
  budget.left -= out.length;
  return out;
}
