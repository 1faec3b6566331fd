import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { RunnerClient } from "../runner-client";
import { procedure, router } from "../trpc";

const dim = z.union([z.number(), z.string(), z.null()]);
const cardTensor = z.object({
  name: z.string(),
  type: z.string(),
  shape: z.array(dim),
  dynamicAxes: z.array(z.object({ axis: z.number(), name: z.string().nullable() })),
  layout: z.string().optional(),
  range: z.tuple([z.number(), z.number()]).optional(),
  preprocessing: z.string().optional(),
  description: z.string().optional(),
  activation: z.string().optional(),
  labels: z.array(z.string()).optional(),
  taxonomy: z.string().optional(),
});
const signatureTensor = z.object({ name: z.string(), type: z.string(), shape: z.array(dim) });

/** A model card as the runner serves it (GET /v1/models); validated where it enters the studio. */
export const modelCardSchema = z.object({
  id: z.string(),
  kind: z.enum(["builtin", "upload"]),
  title: z.string(),
  task: z.string(),
  version: z.string(),
  sha256: z.string(),
  licence: z.object({ spdx: z.string(), url: z.string().optional(), notes: z.string().optional() }),
  attribution: z.string(),
  source: z.object({ kind: z.string(), package: z.string().optional(), packageVersion: z.string().optional(), upstream: z.string().optional() }),
  metrics: z.array(z.object({ name: z.string(), value: z.number(), dataset: z.string(), notes: z.string().optional() })),
  inputs: z.array(cardTensor),
  outputs: z.array(cardTensor),
  signature: z.object({ inputs: z.array(signatureTensor), outputs: z.array(signatureTensor) }),
  cardMarkdown: z.string().optional(),
  upload: z
    .object({
      filename: z.string(),
      uploadedAt: z.string(),
      bytes: z.number(),
      producer: z.string().optional(),
      opset: z.number().optional(),
      tokenizer: z.object({ filename: z.string(), sha256: z.string(), bytes: z.number(), kind: z.string() }).optional(),
    })
    .optional(),
});
export type ModelCard = z.infer<typeof modelCardSchema>;

const listSchema = z.object({
  models: z.array(modelCardSchema),
  limits: z.object({ maxUploadBytes: z.number(), maxTokenizerBytes: z.number() }),
});
const idInput = z.object({ id: z.string().min(1).max(200) });

function runnerOf(runner: RunnerClient | undefined): RunnerClient {
  if (!runner) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "the studio has no runner configured (RUNNER_URL/RUNNER_TOKEN)" });
  return runner;
}

/** Runs a runner call, turning transport failures and error bodies into tRPC errors with the runner's message. */
async function call(request: () => Promise<Response>): Promise<Response> {
  let response: Response;
  try {
    response = await request();
  } catch (error) {
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: `the runner is unreachable (${reason})` });
  }
  if (response.ok) return response;
  let message = `the runner answered ${response.status}`;
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON: keep the status line
  }
  const code = response.status === 404 ? "NOT_FOUND" : response.status === 409 ? "CONFLICT" : response.status === 401 ? "UNAUTHORIZED" : response.status === 503 ? "PRECONDITION_FAILED" : "INTERNAL_SERVER_ERROR";
  throw new TRPCError({ code, message });
}

async function parse<T>(response: Response, schema: z.ZodType<T>): Promise<T> {
  const result = schema.safeParse(await response.json());
  if (!result.success) throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: `unexpected runner response: ${z.prettifyError(result.error)}` });
  return result.data;
}

/** The Models page's data: the runner owns models; the studio only shows and manages them. */
export const modelsRouter = router({
  list: procedure.query(async ({ ctx, signal }) => {
    const runner = runnerOf(ctx.runner);
    return parse(await call(() => runner.listModels(signal)), listSchema);
  }),
  get: procedure.input(idInput).query(async ({ ctx, input, signal }) => {
    const runner = runnerOf(ctx.runner);
    return (await parse(await call(() => runner.getModel(input.id, signal)), z.object({ model: modelCardSchema }))).model;
  }),
  delete: procedure.input(idInput).mutation(async ({ ctx, input, signal }) => {
    const runner = runnerOf(ctx.runner);
    await call(() => runner.deleteModel(input.id, signal));
    return { id: input.id, deleted: true as const };
  }),
});
