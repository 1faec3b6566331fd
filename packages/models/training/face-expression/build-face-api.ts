/**
 * Rebuilds assets/face-expression/face-api-expression.onnx from @vladmandic/face-api's weights.
 *
 *   node --import tsx packages/models/training/face-expression/build-face-api.ts
 *
 * The ONNX file is committed (like our trained models) because face-api ships weights without a
 * graph, so the ordinary TF.js conversion at setup cannot produce it. Rerun after a face-api update;
 * the output is deterministic, so an unchanged package gives a byte-identical file.
 */
import { createRequire } from "node:module";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildFaceApiExpressionOnnx, readFaceApiExpressionWeights } from "../../src/vision/face-api-expression";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, "../../assets/face-expression/face-api-expression.onnx");
const require = createRequire(import.meta.url);
const faceApiVersion = (require("@vladmandic/face-api/package.json") as { version: string }).version;

const weights = await readFaceApiExpressionWeights();
const bytes = buildFaceApiExpressionOnnx(weights, { "attune.source": `@vladmandic/face-api@${faceApiVersion} face_expression_model` });
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, bytes);
console.log(`wrote ${out} (${bytes.byteLength} bytes) from @vladmandic/face-api ${faceApiVersion}`);
