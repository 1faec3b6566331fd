import { describe, expect, it } from "vitest";
import { BUILTIN_MODELS, FACE_EXPRESSION_MODEL_ID, HUMAN_EMOTION_LABELS } from "./builtin-models";
import { labelScores, type ModelManifest, parseModelManifest } from "./manifest";

const complete = (i: number): ModelManifest =>
  parseModelManifest({
    ...BUILTIN_MODELS[i]!.manifest,
    file: `${BUILTIN_MODELS[i]!.manifest.id}.onnx`,
    sha256: "a".repeat(64),
    source: { ...BUILTIN_MODELS[i]!.manifest.source, files: { "x.json": "b".repeat(64) }, converter: "1" },
  });

describe("model manifests", () => {
  it("every built-in manifest validates once conversion fills in hashes", () => {
    expect(BUILTIN_MODELS.map((_, i) => complete(i).id)).toEqual([FACE_EXPRESSION_MODEL_ID, "face-detector-blazeface", "text-emotion", "face-expression-face-api", "silero-vad", "vocal-arousal"]);
  });

  it("maps human's emotion outputs onto ekman7 names index by index", () => {
    const manifest = complete(0);
    const output = manifest.outputs[0]!;
    expect(output.sourceLabels).toEqual([...HUMAN_EMOTION_LABELS]);
    expect(output.labels).toEqual(["anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral"]);
    // A model that is sure of index 3 (human's "happy") is sure of joy, whatever ekman7's own order.
    expect(labelScores(output, [0, 0, 0, 1, 0, 0, 0])).toMatchObject({ joy: 1, neutral: 0 });
  });

  it("rejects labels that are not exactly the taxonomy's, wrong counts, bad hashes and ids", () => {
    const base = complete(0);
    const withLabels = (labels: string[]) => ({ ...base, outputs: [{ ...base.outputs[0]!, labels, sourceLabels: labels }] });
    expect(() => parseModelManifest(withLabels(["anger", "disgust", "fear", "happy", "sadness", "surprise", "neutral"]), "m.json")).toThrow(
      /m\.json is not a valid model manifest: outputs\.0\.labels: labels must be exactly the ekman7 labels/,
    );
    expect(() => parseModelManifest(withLabels(["anger", "disgust"]))).toThrow(/2 labels for a last axis of 7/);
    expect(() => parseModelManifest({ ...base, sha256: "xyz" })).toThrow(/sha256/);
    expect(() => parseModelManifest({ ...base, id: "Face Model" })).toThrow(/kebab-case/);
  });
});
