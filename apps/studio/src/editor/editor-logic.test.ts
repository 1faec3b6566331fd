import { emptyDocument, type PipelineDocument } from "@attune/graph";
import { describe, expect, test } from "vitest";
import { readSseStream } from "../lib/sse";
import { judgeConnection } from "./connection-rules";
import { historyReducer, type DocumentHistory } from "./document-history";
import { addNode, connect, copySelection, paste, removeElements } from "./document-ops";
import { specRegistry } from "../lib/specs";

function spec(type: string) {
  const s = specRegistry.get(type);
  if (!s) throw new Error(`missing spec ${type}`);
  return s;
}

/** text-input -> sentiment -> threshold, built through the same ops the canvas uses. */
function chain(): { doc: PipelineDocument; input: string; sentiment: string; threshold: string } {
  let doc = emptyDocument();
  const a = addNode(doc, spec("core.text-input"), { x: 0, y: 0 });
  const b = addNode(a.doc, spec("nlp.sentiment"), { x: 300, y: 0 });
  const c = addNode(b.doc, spec("policy.threshold"), { x: 600, y: 0 });
  doc = connect(c.doc, { node: a.id, port: "text" }, { node: b.id, port: "text" });
  doc = connect(doc, { node: b.id, port: "scores" }, { node: c.id, port: "value" });
  return { doc, input: a.id, sentiment: b.id, threshold: c.id };
}

describe("document ops", () => {
  test("new nodes get readable unique ids and explicit default params", () => {
    const { doc, threshold } = chain();
    expect(threshold).toBe("threshold-1");
    expect(doc.nodes.find((n) => n.id === threshold)?.params).toMatchObject({ label: "negative", action: "escalate" });
  });

  test("connecting into an occupied input replaces the old edge", () => {
    const { doc, input, sentiment } = chain();
    const second = addNode(doc, spec("core.text-input"), { x: 0, y: 200 });
    const rewired = connect(second.doc, { node: second.id, port: "text" }, { node: sentiment, port: "text" });
    const into = rewired.edges.filter((e) => e.to.node === sentiment && e.to.port === "text");
    expect(into).toHaveLength(1);
    expect(into[0]?.from.node).toBe(second.id);
    expect(rewired.edges.some((e) => e.from.node === input)).toBe(false);
  });

  test("removing a node removes the edges that touch it", () => {
    const { doc, sentiment } = chain();
    const next = removeElements(doc, new Set([sentiment]), new Set());
    expect(next.nodes.map((n) => n.id)).not.toContain(sentiment);
    expect(next.edges).toHaveLength(0);
  });

  test("paste gives fresh ids, keeps internal edges, drops edges to outside nodes", () => {
    const { doc, sentiment, threshold } = chain();
    const clip = copySelection(doc, new Set([sentiment, threshold]));
    const { doc: pasted, ids } = paste(doc, clip, { x: 40, y: 40 });
    expect(ids).toEqual(["sentiment-2", "threshold-2"]);
    expect(pasted.edges).toHaveLength(3);
    expect(pasted.edges.at(-1)).toMatchObject({ from: { node: "sentiment-2" }, to: { node: "threshold-2" } });
  });
});

describe("connection rules", () => {
  test("refuses text into a threshold and says why", () => {
    const { doc, input, threshold } = chain();
    const verdict = judgeConnection(doc, { source: input, sourceHandle: "text", target: threshold, targetHandle: "value" });
    expect(verdict).toEqual({ ok: false, reason: expect.stringContaining("text cannot feed number or scores:any") });
  });

  test("accepts sentiment scores into a threshold", () => {
    const { doc, sentiment, threshold } = chain();
    expect(judgeConnection(doc, { source: sentiment, sourceHandle: "scores", target: threshold, targetHandle: "value" }).ok).toBe(true);
  });

  test("refuses a connection that would close a cycle", () => {
    let doc = emptyDocument();
    const a = addNode(doc, spec("core.output"), { x: 0, y: 0 });
    const b = addNode(a.doc, spec("core.output"), { x: 300, y: 0 });
    doc = connect(b.doc, { node: a.id, port: "value" }, { node: b.id, port: "value" });
    const verdict = judgeConnection(doc, { source: b.id, sourceHandle: "value", target: a.id, targetHandle: "value" });
    expect(verdict).toEqual({ ok: false, reason: "this connection would create a cycle" });
  });
});

describe("document history", () => {
  const d1 = emptyDocument();
  const d2 = { ...d1, nodes: [] };
  const d3 = { ...d1, nodes: [] };
  const start: DocumentHistory = { past: [], present: d1, future: [] };

  test("undo and redo walk the commits; a new commit clears redo", () => {
    let h = historyReducer(start, { type: "commit", document: d2 });
    h = historyReducer(h, { type: "commit", document: d3 });
    h = historyReducer(h, { type: "undo" });
    expect(h.present).toBe(d2);
    h = historyReducer(h, { type: "redo" });
    expect(h.present).toBe(d3);
    h = historyReducer(h, { type: "undo" });
    h = historyReducer(h, { type: "commit", document: d1 });
    expect(h.future).toHaveLength(0);
  });

  test("a burst of edits to one field is a single undo step", () => {
    let h = historyReducer(start, { type: "commit", document: d2, coalesce: "n1:label", at: 1000 });
    h = historyReducer(h, { type: "commit", document: d3, coalesce: "n1:label", at: 1200 });
    expect(h.past).toEqual([d1]);
    h = historyReducer(h, { type: "undo" });
    expect(h.present).toBe(d1);
  });
});

describe("SSE reader", () => {
  test("yields each event's data, even when split across chunks", async () => {
    const encoder = new TextEncoder();
    const chunks = ['data: {"a":1}\n\nda', 'ta: {"b":', "2}\n\n: comment\n\ndata: é\n\n"];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(encoder.encode(c));
        controller.close();
      },
    });
    const seen: string[] = [];
    await readSseStream(body, (d) => seen.push(d));
    expect(seen).toEqual(['{"a":1}', '{"b":2}', "é"]);
  });
});
