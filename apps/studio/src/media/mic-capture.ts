import { resampleLinear } from "./wav";

/** The sample rate the audio nodes work at; recordings are sent at this rate to keep uploads small. */
export const SEND_RATE = 16_000;

// Runs on the audio thread: copies input blocks and posts them in ~85 ms batches.
const TAP_SOURCE = `
class AttunePcmTap extends AudioWorkletProcessor {
  constructor() { super(); this.buffer = new Float32Array(4096); this.filled = 0; }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) {
      let offset = 0;
      while (offset < channel.length) {
        const n = Math.min(channel.length - offset, this.buffer.length - this.filled);
        this.buffer.set(channel.subarray(offset, offset + n), this.filled);
        this.filled += n; offset += n;
        if (this.filled === this.buffer.length) { this.port.postMessage(this.buffer.slice(0)); this.filled = 0; }
      }
    }
    return true;
  }
}
registerProcessor("attune-pcm-tap", AttunePcmTap);
`;

/**
 * Records the microphone as raw PCM (Web Audio worklet), so the studio can both stream short WAV
 * windows while the person speaks and hand over the whole take when they stop. Browser voice
 * processing (echo cancellation, noise suppression, auto gain) is off: it distorts loudness and pitch.
 */
export class MicCapture {
  private stream: MediaStream | null = null;
  private context: AudioContext | null = null;
  private chunks: Float32Array[] = [];
  private length = 0;
  /** RMS of the latest block, for a level meter. */
  level = 0;

  get sampleRate(): number {
    return this.context?.sampleRate ?? SEND_RATE;
  }

  get seconds(): number {
    return this.length / this.sampleRate;
  }

  async start(): Promise<void> {
    if (!navigator.mediaDevices?.getUserMedia) throw new Error("this browser cannot record audio (no getUserMedia; the page must be served over https or localhost)");
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
    const context = new AudioContext();
    this.context = context;
    const url = URL.createObjectURL(new Blob([TAP_SOURCE], { type: "text/javascript" }));
    try {
      await context.audioWorklet.addModule(url);
    } finally {
      URL.revokeObjectURL(url);
    }
    const source = context.createMediaStreamSource(this.stream);
    const tap = new AudioWorkletNode(context, "attune-pcm-tap", { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1, channelCountMode: "explicit" });
    tap.port.onmessage = (event: MessageEvent<Float32Array>) => {
      const block = event.data;
      this.chunks.push(block);
      this.length += block.length;
      let sum = 0;
      for (let i = 0; i < block.length; i++) sum += block[i]! * block[i]!;
      this.level = Math.sqrt(sum / Math.max(1, block.length));
    };
    // A muted path to the destination keeps the graph pulling samples through the tap.
    const mute = context.createGain();
    mute.gain.value = 0;
    source.connect(tap).connect(mute).connect(context.destination);
  }

  /** The last `seconds` of the take (or all of it), mono at SEND_RATE. */
  tail(seconds?: number): Float32Array {
    const want = seconds === undefined ? this.length : Math.min(this.length, Math.round(seconds * this.sampleRate));
    const out = new Float32Array(want);
    let offset = want;
    for (let i = this.chunks.length - 1; i >= 0 && offset > 0; i--) {
      const chunk = this.chunks[i]!;
      const n = Math.min(chunk.length, offset);
      out.set(chunk.subarray(chunk.length - n), offset - n);
      offset -= n;
    }
    return resampleLinear(out, this.sampleRate, SEND_RATE);
  }

  async stop(): Promise<void> {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    await this.context?.close().catch(() => undefined);
  }
}
