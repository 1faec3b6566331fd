import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, sha256Hex, sha256HexBytes } from "./hash";

// node:crypto is only the reference here; the code under test must stay browser-safe.
const reference = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describe("sha256Hex", () => {
  it("matches the FIPS 180-2 / NIST test vectors", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
    expect(
      sha256Hex(
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      ),
    ).toBe("cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    expect(sha256Hex("a".repeat(1_000_000))).toBe("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  });

  it("agrees with node:crypto at every padding boundary", () => {
    for (let length = 0; length <= 200; length++) {
      const text = "x".repeat(length);
      expect(sha256Hex(text), `length ${length}`).toBe(reference(text));
    }
  });

  it("hashes the UTF-8 encoding of non-ASCII text", () => {
    for (const text of ["héllo", "日本語のテキスト", "I 😍 it 🎉", "mixed \u00e9\u4e2d\ud83d\ude00 end", "lone \ud800 surrogate"]) {
      expect(sha256Hex(text)).toBe(reference(text));
    }
  });

  it("hashes bytes the same as the equivalent text", () => {
    expect(sha256HexBytes(new TextEncoder().encode("abc"))).toBe(sha256Hex("abc"));
  });

  it("gives the same answer after hashing something large in between (no leaked scratch state)", () => {
    const before = sha256Hex("short");
    sha256Hex("é".repeat(600_000));
    expect(sha256Hex("short")).toBe(before);
  });
});

describe("canonicalJson", () => {
  it("sorts object keys at every depth and is whitespace-free", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: "x" } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });

  it("is valid JSON that round-trips to an equal value", () => {
    const value = { text: 'quote " and \\ and \n and 😀', n: -1.5e-7, t: true, f: false, z: null, list: [1, "two"] };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });

  it("omits undefined properties, writes undefined array items as null, and folds -0 into 0", () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson([undefined, 1])).toBe("[null,1]");
    expect(canonicalJson(-0)).toBe("0");
  });

  it("rejects values JSON cannot represent instead of colliding them with null", () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/NaN at \(root\)\.a/);
    expect(() => canonicalJson([Infinity])).toThrow(/Infinity at \(root\)\[0\]/);
    expect(() => canonicalJson({ big: 1n })).toThrow(/bigint/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/);
    expect(() => canonicalJson(new Map())).toThrow(/Map/);
  });

  it("rejects cycles but allows the same object twice side by side", () => {
    const shared = { x: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"x":1},{"x":1}]');
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic["self"] = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cyclic/);
    // The failed call must not poison the next one.
    expect(canonicalJson({ a: 1 })).toBe('{"a":1}');
  });

  it("honours toJSON (dates) and writes typed arrays as type, size and digest", () => {
    expect(canonicalJson({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
    const a = canonicalJson(new Float32Array([0.5, -1]));
    expect(JSON.parse(a)).toEqual({ $bytes: "Float32Array", byteLength: 8, sha256: createHash("sha256").update(new Uint8Array(new Float32Array([0.5, -1]).buffer)).digest("hex") });
    expect(canonicalJson(new Float32Array([0.5, -1]))).toBe(a);
    expect(canonicalJson(new Float32Array([0.5, -2]))).not.toBe(a);
    // Same bytes, different element type: different value.
    expect(canonicalJson(new Uint8Array(new Float32Array([0.5, -1]).buffer))).not.toBe(a);
    // A view hashes only its own window of the buffer.
    const buffer = new Uint8Array([9, 1, 2, 3, 9]);
    expect(canonicalJson(buffer.subarray(1, 4))).toBe(canonicalJson(new Uint8Array([1, 2, 3])));
    expect(canonicalJson(new Uint8Array([1, 2, 3]))).toBe(
      `{"$bytes":"Uint8Array","byteLength":3,"sha256":"${createHash("sha256").update(new Uint8Array([1, 2, 3])).digest("hex")}"}`,
    );
  });
});
