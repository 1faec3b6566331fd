import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compile, parseDocument, validate } from "@attune/graph";
import { sharedModelService } from "@attune/models/testing";
import { execute, MemorySessionStateStore } from "@attune/runtime";
import { createNodeRegistry } from "../apps/runner/src/registry";
import { describeRun, resolveInputSet, TEMPLATES_DIR } from "./golden";

const [slug, ...sets] = process.argv.slice(2);
const doc = parseDocument(JSON.parse(readFileSync(join(TEMPLATES_DIR, slug!, "pipeline.json"), "utf8")));
if (!doc.ok) { console.log(doc.problems); process.exit(1); }
const registry = createNodeRegistry();
console.log("issues", validate(doc.document, registry));
const c = compile(doc.document, registry);
if (!c.ok) { console.log(c.issues); process.exit(1); }
const models = await sharedModelService();
const inputs = JSON.parse(readFileSync(join(TEMPLATES_DIR, slug!, "samples/inputs.json"), "utf8"));
const state = new MemorySessionStateStore();
let t = Date.UTC(2025, 0, 1);
for (const s of sets) {
  const r = await execute(c.plan, { registry, models, inputs: resolveInputSet(join(TEMPLATES_DIR, slug!, "samples"), inputs[s]), sessionId: "p", state, now: () => t });
  t += 5000;
  console.log(`--- ${s}`, describeRun(r));
}
process.exit(0);
