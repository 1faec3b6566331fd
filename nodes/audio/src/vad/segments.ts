/**
 * Frame probabilities -> speech segments, following silero-vad's get_speech_timestamps: speech
 * starts when a frame reaches `threshold`, and ends only after `minSilenceMs` below a lower
 * threshold (threshold - 0.15), which keeps short dips inside words from splitting them; segments
 * shorter than `minSpeechMs` are dropped; each is padded by `speechPadMs`, splitting the gap when
 * two padded segments would overlap.
 */
import type { SpeechSegment } from "@attune/graph";

export interface SegmentOptions {
  threshold: number;
  minSpeechMs: number;
  minSilenceMs: number;
  speechPadMs: number;
}

export function speechSegments(probs: ArrayLike<number>, frameSamples: number, sampleRate: number, totalSamples: number, o: SegmentOptions): SpeechSegment[] {
  const negThreshold = Math.max(o.threshold - 0.15, 0.01);
  const minSpeech = (sampleRate * o.minSpeechMs) / 1000;
  const minSilence = (sampleRate * o.minSilenceMs) / 1000;
  const pad = (sampleRate * o.speechPadMs) / 1000;
  const spans: { start: number; end: number }[] = [];
  let triggered = false;
  let start = 0;
  let tempEnd = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i]!;
    const at = i * frameSamples;
    if (p >= o.threshold && tempEnd) tempEnd = 0;
    if (p >= o.threshold && !triggered) {
      triggered = true;
      start = at;
      continue;
    }
    if (p < negThreshold && triggered) {
      if (!tempEnd) tempEnd = at;
      if (at - tempEnd < minSilence) continue;
      if (tempEnd - start > minSpeech) spans.push({ start, end: tempEnd });
      triggered = false;
      tempEnd = 0;
    }
  }
  if (triggered && totalSamples - start > minSpeech) spans.push({ start, end: totalSamples });
  // Mean probability over the detected frames, before padding adds silence to either side.
  const meanProbability = spans.map((s) => {
    const f0 = Math.floor(s.start / frameSamples);
    const f1 = Math.max(f0 + 1, Math.min(probs.length, Math.ceil(s.end / frameSamples)));
    let sum = 0;
    for (let f = f0; f < f1; f++) sum += probs[f] ?? 0;
    return sum / (f1 - f0);
  });

  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (i === 0) s.start = Math.max(0, s.start - pad);
    const next = spans[i + 1];
    if (next) {
      const gap = next.start - s.end;
      if (gap < 2 * pad) {
        s.end += Math.floor(gap / 2);
        next.start = Math.max(0, next.start - Math.floor(gap / 2));
      } else {
        s.end = Math.min(totalSamples, s.end + pad);
        next.start = Math.max(0, next.start - pad);
      }
    } else s.end = Math.min(totalSamples, s.end + pad);
  }

  const r = (v: number) => Math.round(v * 1000) / 1000;
  return spans.map((s, i) => ({ start: r(s.start / sampleRate), end: r(s.end / sampleRate), probability: r(meanProbability[i]!) }));
}
