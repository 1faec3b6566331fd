import { readFile } from "node:fs/promises";
import { loadReferenceModel, runReference, seededRandom } from "./test/tfjs-reference";
const dir = "node_modules/@vladmandic/human/models/";
const ref = await loadReferenceModel(JSON.parse(await readFile(dir + "blazeface.json", "utf8")), new Uint8Array(await readFile(dir + "blazeface.bin")));
const r = seededRandom(1);
const input = Float32Array.from({ length: 256 * 256 * 3 }, () => r());
// Perturb each pixel by one float32 ULP-scale step (relative 1e-7).
const r2 = seededRandom(9);
const pert = input.map((v) => v * (1 + (r2() - 0.5) * 2.4e-7));
const names = ["Identity", "Identity_1", "Identity_2", "Identity_3"];
const a = runReference(ref, input, [1, 256, 256, 3], names);
const b = runReference(ref, pert, [1, 256, 256, 3], names);
for (const n of names) { let m = 0; for (let k = 0; k < a[n]!.data.length; k++) m = Math.max(m, Math.abs(a[n]!.data[k]! - b[n]!.data[k]!)); console.log(n, "tfjs self-sensitivity to 1-ulp input noise", m); }
