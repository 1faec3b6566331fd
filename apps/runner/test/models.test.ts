// The runner runs model-backed nodes through a real session pool: text -> our text-emotion model.
import { sharedModelService } from "@attune/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edge, node, postPreview, startServer, type RunningServer } from "./helpers";

describe("runner with models", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ models: await sharedModelService() });
  });
  afterAll(() => server.close());

  const document = {
    schemaVersion: 1,
    nodes: [
      node("in", "core.text-input"),
      node("emo", "nlp.text-emotion", {}, 200),
      node("out", "core.output", { name: "emotion" }, 400),
    ],
    edges: [edge("in", "text", "emo", "text"), edge("emo", "scores", "out", "value")],
  };

  it("scores text with the text-emotion model", async () => {
    const response = await postPreview(server, { document, inputs: { text: "I am furious about this" } }, { accept: "application/json" });
    expect(response.status).toBe(200);
    const result = (await response.json()) as { status: string; outputs: { emotion: { taxonomy: string; scores: Record<string, number> } } };
    expect(result.status).toBe("ok");
    const { scores, taxonomy } = result.outputs.emotion;
    expect(taxonomy).toBe("ekman7");
    const top = Object.entries(scores).sort((a, b) => b[1] - a[1])[0]![0];
    expect(top).toBe("anger");
    expect(Object.values(scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  });

  it("fails the model node with a clear error when the runner has no models", async () => {
    const bare = await startServer();
    try {
      const response = await postPreview(bare, { document, inputs: { text: "hello" } }, { accept: "application/json" });
      const result = (await response.json()) as { status: string; nodes: Record<string, { status: string; error?: { message: string } }> };
      expect(result.status).toBe("failed");
      expect(result.nodes.emo!.status).toBe("failed");
      expect(result.nodes.emo!.error!.message).toMatch(/model service/);
    } finally {
      await bare.close();
    }
  });
});
