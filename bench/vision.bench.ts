/**
 * Vision path on a 640x480 photo (face-api's sample1, cropped): vision.face-detect +
 * vision.facial-expression run as a compiled plan by the runtime, against the two raw onnxruntime
 * sessions (the same session objects) called directly on that photo, hand-wired: fed by the
 * nodes' own letterbox and crops on every call, nothing else. That ratio (target <= 1.15) is what
 * using Attune costs over calling the sessions yourself. Also measured: the sessions on the exact
 * tensors the plan fed them, built once (the inference floor, no pixel work), which splits the
 * plan's extra time into pixel work and Attune's own cost and guards the pixel code's speed. Paired rounds whose order cycles so
 * neither side owns a position; and sustained frames per second of the live path
 * (JPEG bytes -> core.image-input -> detect -> expression), one frame after another.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import {
  compile,
  NodeRegistry,
  type FaceDetection,
  type ImageValue,
  type ModelService,
  type NodeDefinition,
  type PipelineDocument,
  type TensorData,
} from "@attune/graph";
import { BUILTIN_MODELS, createModelService, prepareModels, SessionPool } from "@attune/models";
import { makeImagePreview, attachImagePreview } from "@attune/nodes-core/image-thumbnail";
import { decodeImage } from "@attune/nodes-core/image-decode";
import { nodes as coreNodes } from "@attune/nodes-core";
import {
  detectFaces,
  EXPRESSION_MODELS,
  faceDetectParams,
  facialExpressionParams,
  nodes as visionNodes,
  scoreExpressions,
} from "@attune/nodes-vision";
import { BLAZEFACE_MODEL_ID, blazefaceInput } from "@attune/nodes-vision/blazeface";
import { expressionInput, faceRegion } from "@attune/nodes-vision/face-crop";
import { execute } from "@attune/runtime";
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { median, quantile, sample, type Bench } from "./harness";

const FRAMES = 50;
/** Paired rounds for the plan/raw ratio; a multiple of 4 (the sides) so every order is used equally. */
const ROUNDS = 120;

function pipeline(): PipelineDocument {
  const node = (id: string, type: string, x: number, params: Record<string, unknown> = {}) => ({ id, type, version: 1, params, position: { x, y: 0 } });
  return {
    schemaVersion: 1,
    nodes: [
      node("in", "core.image-input", 0),
      node("detect", "vision.face-detect", 1),
      node("expr", "vision.facial-expression", 2),
      node("out", "core.output", 3, { name: "faces" }),
    ],
    edges: [
      { id: "e1", from: { node: "in", port: "image" }, to: { node: "detect", port: "image" } },
      { id: "e2", from: { node: "in", port: "image" }, to: { node: "expr", port: "image" } },
      { id: "e3", from: { node: "detect", port: "faces" }, to: { node: "expr", port: "faces" } },
      { id: "e4", from: { node: "expr", port: "faces" }, to: { node: "out", port: "value" } },
    ],
  } as PipelineDocument;
}

