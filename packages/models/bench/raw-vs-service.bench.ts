/**
 * What the ModelService layer costs on top of a bare onnxruntime session: the pool lookup plus
 * TensorData <-> ort.Tensor conversion. Baseline: session.run on the same session and input.
 * Register in bench/run.ts (`rawVsServiceBench`) to include it in `npm run bench`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { type Bench, median, sample } from "../../../bench/harness";
import { BUILTIN_MODELS, FACE_EXPRESSION_MODEL_ID } from "../src/builtin-models";
import { createModelService, SessionPool } from "../src/session-pool";
import { prepareModels } from "../src/setup";

export const rawVsServiceBench: Bench = {
  name: "models: raw session vs ModelService",
  async run() {
    const modelsDir = await mkdtemp(join(tmpdir(), "attune-bench-models-"));
    const pool = new SessionPool({ modelsDir, sessionOptions: { intraOpNumThreads: 1 } });
    try {
      await prepareModels({ modelsDir, models: BUILTIN_MODELS.filter((m) => m.manifest.id === FACE_EXPRESSION_MODEL_ID) });
      const service = createModelService(pool);
      const { session } = await pool.get(FACE_EXPRESSION_MODEL_ID);
      const data = new Float32Array(64 * 64).map((_, k) => Math.sin(k) * 0.5);
      const raw = await sample(() => session.run({ input_1: new ort.Tensor("float32", data, [1, 64, 64, 1]) }), 20, 100);
      const viaService = await sample(
        () => service.run(FACE_EXPRESSION_MODEL_ID, { input_1: { type: "float32", data, dims: [1, 64, 64, 1] } }),
        20,
        100,
      );
      const base = median(raw);
      return [
        {
          metric: "face-expression run via ModelService, median of 100",
          value: median(viaService),
          unit: "ms",
          // The service adds a map lookup and two small conversions: 10% + 0.2 ms is generous.
          target: base * 1.1 + 0.2,
          baseline: { label: "InferenceSession.run on the same session", value: base, unit: "ms" },
        },
      ];
    } finally {
      await pool.close();
      await rm(modelsDir, { recursive: true, force: true });
    }
  },
};
