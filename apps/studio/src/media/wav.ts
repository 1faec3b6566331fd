/** Encodes mono float32 samples in [-1, 1] as a 16-bit PCM WAV file. */
export function encodeWav(samples: Float32Array, sampleRate: number): Blob {
  const buffer = new ArrayBuffer(44 + samples.length * 2);
  const view = new DataView(buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
  };
  ascii(0, "RIFF");
  view.setUint32(4, 36 + samples.length * 2, true);
  ascii(8, "WAVEfmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    view.setInt16(44 + i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
  }
  return new Blob([buffer], { type: "audio/wav" });
}

/**
 * Linear-interpolation resampling with a box pre-filter when shrinking: enough for speech
 * features at 16 kHz (the runner resamples properly anyway; this only keeps uploads small).
 */
export function resampleLinear(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return input;
  const ratio = fromRate / toRate;
  const out = new Float32Array(Math.floor(input.length / ratio));
  const half = ratio > 1 ? Math.floor(ratio / 2) : 0;
  for (let i = 0; i < out.length; i++) {
    const center = i * ratio;
    if (half > 0) {
      let sum = 0;
      let n = 0;
      const c = Math.round(center);
      for (let k = Math.max(0, c - half); k <= Math.min(input.length - 1, c + half); k++) {
        sum += input[k]!;
        n++;
      }
      out[i] = n > 0 ? sum / n : 0;
    } else {
      const j = Math.floor(center);
      const f = center - j;
      out[i] = (input[j] ?? 0) * (1 - f) + (input[j + 1] ?? input[j] ?? 0) * f;
    }
  }
  return out;
}
