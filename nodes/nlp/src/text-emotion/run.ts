import { TAXONOMY_LABELS, type EmotionScores, type PortValues, type RunContext } from "@attune/graph";
import { DEFAULT_FEATURIZER_CONFIG, featurize } from "./featurize";
import type { TextEmotionParams } from "./spec";

/** Manifest id of the ONNX model in packages/models/assets/text-emotion. */
export const TEXT_EMOTION_MODEL_ID = "text-emotion";

/**
 * The committed model was trained with the default config; its metadata stores the sha256 of that
 * config (assets/text-emotion/featurizer.json), and a test checks the two agree, so a retrain with
 * other settings cannot ship without this line changing too.
 */
export const TEXT_EMOTION_FEATURIZER = DEFAULT_FEATURIZER_CONFIG;

const LABELS = TAXONOMY_LABELS.ekman7;

export async function runTextEmotion(inputs: PortValues, _params: TextEmotionParams, ctx: RunContext): Promise<PortValues> {
  ctx.signal.throwIfAborted();
  const text = inputs.text;
  if (typeof text !== "string") {
    throw new Error(`input 'text' must be a string, got ${text === null ? "null" : typeof text}`);
  }
  if (!ctx.models) {
    throw new Error(
      `nlp.text-emotion needs the model service to run model '${TEXT_EMOTION_MODEL_ID}', but this run context has none ` +
        "(run it in the runner, or pass ctx.models in tests)",
    );
  }
  // Empty text is not special-cased: the featurizer emits its `empty` cue, which the model learned
  // from comments with no words, and the result is mostly neutral (see the model card).
  const { ids, weights } = featurize(text, TEXT_EMOTION_FEATURIZER);
  const n = ids.length;
  const out = await ctx.models.run(
    TEXT_EMOTION_MODEL_ID,
    {
      ids: { type: "int64", data: BigInt64Array.from(ids, (x) => BigInt(x)), dims: [1, n] },
      weights: { type: "float32", data: weights, dims: [1, n] },
    },
    ctx.signal,
  );
  ctx.signal.throwIfAborted();
  const probs = out.scores;
  if (!probs || !(probs.data instanceof Float32Array) || probs.data.length !== LABELS.length) {
    throw new Error(`model '${TEXT_EMOTION_MODEL_ID}' must return 'scores' as ${LABELS.length} float32 values`);
  }
  const scores: Record<string, number> = {};
  LABELS.forEach((label, c) => {
    scores[label] = probs.data[c] as number;
  });
  const value: EmotionScores = { taxonomy: "ekman7", calibrated: true, scores };
  return { scores: value };
}
