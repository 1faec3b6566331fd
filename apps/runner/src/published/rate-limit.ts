/**
 * Per-key token buckets: each key may burst up to `burst` calls, refilled at `perSecond`. Buckets
 * exist only for keys that authenticated, so the map is bounded by the number of real keys, not by
 * whatever an attacker sends.
 */
export interface RateLimit {
  /** Sustained calls per second per key; 0 turns limiting off. */
  perSecond: number;
  /** Calls a key may make at once after being idle. */
  burst: number;
}

export type TakeResult = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

/** What take() answers when limiting is off: one shared object, not one per call. */
const UNLIMITED: TakeResult = Object.freeze({ ok: true, remaining: Number.POSITIVE_INFINITY });

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (limit.perSecond < 0 || !Number.isFinite(limit.perSecond)) throw new RangeError("perSecond must be a finite number >= 0");
    if (limit.perSecond > 0 && !(limit.burst >= 1)) throw new RangeError("burst must be at least 1");
  }

  get enabled(): boolean {
    return this.limit.perSecond > 0;
  }

  take(key: string): TakeResult {
    if (!this.enabled) return UNLIMITED;
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.limit.burst, updatedAt: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.limit.perSecond);
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true, remaining: Math.floor(bucket.tokens) };
    }
    // Whole seconds, rounded up, as Retry-After requires; never 0, which would invite a hot loop.
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perSecond)) };
  }
}
