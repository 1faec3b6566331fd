import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";
import { fieldNameSchema } from "../shared";

export const outputParams = z.object({
  /** The field of the run result (and of the endpoint's JSON response) that carries the value. */
  name: fieldNameSchema.default("result"),
});

export type OutputParams = z.infer<typeof outputParams>;

export const outputSpec = defineNodeSpec({
  type: "core.output",
  version: 1,
  family: "core",
  title: "Output",
  description: "A field of the pipeline's result. Whatever reaches it is returned under `name`.",
  inputs: [{ id: "value", label: "Value", accepts: "any" }],
  // Re-emitted so the canvas can preview the final value on the output node itself.
  outputs: [{ id: "value", label: "Value", type: "any" }],
  params: outputParams,
  role: "output",
  keywords: ["output", "result", "response", "sink", "return"],
});
