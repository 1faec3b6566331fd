/**
 * Content addressing for plans and results. SHA-256 is written out in plain JS because cache keys
 * are computed synchronously in compile() in both the browser and Node: WebCrypto's digest is
 * async only and `node:crypto` does not exist in the browser.
 */

// Int32Array rather than Uint32Array keeps every value a small integer, so V8 never falls back
// to doubles in the round loop.
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

// Scratch space reused across calls: hashing is synchronous, so no two calls can interleave, and
// reusing it avoids an allocation per 64-byte block.
const W = new Int32Array(64);
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function compress(h: Int32Array, bytes: Uint8Array, offset: number): void {
  for (let t = 0; t < 16; t++) {
    const i = offset + t * 4;
    W[t] = (bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!;
  }
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15]!;
    const w2 = W[t - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[t] = (W[t - 16]! + s0 + W[t - 7]! + s1) | 0;
  }
  let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, hh = h[7]!;
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (hh + S1 + ch + K[t]! + W[t]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + hh) | 0;
}

/** SHA-256 of raw bytes as a 64-character lowercase hex string. */
export function sha256HexBytes(bytes: Uint8Array): string {
  return digest(bytes, bytes.length);
}

/** SHA-256 of a string's UTF-8 encoding, as a 64-character lowercase hex string. */
export function sha256Hex(text: string): string {
  return digest(utf8(text), utf8Length);
}

// UTF-8 goes into a reused buffer with encodeInto: TextEncoder.encode allocates per call, and a
// hand-written encoder loop was ten times slower than encodeInto on cache-key sized strings.
const encoder = new TextEncoder();
let scratch = new Uint8Array(4096);
let utf8Length = 0;

function utf8(text: string): Uint8Array {
  // UTF-16 code units become at most 3 bytes each, so this size always fits the whole string.
  const worst = text.length * 3;
  let out = scratch;
  if (out.length < worst) {
    // Keep the reused buffer small: a one-off huge input (a base64 clip) gets its own buffer.
    out = new Uint8Array(worst);
    if (worst <= 1 << 20) scratch = out;
  }
  utf8Length = encoder.encodeInto(text, out).written;
  return out;
}

const H = new Int32Array(8);
const TAIL = new Uint8Array(128);

function digest(bytes: Uint8Array, length: number): string {
  const h = H;
  h[0] = 0x6a09e667; h[1] = 0xbb67ae85 | 0; h[2] = 0x3c6ef372; h[3] = 0xa54ff53a | 0;
  h[4] = 0x510e527f; h[5] = 0x9b05688c | 0; h[6] = 0x1f83d9ab; h[7] = 0x5be0cd19;
  const fullBlocks = Math.floor(length / 64);
  for (let i = 0; i < fullBlocks; i++) compress(h, bytes, i * 64);

  // Only the tail is copied for padding, so hashing a large buffer never duplicates it.
  const rest = length - fullBlocks * 64;
  const end = rest + 9 > 64 ? 128 : 64;
  const tail = TAIL;
  tail.fill(0);
  tail.set(bytes.subarray(fullBlocks * 64, length));
  tail[rest] = 0x80;
  const bitsHigh = Math.floor(length / 0x20000000);
  const bitsLow = (length << 3) >>> 0;
  tail[end - 8] = bitsHigh >>> 24;
  tail[end - 7] = bitsHigh >>> 16;
  tail[end - 6] = bitsHigh >>> 8;
  tail[end - 5] = bitsHigh;
  tail[end - 4] = bitsLow >>> 24;
  tail[end - 3] = bitsLow >>> 16;
  tail[end - 2] = bitsLow >>> 8;
  tail[end - 1] = bitsLow;
  for (let off = 0; off < end; off += 64) compress(h, tail, off);

  let out = "";
  for (let i = 0; i < 8; i++) {
    const v = h[i]!;
    out += HEX[(v >>> 24) & 0xff]! + HEX[(v >>> 16) & 0xff]! + HEX[(v >>> 8) & 0xff]! + HEX[v & 0xff]!;
  }
  return out;
}

/**
 * Deterministic JSON for hashing: object keys sorted, no whitespace. Follows JSON.stringify where
 * that is safe (object properties that are `undefined` are omitted, `undefined` in arrays becomes
 * `null`, `toJSON` is honoured, -0 becomes 0) and throws a TypeError where JSON.stringify would
 * silently collide two different values: NaN, ±Infinity, bigint, functions, symbols, Map, Set,
 * cyclic structures and a top-level `undefined`. Typed arrays and ArrayBuffers (audio, images)
 * are written as `{"$bytes":"<Type>","byteLength":n,"sha256":"<hex>"}`: equal bytes of the same
 * type give equal JSON, without spelling out megabytes of samples.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) throw new TypeError("canonicalJson: undefined has no JSON form");
  return write(value, []);
}

// `path` is the stack of keys leading to `value`; it is only formatted when something throws,
// because building a path string per property was most of the cost of hashing a plan.
function write(value: unknown, path: PropertyKey[]): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw unsupported(String(value), path);
      return Object.is(value, -0) ? "0" : String(value);
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
      return "null";
    case "object":
      break;
    default:
      throw unsupported(`a ${typeof value}`, path);
  }
  if (value === null) return "null";
  if (ancestors.includes(value)) throw new TypeError(`canonicalJson: cyclic structure at ${formatKeys(path)}`);

  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return bytesJson(value);
  if (value instanceof Map || value instanceof Set) throw unsupported(`a ${value.constructor.name}`, path);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    const replaced: unknown = toJSON.call(value);
    if (replaced === undefined) throw unsupported("toJSON() returning undefined", path);
    return write(replaced, path);
  }

  let out: string;
  ancestors.push(value);
  try {
    if (Array.isArray(value)) {
      out = "[";
      for (let i = 0; i < value.length; i++) {
        if (i > 0) out += ",";
        path.push(i);
        out += write(value[i], path);
        path.pop();
      }
      out += "]";
    } else {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      out = "{";
      for (const key of keys) {
        const v = record[key];
        if (v === undefined) continue;
        if (out.length > 1) out += ",";
        path.push(key);
        out += JSON.stringify(key) + ":" + write(v, path);
        path.pop();
      }
      out += "}";
    }
  } finally {
    ancestors.pop();
  }
  return out;
}

// Objects currently being written, outermost first, for cycle detection. Depth is small in
// practice, so a linear scan beats allocating a Set per call; calls are synchronous, so sharing
// it between calls is safe (try/finally keeps it balanced when a value throws).
const ancestors: object[] = [];

function unsupported(what: string, path: PropertyKey[]): TypeError {
  return new TypeError(`canonicalJson: ${what} at ${formatKeys(path)} has no JSON form`);
}

function formatKeys(path: readonly PropertyKey[]): string {
  let out = "(root)";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : `.${String(key)}`;
  return out;
}

// Binary data is written as its type, size and SHA-256 rather than its contents: the JSON is only
// ever hashed, and base64-encoding a webcam frame in JS took over 100 ms where hashing its bytes
// takes a few.
function bytesJson(value: ArrayBufferView | ArrayBuffer): string {
  const bytes =
    value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return `{"$bytes":${JSON.stringify(value.constructor.name)},"byteLength":${bytes.length},"sha256":"${sha256HexBytes(bytes)}"}`;
}
