/**
 * Live webcam and microphone previews: a new frame is sent only when the previous one has finished.
 * Frames offered while one is in flight are dropped, never queued, so what is shown never lags
 * behind what the camera sees by more than one run.
 */
export class FrameGate {
  private busy = false;
  private sent = 0;
  private dropped = 0;
  /** Completion times of recent runs, for frames per second. */
  private done: number[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * Runs `send` unless a frame is in flight (then the frame is dropped and false returned).
   * `capture` runs only when the frame will be sent, so dropped frames cost nothing to encode.
   */
  offer<T>(capture: () => Promise<T | null> | T | null, send: (frame: T) => Promise<unknown>): boolean {
    if (this.busy) {
      this.dropped += 1;
      return false;
    }
    this.busy = true;
    void (async () => {
      try {
        const frame = await capture();
        if (frame === null) return;
        this.sent += 1;
        await send(frame);
        this.done.push(this.now());
      } catch {
        // A failed frame is reported by the run itself; the next one tries again.
      } finally {
        this.busy = false;
      }
    })();
    return true;
  }

  get inFlight(): boolean {
    return this.busy;
  }

  /** Completed runs per second over the last `windowMs`. */
  fps(windowMs = 3000): number {
    const now = this.now();
    this.done = this.done.filter((t) => now - t <= windowMs);
    if (this.done.length < 2) return this.done.length === 1 ? 1000 / windowMs : 0;
    const span = Math.max(now - this.done[0]!, 1);
    return (this.done.length / span) * 1000;
  }

  stats(): { sent: number; dropped: number } {
    return { sent: this.sent, dropped: this.dropped };
  }
}
