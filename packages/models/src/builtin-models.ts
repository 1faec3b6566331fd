/**
 * The models Attune ships, converted from @vladmandic/human's TF.js files at setup time. Each entry
 * is a manifest minus what only conversion can know (ONNX sha256, source hashes).
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TAXONOMY_LABELS } from "@attune/graph";
import type { ModelManifest } from "./manifest";
import { FACE_API_EXPRESSION_MODEL } from "./vision/face-api-expression-model";

/** Bump when a converter change alters the ONNX produced from unchanged sources. */
export const CONVERTER_VERSION = "1";

export type ManifestDraft = Omit<ModelManifest, "sha256" | "file" | "source"> & {
  source: Omit<ModelManifest["source"], "files" | "converter">;
};

/** A model converted from TF.js files at setup. */
export interface TfjsBuiltinModel {
  /** TF.js model.json, relative to the source folder (human's `models/` by default). */
  tfjsModel: string;
  manifest: ManifestDraft;
}

/**
 * A model that already is ONNX: one we trained and committed, or one an npm package ships. Setup
 * copies it into the models folder and records its hash like any other.
 */
export interface OnnxBuiltinModel {
  /** Absolute path of the ONNX file, resolved at setup (package files move with installs). */
  onnxFile: () => string;
  manifest: ManifestDraft;
}

export type BuiltinModel = TfjsBuiltinModel | OnnxBuiltinModel;

/** human's emotion labels in model output order (src/gear/emotion.ts, the oarriaga grey model). */
export const HUMAN_EMOTION_LABELS = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"] as const;

/** Explicit mapping from human's emotion names to our ekman7 names; not a cast, a documented table. */
export const HUMAN_TO_EKMAN7: Record<(typeof HUMAN_EMOTION_LABELS)[number], string> = {
  angry: "anger",
  disgust: "disgust",
  fear: "fear",
  happy: "joy",
  sad: "sadness",
  surprise: "surprise",
  neutral: "neutral",
};

const HUMAN = {
  kind: "npm" as const,
  package: "@vladmandic/human",
  packageVersion: "3.3.6",
};

export const FACE_EXPRESSION_MODEL_ID = "face-expression-mini-xception";
export const FACE_DETECTOR_MODEL_ID = "face-detector-blazeface";

const HUMAN_MODELS: readonly TfjsBuiltinModel[] = [
  {
    tfjsModel: "emotion.json",
    manifest: {
      id: FACE_EXPRESSION_MODEL_ID,
      version: "1.0.0",
      task: "face-expression",
      title: "Facial expression (mini-Xception, 64x64 grey)",
      inputs: [
        {
          name: "input_1",
          type: "float32",
          shape: ["batch", 64, 64, 1],
          layout: "NHWC",
          range: [-1, 1],
          preprocessing:
            "Crop the detected face, resize bilinearly to 64x64, convert RGB in [0, 1] to grey with weights " +
            "0.2989, 0.5870, 0.1140, then map to [-1, 1] with (grey - 0.5) * 2 (as human does).",
        },
      ],
      outputs: [
        {
          name: "Identity",
          type: "float32",
          shape: ["batch", 7],
          description: "Probability of each basic emotion for each face.",
          activation: "softmax",
          taxonomy: "ekman7",
          labels: HUMAN_EMOTION_LABELS.map((l) => HUMAN_TO_EKMAN7[l]),
          sourceLabels: [...HUMAN_EMOTION_LABELS],
        },
      ],
      licence: {
        spdx: "MIT",
        url: "https://github.com/oarriaga/face_classification/blob/master/LICENSE",
        notes: "Weights trained by O. Arriaga et al. (MIT); TF.js conversion distributed in @vladmandic/human (MIT).",
      },
      source: { ...HUMAN, upstream: "https://github.com/oarriaga/face_classification" },
      attribution:
        "Arriaga, Ploger, Valdenegro: Real-time Convolutional Neural Networks for Emotion and Gender " +
        "Classification (2017), trained on FER-2013; converted by Vladimir Mandic for @vladmandic/human.",
    },
  },
  {
    tfjsModel: "blazeface.json",
    manifest: {
      id: FACE_DETECTOR_MODEL_ID,
      version: "1.0.0",
      task: "face-detection",
      title: "Face detector (BlazeFace, back camera 256x256)",
      inputs: [
        {
          name: "input",
          type: "float32",
          shape: [1, 256, 256, 3],
          layout: "NHWC",
          range: [-1, 1],
          preprocessing: "Pad the frame to a square, resize bilinearly to 256x256, RGB in [0, 255] mapped with x / 127.5 - 1.",
        },
      ],
      outputs: [
        {
          name: "Identity",
          type: "float32",
          shape: [1, 512, 1],
          description: "Face score logits for the 512 anchors of the 16x16 grid (2 per cell).",
          activation: "logits",
        },
        {
          name: "Identity_1",
          type: "float32",
          shape: [1, 384, 1],
          description: "Face score logits for the 384 anchors of the 8x8 grid (6 per cell).",
          activation: "logits",
        },
        {
          name: "Identity_2",
          type: "float32",
          shape: [1, 512, 16],
          description: "Box (centre x, centre y, width, height) and 6 keypoints (x, y) in input pixels, relative to each 16x16-grid anchor.",
          activation: "none",
        },
        {
          name: "Identity_3",
          type: "float32",
          shape: [1, 384, 16],
          description: "Box (centre x, centre y, width, height) and 6 keypoints (x, y) in input pixels, relative to each 8x8-grid anchor.",
          activation: "none",
        },
      ],
      licence: {
        spdx: "Apache-2.0",
        url: "https://github.com/google/mediapipe/blob/master/LICENSE",
        notes: "MediaPipe BlazeFace weights (Apache-2.0); TF.js conversion distributed in @vladmandic/human (MIT).",
      },
      source: { ...HUMAN, upstream: "https://github.com/google/mediapipe" },
      attribution:
        "Bazarevsky et al.: BlazeFace: Sub-millisecond Neural Face Detection on Mobile GPUs (2019), Google " +
        "MediaPipe; converted by Vladimir Mandic for @vladmandic/human.",
    },
  },
];

