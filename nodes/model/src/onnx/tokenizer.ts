/**
 * A small, documented subset of Hugging Face `tokenizer.json` (the `tokenizers` library format),
 * enough for BERT-style WordPiece and GPT-2/RoBERTa-style byte-level BPE text classifiers:
 *
 *  - model: `WordPiece` (greedy longest match, `continuing_subword_prefix`, `unk_token`,
 *    `max_input_chars_per_word`) or `BPE` (merges by rank; with the `ByteLevel` pre-tokenizer).
 *  - normalizer: none, `BertNormalizer` (clean_text, lowercase, strip_accents), `Lowercase`,
 *    `NFC`/`NFD`/`NFKC`/`NFKD`, `StripAccents`, or a `Sequence` of those.
 *  - pre_tokenizer: none, `BertPreTokenizer`, `Whitespace`, `WhitespaceSplit`, `ByteLevel`
 *    (GPT-2 split pattern; `add_prefix_space`), or a `Sequence` of those.
 *  - post_processor: none, `BertProcessing`, `RobertaProcessing`, `TemplateProcessing` (single
 *    sequence template), `ByteLevel` (no effect on ids).
 *
 * Anything else (Unigram/SentencePiece models, Metaspace, Replace/Precompiled normalizers, ...) is
 * refused with a message naming the unsupported part, at upload time, so it never fails mid-run.
 * Added tokens written literally in the input text are not matched as special tokens.
 * Pure TS, no dependencies: safe to use in the runner and in tests.
 */

export interface Encoding {
  ids: number[];
  /** Segment ids (all 0 for a single sequence). */
  typeIds: number[];
}