export const visionBench: Bench = {
  name: "vision: face-detect + facial-expression",
  async run() {
    const modelsDir = join(tmpdir(), "attune-vision-bench-models");
    const model = EXPRESSION_MODELS["face-api"];
    await prepareModels({ modelsDir, models: BUILTIN_MODELS.filter((m) => [BLAZEFACE_MODEL_ID, model.modelId].includes(m.manifest.id)) });
    const pool = new SessionPool({ modelsDir });
    try {
      const models = createModelService(pool);
      const photo = join(createRequire(import.meta.url).resolve("@vladmandic/face-api").replace(/dist[\\/].*$/, ""), "demo", "sample1.jpg");
      const jpeg = new Uint8Array(await sharp(await readFile(photo)).resize(640, 480, { fit: "cover" }).jpeg({ quality: 90 }).toBuffer());

      const defs: NodeDefinition[] = [...coreNodes, ...visionNodes];
      const registry = new NodeRegistry<NodeDefinition<any>>(defs);
      const compiled = compile(pipeline(), registry);
      if (!compiled.ok) throw new Error(`vision bench pipeline does not compile: ${JSON.stringify(compiled.issues)}`);
      const plan = compiled.plan;

      // Ratio: the plan minus decoding (the image node hands over pixels decoded once, thumbnail
      // attached as core.image-input does) vs the raw sessions on the very tensors the plan feeds them.
      const image: ImageValue = await decodeImage(jpeg, { maxBytes: 1e8, maxPixels: 1e8 });
      attachImagePreview(image, await makeImagePreview(image));
      const decodedRegistry = new NodeRegistry<NodeDefinition<any>>(
        defs.map((d) => (d.type === "core.image-input" ? { ...d, run: async () => ({ image }) } : d)),
      );
      let faceCount = 0;
      const viaPlan = async () => {
        const result = await execute(plan, { registry: decodedRegistry, inputs: {}, models });
        if (result.status !== "ok") throw new Error(`plan run ${result.status}: ${JSON.stringify(result.nodes)}`);
        const found = (result.outputs.faces as FaceDetection[]).length;
        if (found !== faceCount) throw new Error(`plan found ${found} faces, not ${faceCount}: not the work the raw side replays`);
      };

      // Record exactly what the plan hands the model service (model ids, feeds, outputs): the raw
      // side replays those tensors, so both sides run the same models on the same batch.
      const calls: { modelId: string; feeds: Record<string, TensorData>; outputs: Record<string, TensorData> }[] = [];
      const recording: ModelService = {
        async run(modelId, feeds, signal) {
          const outputs = await models.run(modelId, feeds, signal);
          calls.push({ modelId, feeds, outputs });
          return outputs;
        },
      };
      const first = await execute(plan, { registry: decodedRegistry, inputs: {}, models: recording });
      if (first.status !== "ok") throw new Error(`plan run ${first.status}: ${JSON.stringify(first.nodes)}`);
      faceCount = (first.outputs.faces as FaceDetection[]).length;
      if (faceCount === 0) throw new Error("the bench photo should contain faces");
      if (calls.length !== 2 || calls[0]!.modelId !== BLAZEFACE_MODEL_ID || calls[1]!.modelId !== model.modelId) {
        throw new Error(`the plan should run ${BLAZEFACE_MODEL_ID} then ${model.modelId} once each; it ran [${calls.map((c) => c.modelId).join(", ")}]`);
      }
      const exprBatch = calls[1]!.feeds[model.input]!.dims[0];
      if (exprBatch !== faceCount) throw new Error(`the plan scored ${faceCount} faces in a batch of ${exprBatch}`);

      // Same session objects (one pool, default thread settings, as apps/runner creates it; the pool
      // stops ORT's thread spinning when a run ends, see withRunnerDefaults).
      const detector = (await pool.get(BLAZEFACE_MODEL_ID)).session;
      const expression = (await pool.get(model.modelId)).session;
      const toTensors = (feeds: Record<string, TensorData>) =>
        Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, new ort.Tensor(t.type, t.data as Float32Array, t.dims)]));
      // Built once: the raw side is the inference floor, no per-call allocation or copying.
      const detectTensors = toTensors(calls[0]!.feeds);
      const exprTensors = toTensors(calls[1]!.feeds);
      const raw = async () => {
        await detector.run(detectTensors);
        await expression.run(exprTensors);
      };
      // The replay must give the plan's answers, or it is not the same work.
      {
        const d = await detector.run(detectTensors);
        const e = await expression.run(exprTensors);
        const diff = (a: ort.Tensor, b: TensorData) => {
          const x = a.data as Float32Array;
          const y = b.data as Float32Array;
          if (x.length !== y.length) return Infinity;
          let m = 0;
          for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
          return m;
        };
        const worst = Math.max(
          ...Object.entries(calls[0]!.outputs).map(([n, t]) => diff(d[n]!, t)),
          ...Object.entries(calls[1]!.outputs).map(([n, t]) => diff(e[n]!, t)),
        );
        if (!(worst < 1e-4)) throw new Error(`raw replay differs from the plan's model outputs by ${worst}`);
      }

      // Informational third side: the nodes' own pre/post-processing and the model service, no
      // runtime; separates preprocessing cost from executor cost.
      const detectParams = faceDetectParams.parse({});
      const exprParams = facialExpressionParams.parse({});
      const signal = new AbortController().signal;
      const direct = async () => {
        const found = await detectFaces(image, detectParams, { models, signal });
        await scoreExpressions(image, found, exprParams, { models, signal });
      };

      // The baseline the target is checked against: what calling the two sessions directly on this
      // photo takes at the least, hand-wired: the same sessions fed by the nodes' own preprocessing
      // on every call (letterbox, then crops of the faces the plan found), without the model
      // service, the runtime or any postprocessing (not even the anchor decode that finds the
      // faces, which a hand-wired caller needs too: the baseline errs low). plan / hand-wired is
      // Attune's own cost; hand-wired / raw is the pixel work's, which any caller of these sessions
      // pays. Its speed is measured against native code in the issue notes, not here.
      const detectedRegions = (first.outputs.faces as FaceDetection[]).map((f) => faceRegion(f, { margin: exprParams.margin ?? model.defaultMargin, align: exprParams.align }));
      const handWired = async () => {
        await detector.run(toTensors(blazefaceInput(image).feeds));
        await expression.run(toTensors(expressionInput(image, detectedRegions, model)));
      };

      // Interleaved rounds: every round runs each side once, in an order that rotates through the
      // sides, so drifting machine load, ORT thread spin-down and GC debt left by the previous side
      // land on every side and every position alike. GC pauses are attributed to the sample they fall in.
      const sides = { raw, plan: viaPlan, direct, handWired } as const;
      type Side = keyof typeof sides;
      const sideNames = Object.keys(sides) as Side[];
      const orders: Side[][] = sideNames.map((_, k) => sideNames.map((_, j) => sideNames[(j + k) % sideNames.length]!));
      for (let i = 0; i < 12; i++) for (const side of orders[i % orders.length]!) await sides[side]();
      const gc: PerformanceEntry[] = [];
      const observer = new PerformanceObserver((list) => gc.push(...list.getEntries()));
      observer.observe({ entryTypes: ["gc"] });
      const times = Object.fromEntries(sideNames.map((side) => [side, [] as number[]])) as Record<Side, number[]>;
      const spans = Object.fromEntries(sideNames.map((side) => [side, [] as [number, number][]])) as Record<Side, [number, number][]>;
      const byPosition = Object.fromEntries(sideNames.map((side) => [side, { first: [] as number[], later: [] as number[] }])) as Record<Side, { first: number[]; later: number[] }>;
      const ratios: number[] = [];
      const handWiredRatios: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const order = orders[round % orders.length]!;
        const t: Partial<Record<Side, number>> = {};
        for (const [position, side] of order.entries()) {
          const start = performance.now();
          await sides[side]();
          const end = performance.now();
          t[side] = end - start;
          times[side].push(end - start);
          spans[side].push([start, end]);
          byPosition[side][position === 0 ? "first" : "later"].push(end - start);
        }
        ratios.push(t.plan! / t.raw!);
        handWiredRatios.push(t.plan! / t.handWired!);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      gc.push(...observer.takeRecords());
      observer.disconnect();
      const gcMs = (side: Side) => {
        let total = 0;
        for (const e of gc) if (spans[side].some(([s, f]) => e.startTime < f && e.startTime + e.duration > s)) total += e.duration;
        return total;
      };
      // Where the plan's extra time goes: the two pixel loops (JS) timed on their own.
      const letterboxMs = median(await sample(() => blazefaceInput(image), 20, 200));
      const cropsMs = median(await sample(() => expressionInput(image, detectedRegions, model), 20, 200));
      const spread = (v: number[]) => `median ${median(v).toFixed(2)} ms (p10 ${quantile(v, 0.1).toFixed(2)}, p90 ${quantile(v, 0.9).toFixed(2)})`;
      const rawMs = median(times.raw);
      const planMs = median(times.plan);
      const ratio = median(ratios);

      // Sustained live path: every frame decoded from JPEG bytes, no result cache.
      for (let i = 0; i < 3; i++) await execute(plan, { registry, inputs: { image: { bytes: jpeg, mimeType: "image/jpeg" } }, models });
      const started = performance.now();
      for (let i = 0; i < FRAMES; i++) {
        const result = await execute(plan, { registry, inputs: { image: { bytes: jpeg, mimeType: "image/jpeg" } }, models });
        if (result.status !== "ok") throw new Error(`frame ${i}: ${result.status}`);
      }
      const fps = FRAMES / ((performance.now() - started) / 1000);

      return [
        {
          metric: `plan / hand-wired sessions, detect + expression (${faceCount} faces, 640x480), median of ${ROUNDS} paired rounds`,
          value: median(handWiredRatios),
          unit: "x",
          target: 1.15,
          baseline: { label: "the two sessions called directly on the photo (hand-wired)", value: median(times.handWired), unit: "ms" },
          notes: [
            `plan side: execute() of the compiled plan on a pre-decoded image: face-detect letterbox to 256x256 (JS), BlazeFace session, ` +
              `anchor decode + NMS, ${faceCount} face crops to one [${faceCount},112,112,3] batch (JS), face-api session, scores`,
            `hand-wired side: the same two sessions (same pool and objects, ORT default thread count on ${availableParallelism()} cores, spinning stopped between runs) ` +
              `fed by the nodes' letterbox and crops on every call; no model service, runtime, decode or outputs`,
            `raw side (inference floor): the same sessions on the exact tensors the plan fed them ([1,256,256,3] then [${faceCount},112,112,3], built once), outputs checked equal to the plan's`,
            `plan       ${spread(times.plan)}`,
            `hand-wired ${spread(times.handWired)}`,
            `raw        ${spread(times.raw)}`,
            `direct     ${spread(times.direct)}  (the nodes' detectFaces + scoreExpressions via the model service, no runtime)`,
            `plan / hand-wired per-round p10 ${quantile(handWiredRatios, 0.1).toFixed(3)}, p90 ${quantile(handWiredRatios, 0.9).toFixed(3)}; ratio of medians ${(planMs / median(times.handWired)).toFixed(3)}`,
            `position: raw first-in-round ${median(byPosition.raw.first).toFixed(2)} vs later ${median(byPosition.raw.later).toFixed(2)} ms; ` +
              `plan first ${median(byPosition.plan.first).toFixed(2)} vs later ${median(byPosition.plan.later).toFixed(2)} ms`,
            `pixel work (JS), timed on its own: letterbox to 256x256 ${letterboxMs.toFixed(2)} ms, ${faceCount} face crops to 112x112 ${cropsMs.toFixed(2)} ms ` +
              `(${((letterboxMs + cropsMs) / rawMs * 100).toFixed(0)}% of the raw time)`,
            `GC inside samples: ${sideNames.map((side) => `${side} ${gcMs(side).toFixed(1)} ms`).join(", ")} over ${ROUNDS} samples each`,
          ],
        },
        {
          // The hand-wired baseline shares the nodes' pixel code, so the ratio above cannot see that
          // code get slower; this one can. A guard, set above what it measured when added (1.31).
          metric: `plan / raw sessions on pre-made tensors (inference floor: pixel work + Attune's cost), median of ${ROUNDS} paired rounds`,
          value: ratio,
          unit: "x",
          target: 1.45,
          baseline: { label: "the two sessions on the exact tensors the plan fed them, built once", value: rawMs, unit: "ms" },
          notes: [
            `per-round p10 ${quantile(ratios, 0.1).toFixed(3)}, p90 ${quantile(ratios, 0.9).toFixed(3)}; ratio of medians ${(planMs / rawMs).toFixed(3)}; ` +
              `hand-wired / raw ${(median(times.handWired) / rawMs).toFixed(3)} is the pixel work, the rest Attune's own cost; direct / raw ${(median(times.direct) / rawMs).toFixed(3)}`,
          ],
        },
        {
          // Lower is better in the harness: frame time, with fps alongside.
          metric: `live path frame time (JPEG decode + detect + expression), ${FRAMES} frames sustained`,
          value: 1000 / fps,
          unit: "ms/frame",
          target: 200,
          notes: [`${fps.toFixed(1)} frames per second (target >= 5)`],
        },
      ];
    } finally {
      await pool.close();
    }
  },
};
