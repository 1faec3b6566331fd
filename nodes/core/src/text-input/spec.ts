import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";
import { fieldNameSchema } from "../shared";

export const textInputParams = z.object({
  /** The run input this node reads, e.g. `{ "text": "..." }` in an endpoint request. */
  name: fieldNameSchema.default("text"),
  /** Used when the run gives no value for `name`, so a pipeline previews before anyone types. */
  sample: z.string().default(""),
  /** Guards downstream models against pasted novels; applies to the sample too. */
  maxChars: z.number().int().positive().max(1_000_000).default(10_000),
});

export type TextInputParams = z.infer<typeof textInputParams>;

export const textInputSpec = defineNodeSpec({
  type: "core.text-input",
  version: 1,
  family: "core",
  title: "Text input",
  description:
    "A text field of the pipeline's input. Reads the run input named by `name`; falls back to `sample` when none is given.",
  inputs: [],
  outputs: [{ id: "text", label: "Text", type: "text" }],
  params: textInputParams,
  role: "input",
  keywords: ["text", "input", "message", "utterance", "string"],
});
