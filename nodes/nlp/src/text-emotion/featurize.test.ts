import { describe, expect, it } from "vitest";
import { DEFAULT_FEATURIZER_CONFIG, featurize, murmur3, parseFeaturizerConfig, tokenize } from "./featurize";

const config = DEFAULT_FEATURIZER_CONFIG;

describe("text-emotion featurizer", () => {
  it("hashes with MurmurHash3 x86_32 over UTF-16LE bytes (values checked against an independent Python implementation)", () => {
    expect(murmur3("", 0)).toBe(0);
    expect(murmur3("a", 0)).toBe(1867108634);
    expect(murmur3("abc", 0)).toBe(1118836419);
    expect(murmur3("abcd", 0)).toBe(1157274932);
    expect(murmur3("hello", 0)).toBe(3619887497);
    expect(murmur3("", config.seed)).toBe(2657073152);
    expect(murmur3("w\x01furious", config.seed)).toBe(836900313);
  });

  it("tokenises words, emoji, ! and ? and records shouting cues", () => {
    expect(tokenize("I am SO furious!!", 4000)).toEqual({ tokens: ["i", "am", "so", "furious", "!", "!"], shape: ["caps1", "bang2"] });
    expect(tokenize("Don’t   do that 😡?", 4000).tokens).toEqual(["don't", "do", "that", "😡", "?"]);
    expect(tokenize("WHY THE HELL", 4000).shape).toEqual(["caps2"]);
    expect(tokenize("...", 4000)).toEqual({ tokens: [], shape: ["empty"] });
    expect(tokenize("abcdef", 3).tokens).toEqual(["abc"]);
  });

  it("is deterministic and returns sorted unique ids within the bucket range", () => {
    const text = "What a lovely surprise, thank you SO much!! 😍";
    const a = featurize(text, config);
    const b = featurize(text, config);
    expect(Array.from(a.ids)).toEqual(Array.from(b.ids));
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    expect(a.ids.length).toBe(a.weights.length);
    for (let i = 1; i < a.ids.length; i++) expect(a.ids[i]!).toBeGreaterThan(a.ids[i - 1]!);
    expect(a.ids[0]!).toBeGreaterThanOrEqual(0);
    expect(a.ids[a.ids.length - 1]!).toBeLessThan(config.buckets);
  });

  it("keeps its golden output (a change here silently invalidates the trained model)", () => {
    const f = featurize("I am SO furious!!", config);
    expect(f.ids.length).toBe(38);
    expect(Array.from(f.ids.slice(0, 5))).toEqual([17735, 18869, 45481, 47446, 60740]);
    expect(f.weights[0]).toBeCloseTo(0.18943353, 6);
    // Sum of squared weights = sum of squared group scales when no buckets collide across groups.
    const g = config.groupWeights;
    const sq = Array.from(f.weights).reduce((s, w) => s + w * w, 0);
    expect(sq).toBeCloseTo(g.words ** 2 + g.bigrams ** 2 + g.chars ** 2 + g.shape ** 2, 4);
  });

  it("treats case, curly apostrophes and full-width letters alike apart from the shouting cue", () => {
    const ids = (s: string) => Array.from(featurize(s, { ...config, groupWeights: { ...config.groupWeights, shape: 0 } }).ids);
    expect(ids("I don’t care")).toEqual(ids("i don't care"));
    expect(ids("ｈａｐｐｙ")).toEqual(ids("happy"));
    expect(ids("happy")).not.toEqual(ids("unhappy"));
  });

  it("always yields at least one feature, so the model never sees an empty tensor", () => {
    const f = featurize("", config);
    expect(f.ids.length).toBe(1);
    expect(f.weights[0]).toBeCloseTo(config.groupWeights.shape, 6);
  });

  it("parses a valid config and rejects a drifted one with a clear message", () => {
    expect(parseFeaturizerConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
    expect(() => parseFeaturizerConfig({ ...config, version: 2 })).toThrow("unsupported version 2");
    expect(() => parseFeaturizerConfig({ ...config, buckets: 0 })).toThrow("buckets must be an integer >= 1");
    expect(() => parseFeaturizerConfig({ ...config, charNgrams: [5, 3] })).toThrow("charNgrams max < min");
  });
});
