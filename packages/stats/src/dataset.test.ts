import { describe, expect, it } from "vitest";
import { formatFromFileName, parseDataset } from "./dataset";

describe("parseDataset: CSV", () => {
  it("reads quotes, doubled quotes, CRLF, a BOM and quoted newlines, keeping each row's line", () => {
    const text = '\ufefftext,label,dialect\r\n"hello, world",joy,A\r\n"she said ""hi""\nthen left",neutral,B\r\n\r\nplain,anger,A\r\n';
    const result = parseDataset(text, "csv");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.dataset.columns).toEqual(["text", "label", "dialect"]);
    expect(result.dataset.rows).toEqual([
      { line: 2, values: { text: "hello, world", label: "joy", dialect: "A" } },
      { line: 3, values: { text: 'she said "hi"\nthen left', label: "neutral", dialect: "B" } },
      { line: 6, values: { text: "plain", label: "anger", dialect: "A" } },
    ]);
  });

  it("reports problems with line numbers", () => {
    expect(parseDataset("a,b\n1,2\n3\n4,5,6\n", "csv")).toEqual({
      ok: false,
      problems: [
        { line: 3, message: "1 fields; the header has 2" },
        { line: 4, message: "3 fields; the header has 2" },
      ],
    });
    expect(parseDataset('a,b\n1,2\n"open,2\n3,4\n', "csv")).toEqual({ ok: false, problems: [{ line: 3, message: "a quoted field is never closed" }] });
    expect(parseDataset('a,b\n1,x"y\n', "csv")).toMatchObject({ ok: false, problems: [{ line: 2 }] });
    expect(parseDataset("a,a\n1,2\n", "csv")).toMatchObject({ ok: false, problems: [{ line: 1, message: "column name 'a' appears twice" }] });
    expect(parseDataset("a,b\n", "csv")).toMatchObject({ ok: false, problems: [{ line: 0, message: "the file has no data rows" }] });
    expect(parseDataset("", "csv")).toMatchObject({ ok: false });
  });

  it("enforces the size limits", () => {
    expect(parseDataset("a\n1\n2\n3\n", "csv", { maxRows: 2 })).toMatchObject({ ok: false, problems: [{ message: "the file has 3 rows; the limit is 2" }] });
    expect(parseDataset("a\n1234567890\n", "csv", { maxBytes: 5 })).toMatchObject({ ok: false, problems: [{ line: 0 }] });
  });
});

describe("parseDataset: JSONL", () => {
  it("reads one object per line; scalars become strings, missing keys empty", () => {
    const result = parseDataset('{"text":"hi","label":"joy","n":3}\n\n{"text":"yo","label":"anger","ok":true,"x":null}\n', "jsonl");
    expect(result).toEqual({
      ok: true,
      dataset: {
        format: "jsonl",
        columns: ["text", "label", "n", "ok", "x"],
        rows: [
          { line: 1, values: { text: "hi", label: "joy", n: "3", ok: "", x: "" } },
          { line: 3, values: { text: "yo", label: "anger", ok: "true", x: "", n: "" } },
        ],
      },
    });
  });

  it("names the line of bad JSON, non-objects and nested values", () => {
    const result = parseDataset('{"a":1}\n{"a":\n[1]\n{"a":{"b":1}}\n', "jsonl");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.line)).toEqual([2, 3, 4]);
    expect(result.problems[0]!.message).toMatch(/^not valid JSON/);
    expect(result.problems[2]!.message).toBe("field 'a' holds an object; use a string, number or boolean");
  });

  it("guesses the format from the file name", () => {
    expect(formatFromFileName("x.CSV")).toBe("csv");
    expect(formatFromFileName("x.jsonl")).toBe("jsonl");
    expect(formatFromFileName("x.txt")).toBeUndefined();
  });
});
