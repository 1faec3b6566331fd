import type { EmotionScores, PortValues, RunContext, Taxonomy } from "@attune/graph";
import { normalised, readScores, topMargin } from "../shared/scores";
import { FUSION_PORTS, type FusionPort, type LateFusionParams } from "./spec";

/** Below this, a modality's confidence still counts a little: a tie is weak evidence, not none. */
const CONFIDENCE_FLOOR = 0.05;

export async function runLateFusion(inputs: PortValues, params: LateFusionParams, _ctx: RunContext): Promise<PortValues> {
  const present: { port: FusionPort; value: EmotionScores }[] = [];
  const missing: FusionPort[] = [];
  for (const port of FUSION_PORTS) {
    const raw = inputs[port];
    // undefined: unconnected, or its upstream failed (the port tolerates that); null: "no reading".
    if (raw === undefined || raw === null || params.weights[port] === 0) missing.push(port);
    else present.push({ port, value: readScores(raw, port) });
  }
  if (present.length === 0) throw new Error("no input arrived: every modality is missing or failed");
  if (present.length < params.minContributors) {
    throw new Error(
      `only ${present.length} of the required ${params.minContributors} inputs arrived` +
        (missing.length ? ` (missing: ${missing.join(", ")})` : ""),
    );
  }

  const taxonomy: Taxonomy = present[0]!.value.taxonomy;
  const other = present.find((p) => p.value.taxonomy !== taxonomy);
  if (other) {
    throw new Error(
      `input '${other.port}' is ${other.value.taxonomy} but '${present[0]!.port}' is ${taxonomy}; map them to one taxonomy before fusing`,
    );
  }

  const dists = present.map((p) => ({ ...p, dist: normalised(taxonomy, p.value.scores) }));
  const raw = dists.map((p) => {
    const w = params.weights[p.port];
    if (params.confidence === "none") return w;
    const { score, margin } = topMargin(p.dist);
    return w * Math.max(CONFIDENCE_FLOOR, params.confidence === "margin" ? margin : score);
  });
  const total = raw.reduce((a, b) => a + b, 0);
  const weights = raw.map((w) => w / total);

  const fused: Record<string, number> = {};
  for (const label of Object.keys(dists[0]!.dist)) {
    let v = 0;
    dists.forEach((p, i) => (v += weights[i]! * p.dist[label]!));
    fused[label] = v;
  }
  const scores: EmotionScores = {
    taxonomy,
    // A weighted mean of probability distributions is one (a linear opinion pool).
    calibrated: present.every((p) => p.value.calibrated),
    scores: fused,
  };
  return {
    scores,
    contributors: {
      used: present.map((p) => p.port),
      missing,
      weights: Object.fromEntries(dists.map((p, i) => [p.port, Math.round(weights[i]! * 1e4) / 1e4])),
    },
    confidence: topMargin(fused).margin,
  };
}
