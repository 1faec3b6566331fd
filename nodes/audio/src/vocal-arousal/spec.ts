import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";

const runInputName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "use letters, digits and '_', not starting with a digit");

export const vocalArousalParams = z.object({
  /** A fixed speaker id; per-speaker normalisation runs when this or the run input below is set. */
  speakerId: z.string().max(128).default(""),
  /** Run input that carries the speaker id per request (overrides `speakerId` when present). */
  speakerRunInput: runInputName.default("speaker"),
  /** Probability of "negative given high arousal" above which the angry-like flag can rise. */
  negativeThreshold: z.number().min(0).max(1).default(0.5),
  /** Arousal above which the angry-like flag can rise. */
  arousalThreshold: z.number().min(0).max(1).default(0.5),
});

export type VocalArousalParams = z.infer<typeof vocalArousalParams>;

export const vocalArousalSpec = defineNodeSpec({
  type: "audio.vocal-arousal",
  version: 1,
  family: "audio",
  title: "Vocal arousal",
  description:
    "How activated a voice sounds (0 calm .. 1 agitated), from prosody, with Attune's own model trained on EmoDB (German " +
    "acted speech; 90% high- vs low-arousal accuracy on unseen speakers, see its model card). Independent of recording " +
    "level: loudness counts only relative to the clip's own speech peak. With a speaker id, features are normalised per " +
    "speaker across the session, which removes differences between voices (e.g. pitch). Also " +
    "flags high-arousal voices that sound negative (angry-like); that cue is weak on its own.",
  inputs: [{ id: "prosody", label: "Prosody", accepts: "prosody" }],
  outputs: [
    { id: "arousal", label: "Arousal", type: "number", description: "Probability in [0, 1] that the voice is high-arousal." },
    {
      id: "valenceArousal",
      label: "Valence/arousal",
      type: "valence-arousal",
      description: "arousal = 2p - 1; valence = -p (2q - 1) with q the negative-given-high probability: calm voices read valence 0 (unknown).",
    },
    { id: "highArousalNegative", label: "Angry-like", type: "boolean", description: "High arousal and negative-sounding." },
  ],
  params: vocalArousalParams,
  // Per-speaker statistics live in session state, so the same prosody can score differently later.
  cacheable: false,
  // Declared for the purpose guard (EU AI Act Art. 5(1)(f) covers face and voice).
  infers: ["emotion-from-voice"],
  keywords: ["arousal", "activation", "anger", "agitation", "escalation", "voice", "emotion", "speech", "audio", "emodb"],
});
