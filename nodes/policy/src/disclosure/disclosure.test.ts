import { previewSummarySchema } from "@attune/graph";
import { makeTestContext } from "@attune/nodes-core/testing";
import { describe, expect, it } from "vitest";
import { disclosure } from "./index";

async function run(text: unknown, params: Record<string, unknown> = {}) {
  return (await disclosure.run(text === undefined ? {} : { text }, disclosure.params.parse(params), makeTestContext())) as {
    text: string;
    disclosed: boolean;
    added: boolean;
  };
}

describe("policy.disclosure", () => {
  it("prefixes the default disclosure and marks it as added", async () => {
    expect(await run("Let me check that.")).toEqual({
      text: "You are talking to an AI assistant, not a person.\n\nLet me check that.",
      disclosed: true,
      added: true,
    });
  });

  it("uses the configured text, position and separator", async () => {
    const out = await run("Hello.", { text: "(automated reply)", position: "suffix", separator: "space" });
    expect(out.text).toBe("Hello. (automated reply)");
  });

  it("does not add it twice when the response already carries it (ignoring case and spacing)", async () => {
    const out = await run("Hi!  you are talking to an AI ASSISTANT,\nnot a person. How can I help?");
    expect(out).toMatchObject({ disclosed: true, added: false });
    expect(out.text).toBe("Hi!  you are talking to an AI ASSISTANT,\nnot a person. How can I help?");
  });

  it("still discloses when the response is empty or its upstream failed", async () => {
    expect(await run("   ")).toEqual({ text: "You are talking to an AI assistant, not a person.", disclosed: true, added: true });
    expect(await run(undefined)).toMatchObject({ text: "You are talking to an AI assistant, not a person.", added: true });
  });

  it("every output contains the disclosure, whatever the response", async () => {
    for (const response of ["", "ok", "AI", "You are talking to an AI", "x".repeat(10_000)]) {
      expect((await run(response)).text.toLowerCase()).toContain("you are talking to an ai assistant, not a person.");
    }
  });

  it("refuses an empty disclosure text and non-text input", async () => {
    expect(disclosure.params.safeParse({ text: "  " }).success).toBe(false);
    await expect(run(42)).rejects.toThrow("input 'text' must be text");
  });

  it("previews whether it added the disclosure", async () => {
    const out = await run("Hi.");
    expect(previewSummarySchema.parse(disclosure.preview!(out, disclosure.params.parse({})))).toMatchObject({
      kind: "text",
      text: expect.stringMatching(/^\[disclosure added\] You are talking/),
    });
  });
});
