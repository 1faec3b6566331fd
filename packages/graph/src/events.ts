import { z } from "zod";

/**
 * The run event stream. Runtime emits these; the runner sends them as SSE; the studio parses them
 * with the same schema, so a change here is a change everywhere.
 */
export const previewSummarySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("text"), text: z.string(), truncated: z.boolean() }),
  z.object({ kind: z.literal("number"), value: z.number(), label: z.string().optional() }),
  z.object({ kind: z.literal("boolean"), value: z.boolean() }),
  z.object({
    kind: z.literal("scores"),
    taxonomy: z.string(),
    calibrated: z.boolean(),
    top: z.array(z.object({ label: z.string(), score: z.number() })),
    extra: z.record(z.string(), z.number()).optional(),
  }),
  z.object({ kind: z.literal("action"), action: z.object({ name: z.string(), reason: z.string() }).nullable() }),
  z.object({ kind: z.literal("json"), json: z.string(), truncated: z.boolean() }),
  z.object({ kind: z.literal("image"), width: z.number(), height: z.number(), thumbnail: z.string() }),
  z.object({
    kind: z.literal("faces"),
    width: z.number(),
    height: z.number(),
    thumbnail: z.string().optional(),
    faces: z.array(
      z.object({
        box: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }),
        score: z.number(),
        top: z.array(z.object({ label: z.string(), score: z.number() })).optional(),
      }),
    ),
  }),
  z.object({
    kind: z.literal("audio"),
    durationSec: z.number(),
    peaks: z.array(z.number()),
    segments: z.array(z.object({ start: z.number(), end: z.number() })).optional(),
  }),
  z.object({
    kind: z.literal("segments"),
    durationSec: z.number(),
    segments: z.array(z.object({ start: z.number(), end: z.number(), probability: z.number() })),
  }),
  z.object({
    kind: z.literal("series"),
    durationSec: z.number(),
    series: z.array(z.object({ name: z.string(), unit: z.string(), values: z.array(z.number().nullable()) })),
    stats: z.record(z.string(), z.number()).optional(),
  }),
  z.object({
    kind: z.literal("gauge"),
    label: z.string(),
    value: z.number(),
    min: z.number(),
    max: z.number(),
    flag: z.string().optional(),
  }),
]);

export const nodeErrorSchema = z.object({ message: z.string(), code: z.string().optional() });

export const runEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("run-started"), runId: z.string(), at: z.number(), nodeIds: z.array(z.string()) }),
  z.object({ type: z.literal("node-started"), runId: z.string(), nodeId: z.string(), at: z.number() }),
  z.object({
    type: z.literal("node-finished"),
    runId: z.string(),
    nodeId: z.string(),
    durationMs: z.number(),
    cached: z.boolean(),
  }),
  z.object({ type: z.literal("node-failed"), runId: z.string(), nodeId: z.string(), durationMs: z.number(), error: nodeErrorSchema }),
  z.object({ type: z.literal("node-skipped"), runId: z.string(), nodeId: z.string(), reason: z.string() }),
  z.object({ type: z.literal("preview"), runId: z.string(), nodeId: z.string(), preview: previewSummarySchema }),
  z.object({
    type: z.literal("run-finished"),
    runId: z.string(),
    durationMs: z.number(),
    status: z.enum(["ok", "partial", "failed", "cancelled"]),
    outputs: z.record(z.string(), z.unknown()),
  }),
]);

export type RunEvent = z.infer<typeof runEventSchema>;
export type NodeError = z.infer<typeof nodeErrorSchema>;