export interface Tokenizer {
  /** What the model section is: "WordPiece" or "BPE". */
  kind: string;
  encode(text: string, maxLength: number): Encoding;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function fail(message: string): never {
  throw new Error(`unsupported tokenizer.json: ${message}`);
}

// --- normalizers ---------------------------------------------------------------------------

type Normalize = (s: string) => string;
const stripAccents: Normalize = (s) => s.normalize("NFD").replace(/\p{Mn}/gu, "");

function normalizer(spec: unknown): Normalize {
  if (spec === null || spec === undefined) return (s) => s;
  if (!isObj(spec)) fail("normalizer is not an object");
  switch (spec.type) {
    case "BertNormalizer": {
      const lowercase = spec.lowercase !== false;
      const strip = spec.strip_accents === null || spec.strip_accents === undefined ? lowercase : spec.strip_accents === true;
      const clean = spec.clean_text !== false;
      const chinese = spec.handle_chinese_chars !== false;
      return (s) => {
        let t = s;
        // eslint-disable-next-line no-control-regex
        if (clean) t = t.replace(/[\u0000\ufffd]|[\p{Cc}\p{Cf}](?<![\t\n\r])/gu, "").replace(/\s/g, " ");
        if (chinese) t = t.replace(/[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]/g, (c) => ` ${c} `);
        if (strip) t = stripAccents(t);
        if (lowercase) t = t.toLowerCase();
        return t;
      };
    }
    case "Lowercase": return (s) => s.toLowerCase();
    case "StripAccents": return stripAccents;
    case "NFC": case "NFD": case "NFKC": case "NFKD": {
      const form = spec.type;
      return (s) => s.normalize(form);
    }
    case "Sequence": {
      if (!Array.isArray(spec.normalizers)) fail("Sequence normalizer without a list");
      const steps = spec.normalizers.map(normalizer);
      return (s) => steps.reduce((t, f) => f(t), s);
    }
    default: return fail(`normalizer type ${String(spec.type)} (supported: BertNormalizer, Lowercase, StripAccents, NFC, NFD, NFKC, NFKD, Sequence)`);
  }
}

// --- pre-tokenizers ------------------------------------------------------------------------

type PreTokenize = (pieces: string[]) => string[];
const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2's byte -> printable character table. */
function byteEncoder(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const table: string[] = new Array(256);
  let n = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCharCode(bs.includes(b) ? b : 256 + n++);
  return table;
}

function preTokenizer(spec: unknown, flags: { byteLevel: boolean }): PreTokenize {
  if (spec === null || spec === undefined) return (p) => p;
  if (!isObj(spec)) fail("pre_tokenizer is not an object");
  switch (spec.type) {
    case "BertPreTokenizer":
    case "Whitespace":
      // Whitespace splits on \w+|[^\w\s]+; BERT splits off every punctuation character.
      return (pieces) =>
        pieces.flatMap((p) => p.match(spec.type === "Whitespace" ? /[\p{L}\p{N}_\p{M}]+|[^\p{L}\p{N}_\p{M}\s]+/gu : /[\p{L}\p{N}\p{M}]+|[^\p{L}\p{N}\p{M}\s]/gu) ?? []);
    case "WhitespaceSplit": return (pieces) => pieces.flatMap((p) => p.split(/\s+/).filter(Boolean));
    case "ByteLevel": {
      flags.byteLevel = true;
      const prefix = spec.add_prefix_space === true;
      const useRegex = spec.use_regex !== false;
      const table = byteEncoder();
      const utf8 = new TextEncoder();
      return (pieces) =>
        pieces.flatMap((p) => {
          const text = prefix && !p.startsWith(" ") ? ` ${p}` : p;
          const parts = useRegex ? (text.match(GPT2_SPLIT) ?? []) : [text];
          return parts.map((part) => Array.from(utf8.encode(part), (b) => table[b]!).join(""));
        });
    }
    case "Sequence": {
      if (!Array.isArray(spec.pretokenizers)) fail("Sequence pre_tokenizer without a list");
      const steps = spec.pretokenizers.map((s: unknown) => preTokenizer(s, flags));
      return (pieces) => steps.reduce((p, f) => f(p), pieces);
    }
    default: return fail(`pre_tokenizer type ${String(spec.type)} (supported: BertPreTokenizer, Whitespace, WhitespaceSplit, ByteLevel, Sequence)`);
  }
}

// --- models --------------------------------------------------------------------------------

type Model = (word: string) => number[];

function vocabOf(model: Json): Map<string, number> {
  if (!isObj(model.vocab)) fail(`${String(model.type)} model without a vocab object`);
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(model.vocab)) {
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0) fail(`vocab id of '${token}' is not a non-negative integer`);
    vocab.set(token, id);
  }
  if (vocab.size === 0) fail("the vocab is empty");
  return vocab;
}

function wordPiece(model: Json): Model {
  const vocab = vocabOf(model);
  const unk = typeof model.unk_token === "string" ? model.unk_token : "[UNK]";
  const unkId = vocab.get(unk);
  if (unkId === undefined) fail(`unk_token '${unk}' is not in the vocab`);
  const prefix = typeof model.continuing_subword_prefix === "string" ? model.continuing_subword_prefix : "##";
  const maxChars = typeof model.max_input_chars_per_word === "number" ? model.max_input_chars_per_word : 100;
  return (word) => {
    const chars = Array.from(word);
    if (chars.length > maxChars) return [unkId];
    const ids: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: number | undefined;
      while (start < end) {
        const piece = (start > 0 ? prefix : "") + chars.slice(start, end).join("");
        found = vocab.get(piece);
        if (found !== undefined) break;
        end--;
      }
      if (found === undefined) return [unkId];
      ids.push(found);
      start = end;
    }
    return ids;
  };
}

