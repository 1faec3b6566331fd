/**
 * A voice-like test signal: a glottal-pulse-ish harmonic series (20 harmonics, 1/k amplitudes) with
 * an exponential F0 glide and a 4 Hz syllable envelope. Used by node examples (the contract test runs
 * every node on its example) and by tests that need known pitch without a speech synthesiser.
 */
export function syntheticVoice(options: { seconds: number; f0Start: number; f0End?: number; sampleRate?: number; amplitude?: number; syllableHz?: number }): Float32Array {
  const rate = options.sampleRate ?? 16_000;
  const n = Math.round(options.seconds * rate);
  const f0End = options.f0End ?? options.f0Start;
  const amp = options.amplitude ?? 0.3;
  const syll = options.syllableHz ?? 4;
  const out = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const f = options.f0Start * (f0End / options.f0Start) ** (i / n);
    phase += (2 * Math.PI * f) / rate;
    let v = 0;
    for (let k = 1; k <= 20 && k * f < rate / 2; k++) v += Math.sin(k * phase) / k;
    const env = syll > 0 ? 0.55 + 0.45 * Math.sin((2 * Math.PI * syll * i) / rate) : 1;
    out[i] = amp * 0.5 * v * env;
  }
  return out;
}