export const TEXT_EMOTION_MODEL_ID = "text-emotion";

/** Our own model: trained by training/text-emotion/train.ts and committed under assets/. */
export const TEXT_EMOTION_MODEL: OnnxBuiltinModel = {
  onnxFile: () => fileURLToPath(new URL("../assets/text-emotion/model.onnx", import.meta.url)),
  manifest: {
    id: TEXT_EMOTION_MODEL_ID,
    version: "1.0.0",
    task: "text-emotion",
    title: "Text emotion (hashed n-gram linear softmax, GoEmotions Ekman)",
    inputs: [
      {
        name: "ids",
        type: "int64",
        shape: [1, "features"],
        preprocessing: "Hashed word 1-2-grams, character 3-5-grams and shape cues (nodes/nlp/src/text-emotion/featurize.ts).",
      },
      { name: "weights", type: "float32", shape: [1, "features"], preprocessing: "Per-feature weights from the same featurizer." },
    ],
    outputs: [
      {
        name: "scores",
        type: "float32",
        shape: [1, 7],
        description: "Probability of each Ekman emotion (temperature-calibrated softmax).",
        activation: "softmax",
        taxonomy: "ekman7",
        labels: [...TAXONOMY_LABELS.ekman7],
      },
    ],
    licence: { spdx: "Apache-2.0", notes: "Trained by Attune on GoEmotions (Apache-2.0); see assets/text-emotion/MODEL_CARD.md." },
    source: { kind: "trained" },
    attribution: "Demszky et al.: GoEmotions: A Dataset of Fine-Grained Emotions (ACL 2020); Ekman grouping, train split.",
    metrics: [
      { name: "macro-F1", value: 0.5498, dataset: "GoEmotions Ekman dev (5,426 rows)", notes: "argmax; see the model card" },
      { name: "accuracy", value: 0.6675, dataset: "GoEmotions Ekman dev (5,426 rows)" },
    ],
  },
};

export const SILERO_VAD_MODEL_ID = "silero-vad";

/**
 * Silero VAD v5 as shipped (unchanged) in @ricky0123/vad-web's dist/. Stateful: run it frame by frame,
 * feeding each call's `stateN` back as the next `state`.
 */
