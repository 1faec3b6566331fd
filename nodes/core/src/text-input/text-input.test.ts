import { describe, expect, it } from "vitest";
import { makeTestContext } from "../testing";
import { textInput } from "./index";

const params = (p: Record<string, unknown> = {}) => textInput.params.parse(p);

describe("core.text-input", () => {
  it("reads the run input named by `name`", async () => {
    const ctx = makeTestContext({ runInputs: { message: "hello there", text: "not me" } });
    const out = await textInput.run({}, params({ name: "message" }), ctx);
    expect(out).toEqual({ text: "hello there" });
  });

  it("falls back to the sample when the run gives no value", async () => {
    const out = await textInput.run({}, params({ sample: "a default line" }), makeTestContext());
    expect(out).toEqual({ text: "a default line" });
  });

  it("keeps an empty string that was given instead of replacing it with the sample", async () => {
    const ctx = makeTestContext({ runInputs: { text: "" } });
    const out = await textInput.run({}, params({ sample: "sample" }), ctx);
    expect(out).toEqual({ text: "" });
  });

  it("fails clearly when the run input is not a string", async () => {
    const ctx = makeTestContext({ runInputs: { text: 42 } });
    await expect(textInput.run({}, params(), ctx)).rejects.toThrow("run input 'text' must be a string, got number");
    const nullCtx = makeTestContext({ runInputs: { text: null } });
    await expect(textInput.run({}, params(), nullCtx)).rejects.toThrow("got null");
  });

  it("fails when the text is longer than maxChars, and accepts exactly maxChars", async () => {
    const p = params({ maxChars: 5 });
    await expect(textInput.run({}, p, makeTestContext({ runInputs: { text: "123456" } }))).rejects.toThrow(
      "run input 'text' has 6 characters; this input allows at most 5",
    );
    await expect(textInput.run({}, p, makeTestContext({ runInputs: { text: "12345" } }))).resolves.toEqual({ text: "12345" });
    await expect(textInput.run({}, params({ maxChars: 3, sample: "long" }), makeTestContext())).rejects.toThrow(
      "the sample text has 4 characters",
    );
  });

  it("has defaults and refuses names that are not identifier-like", () => {
    expect(params()).toEqual({ name: "text", sample: "", maxChars: 10_000 });
    expect(textInput.params.safeParse({ name: "my text" }).success).toBe(false);
    expect(textInput.params.safeParse({ name: "1text" }).success).toBe(false);
    expect(textInput.params.safeParse({ name: "user_text2" }).success).toBe(true);
    expect(textInput.params.safeParse({ maxChars: 0 }).success).toBe(false);
  });
});
