import { readFile } from "node:fs/promises";
import * as ort from "onnxruntime-node";
import { loadReferenceModel, runReference, seededRandom } from "./test/tfjs-reference";
import { convertTfjsModelFile } from "./src/convert/tfjs-to-onnx";
const dir = "node_modules/@vladmandic/human/models/";
const c = await convertTfjsModelFile(dir + "blazeface.json");
const s = await ort.InferenceSession.create(c.bytes, { graphOptimizationLevel: (process.env.OPT ?? "all") as "all", intraOpNumThreads: Number(process.env.T ?? 0) });
const ref = await loadReferenceModel(JSON.parse(await readFile(dir + "blazeface.json", "utf8")), new Uint8Array(await readFile(dir + "blazeface.bin")));
const r = seededRandom(1);
const input = Float32Array.from({ length: 256 * 256 * 3 }, () => r());
const names = c.outputs.map((o) => o.name);
const e = runReference(ref, input, [1, 256, 256, 3], names);
const a = await s.run({ input: new ort.Tensor("float32", input, [1, 256, 256, 3]) });
for (const n of names) {
  const ad = a[n]!.data as Float32Array, ed = e[n]!.data;
  let max = 0, at = 0, mag = 0;
  for (let k = 0; k < ad.length; k++) { const d = Math.abs(ad[k]! - ed[k]!); if (d > max) { max = d; at = k; } mag = Math.max(mag, Math.abs(ed[k]!)); }
  console.log(n, "maxdiff", max, "at", at, "ref", ed[at], "onnx", ad[at], "max|ref|", mag);
}