export const SILERO_VAD_MODEL: OnnxBuiltinModel = {
  onnxFile: () => join(dirname(createRequire(import.meta.url).resolve("@ricky0123/vad-web")), "silero_vad_v5.onnx"),
  manifest: {
    id: SILERO_VAD_MODEL_ID,
    version: "5.0.0",
    task: "voice-activity",
    title: "Silero VAD v5 (voice activity, 16 kHz)",
    inputs: [
      {
        name: "input",
        type: "float32",
        shape: [1, 576],
        range: [-1, 1],
        preprocessing:
          "Mono 16 kHz float samples: the previous frame's last 64 samples (zeros at the start) followed by the next 512 " +
          "samples (32 ms), as silero-vad's OnnxWrapper does.",
      },
      { name: "state", type: "float32", shape: [2, 1, 128], preprocessing: "Zeros for the first frame, then the previous call's stateN." },
      { name: "sr", type: "int64", shape: [], preprocessing: "The sample rate, 16000." },
    ],
    outputs: [
      { name: "output", type: "float32", shape: [1, 1], description: "Probability that the frame contains speech.", activation: "sigmoid" },
      { name: "stateN", type: "float32", shape: [2, 1, 128], description: "Recurrent state to feed into the next frame.", activation: "none" },
    ],
    licence: {
      spdx: "MIT",
      url: "https://github.com/snakers4/silero-vad/blob/master/LICENSE",
      notes: "Silero VAD weights (MIT); the file is distributed in @ricky0123/vad-web (ISC).",
    },
    source: { kind: "npm", package: "@ricky0123/vad-web", packageVersion: "0.0.31", upstream: "https://github.com/snakers4/silero-vad" },
    attribution: "Silero Team: Silero VAD: pre-trained enterprise-grade Voice Activity Detector (2024), version 5.",
  },
};

export const VOCAL_AROUSAL_MODEL_ID = "vocal-arousal";

/** Our own model: trained by training/vocal-arousal/train.ts on EmoDB and committed under assets/. */
export const VOCAL_AROUSAL_MODEL: OnnxBuiltinModel = {
  onnxFile: () => fileURLToPath(new URL("../assets/vocal-arousal/model.onnx", import.meta.url)),
  manifest: {
    id: VOCAL_AROUSAL_MODEL_ID,
    // 2.0.0: input 5 is loudnessMeanRelPeak (gain-independent) instead of loudnessMean (dBFS).
    version: "2.0.0",
    task: "vocal-arousal",
    title: "Vocal arousal (prosodic logistic regression, EmoDB)",
    inputs: [
      {
        name: "features",
        type: "float32",
        shape: ["batch", 11],
        preprocessing:
          "Raw prosodic features of one utterance in the order of assets/vocal-arousal/features.json, computed by " +
          "nodes/audio/src/prosody/features.ts and mapped by nodes/audio/src/vocal-arousal/model-input.ts; the graph standardises them. " +
          "Every feature is independent of recording gain (no absolute dBFS level).",
      },
    ],
    outputs: [
      {
        name: "scores",
        type: "float32",
        shape: ["batch", 2],
        description: "Sigmoid probabilities: [high arousal, negative valence given high arousal].",
        activation: "sigmoid",
        labels: ["highArousal", "negativeGivenHigh"],
      },
    ],
    licence: { spdx: "Apache-2.0", notes: "Trained by Attune on EmoDB (free of charge from its authors); see assets/vocal-arousal/MODEL_CARD.md." },
    source: { kind: "trained" },
    attribution: "Burkhardt et al.: A Database of German Emotional Speech (Interspeech 2005); 8 speakers, leave-one-speaker-out.",
    metrics: [
      { name: "accuracy", value: 0.8958, dataset: "EmoDB high vs low arousal, leave-one-speaker-out (8 folds, 408 clips)", notes: "as heard" },
      { name: "accuracy", value: 0.9453, dataset: "EmoDB high vs low arousal, leave-one-speaker-out (8 folds, 408 clips)", notes: "speaker-normalised" },
      { name: "balanced-accuracy", value: 0.6729, dataset: "EmoDB high-arousal clips, anger/fear/disgust vs happiness, leave-one-speaker-out" },
      { name: "max-arousal-spread", value: 0.0002, dataset: "EmoDB, all 408 clips re-scored at 0, -6, -12, -18, -24 dB gain", notes: "gain robustness: largest max - min of the arousal score" },
    ],
  },
};

/** Every model setup prepares, in the order it prepares them. */
export const BUILTIN_MODELS: readonly BuiltinModel[] = [...HUMAN_MODELS, TEXT_EMOTION_MODEL, FACE_API_EXPRESSION_MODEL, SILERO_VAD_MODEL, VOCAL_AROUSAL_MODEL];