function bpe(model: Json, flags: { byteLevel: boolean }): Model {
  const vocab = vocabOf(model);
  if (!Array.isArray(model.merges)) fail("BPE model without a merges list");
  const ranks = new Map<string, number>();
  model.merges.forEach((m: unknown, rank: number) => {
    const pair = typeof m === "string" ? m.split(" ") : Array.isArray(m) ? m : [];
    if (pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string") fail(`merge #${rank} is not a pair`);
    ranks.set(`${pair[0]}\u0000${pair[1]}`, rank);
  });
  if (!flags.byteLevel) fail("BPE is supported with the ByteLevel pre_tokenizer only (GPT-2/RoBERTa style)");
  const unk = typeof model.unk_token === "string" ? vocab.get(model.unk_token) : undefined;
  return (word) => {
    let parts = Array.from(word);
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < parts.length; i++) {
        const r = ranks.get(`${parts[i]}\u0000${parts[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      parts = [...parts.slice(0, best), parts[best]! + parts[best + 1]!, ...parts.slice(best + 2)];
    }
    return parts.flatMap((p) => {
      const id = vocab.get(p);
      return id !== undefined ? [id] : unk !== undefined ? [unk] : [];
    });
  };
}

// --- post-processors -----------------------------------------------------------------------

interface Specials {
  before: number[];
  after: number[];
}

function specialPair(v: unknown, what: string): number {
  if (!Array.isArray(v) || typeof v[1] !== "number") fail(`${what} must be [token, id]`);
  return v[1] as number;
}

function postProcessor(spec: unknown): Specials {
  if (spec === null || spec === undefined) return { before: [], after: [] };
  if (!isObj(spec)) fail("post_processor is not an object");
  switch (spec.type) {
    case "BertProcessing":
    case "RobertaProcessing":
      return { before: [specialPair(spec.cls, "cls")], after: [specialPair(spec.sep, "sep")] };
    case "ByteLevel":
      return { before: [], after: [] };
    case "TemplateProcessing": {
      if (!Array.isArray(spec.single)) fail("TemplateProcessing without a single template");
      const specials = isObj(spec.special_tokens) ? spec.special_tokens : {};
      const out: Specials = { before: [], after: [] };
      let seenSequence = false;
      for (const item of spec.single as unknown[]) {
        if (isObj(item) && isObj(item.Sequence)) {
          seenSequence = true;
          continue;
        }
        if (!isObj(item) || !isObj(item.SpecialToken) || typeof item.SpecialToken.id !== "string") fail("template items must be SpecialToken or Sequence");
        const token = specials[item.SpecialToken.id];
        if (!isObj(token) || !Array.isArray(token.ids)) fail(`special token ${item.SpecialToken.id} has no ids`);
        (seenSequence ? out.after : out.before).push(...(token.ids as number[]));
      }
      return out;
    }
    case "Sequence": {
      const steps = Array.isArray(spec.processors) ? spec.processors.map(postProcessor) : [];
      return { before: steps.flatMap((s) => s.before), after: steps.flatMap((s) => s.after) };
    }
    default: return fail(`post_processor type ${String(spec.type)} (supported: BertProcessing, RobertaProcessing, TemplateProcessing, ByteLevel)`);
  }
}

/** Parses a tokenizer.json; throws an Error naming the unsupported part. */
export function loadTokenizer(json: unknown): Tokenizer {
  if (!isObj(json) || !isObj(json.model)) fail("no model section (is this a Hugging Face tokenizer.json?)");
  const flags = { byteLevel: false };
  const normalize = normalizer(json.normalizer);
  const preTokenize = preTokenizer(json.pre_tokenizer, flags);
  const type = json.model.type ?? (Array.isArray(json.model.merges) ? "BPE" : undefined);
  const model = type === "WordPiece" ? wordPiece(json.model) : type === "BPE" ? bpe(json.model, flags) : fail(`model type ${String(type)} (supported: WordPiece, BPE)`);
  const specials = postProcessor(json.post_processor);
  return {
    kind: String(type),
    encode(text, maxLength) {
      const room = Math.max(0, maxLength - specials.before.length - specials.after.length);
      const ids: number[] = [];
      for (const word of preTokenize([normalize(text)])) {
        if (ids.length >= room) break;
        ids.push(...model(word));
      }
      const all = [...specials.before, ...ids.slice(0, room), ...specials.after];
      return { ids: all, typeIds: all.map(() => 0) };
    },
  };
}
