import { defineNodeSpec, type InputPortSpec, type NodeCheckIssue } from "@attune/graph";
import { z } from "zod";

export const FUSION_PORTS = ["a", "b", "c", "d"] as const;
export type FusionPort = (typeof FUSION_PORTS)[number];

const weight = z.number().finite().min(0).max(100).default(1);

export const lateFusionParams = z.object({
  /** Relative trust in each input (e.g. face 1, voice 0.7, text 1.2); 0 leaves an input out. */
  weights: z.object({ a: weight, b: weight, c: weight, d: weight }).default({ a: 1, b: 1, c: 1, d: 1 }),
  /**
   * How much each input's own certainty counts: `margin` multiplies its weight by the gap between
   * its top two scores (a confident modality outweighs a hesitant one), `top` by its top score,
   * `none` uses the weights alone.
   */
  confidence: z.enum(["margin", "top", "none"]).default("margin"),
  /** Fail when fewer inputs than this arrive (e.g. 2 to refuse a single-modality "fusion"). */
  minContributors: z.number().int().min(1).max(4).default(1),
});

export type LateFusionParams = z.infer<typeof lateFusionParams>;

const port = (id: FusionPort, label: string, optional: boolean): InputPortSpec => ({
  id,
  label,
  accepts: "scores:any",
  optional,
  // A failed or skipped modality must not take the fused estimate down with it.
  tolerateMissing: true,
  description: "Emotion scores from one modality; all connected inputs must share one taxonomy.",
});

export const lateFusionSpec = defineNodeSpec({
  type: "fusion.late-fusion",
  version: 1,
  family: "fusion",
  title: "Late fusion",
  description:
    "Combines two to four emotion-score estimates of the same taxonomy (e.g. face, voice and text mapped to Ekman 7) " +
    "into one weighted average, each input weighted by its weight param and its own confidence. A modality that is " +
    "missing or whose node failed is left out and the rest renormalised; `contributors` says which ones counted. " +
    "Connected inputs of different taxonomies are a validation error: map them first with Map taxonomy.",
  inputs: [port("a", "Input A", false), port("b", "Input B", false), port("c", "Input C", true), port("d", "Input D", true)],
  outputs: [
    { id: "scores", label: "Fused scores", type: "scores:any", description: "Weighted mean over contributing inputs, sums to 1." },
    {
      id: "contributors",
      label: "Contributors",
      type: "json",
      description: "{ used: port ids, missing: port ids, weights: effective normalised weight per used port }.",
    },
    { id: "confidence", label: "Confidence", type: "number", description: "Top-two margin of the fused scores, 0..1." },
  ],
  params: lateFusionParams,
  validateConnections(connected): NodeCheckIssue[] {
    // scores:any upstreams are checked at run time; concrete taxonomies are checked here.
    let first: { port: string; type: string } | undefined;
    const issues: NodeCheckIssue[] = [];
    for (const id of FUSION_PORTS) {
      const type = connected[id];
      if (type === undefined || !type.startsWith("scores:") || type === "scores:any") continue;
      if (!first) first = { port: id, type };
      else if (type !== first.type) {
        issues.push({
          code: "TAXONOMY_MISMATCH",
          portId: id,
          message:
            `input '${id}' carries ${type.slice(7)} but input '${first.port}' carries ${first.type.slice(7)}: ` +
            "fusing different taxonomies would average unrelated labels; add a Map taxonomy node so both use one taxonomy",
        });
      }
    }
    return issues;
  },
  keywords: ["fusion", "late fusion", "multimodal", "combine", "merge", "ensemble", "weighted", "average", "face", "voice", "text"],
});
