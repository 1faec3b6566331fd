import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";
import { fieldNameSchema } from "../shared";

export const numberInputParams = z.object({
  /** The run input this node reads, e.g. `{ "rating": 4 }` in an endpoint request. */
  name: fieldNameSchema.default("number"),
  /** Used when the run gives no value for `name`, so a pipeline previews before anyone types. */
  sample: z.number().finite().default(0),
});

export type NumberInputParams = z.infer<typeof numberInputParams>;

export const numberInputSpec = defineNodeSpec({
  type: "core.number-input",
  version: 1,
  family: "core",
  title: "Number input",
  description:
    "A numeric field of the pipeline's input. Reads the run input named by `name`; falls back to `sample` when none is given.",
  inputs: [],
  outputs: [{ id: "number", label: "Number", type: "number" }],
  params: numberInputParams,
  role: "input",
  keywords: ["number", "input", "value", "rating", "score"],
});
