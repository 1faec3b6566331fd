import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";

export const DEFAULT_CODE = [
  "// `input` is the value on the Input port, as plain JSON (scores, numbers, text, objects).",
  "// Return any JSON value; it appears on the Output port. console.log goes to the run log.",
  "return input;",
].join("\n");

export const codeParams = z.object({
  /**
   * The body of `function (input) { ... }`: write statements and `return` the result. A function
   * body rather than a module keeps line numbers in errors equal to the editor's and needs no
   * export boilerplate.
   */
  code: z.string().max(50_000).default(DEFAULT_CODE),
  /** Wall-clock budget per run; the sandbox is interrupted past it. */
  timeoutMs: z.number().int().min(10).max(5_000).default(1_000),
  /** Heap limit of the sandbox. */
  memoryLimitMb: z.number().int().min(1).max(256).default(32),
  /** Largest output accepted, as JSON text. */
  maxOutputKb: z.number().int().min(1).max(4_096).default(256),
});

export type CodeParams = z.infer<typeof codeParams>;

export const codeSpec = defineNodeSpec({
  type: "core.code",
  version: 1,
  family: "core",
  title: "JavaScript",
  description:
    "Runs your JavaScript on the input in a WebAssembly QuickJS sandbox: a fresh context per run with a time limit, " +
    "a memory limit and an output size cap, and no access to the host (no require, process, file system, network or " +
    "timers). The code is a function body that receives `input` as JSON and returns a JSON value; console.log " +
    "writes to the run log. Errors name the line.",
  inputs: [
    {
      id: "input",
      label: "Input",
      accepts: ["json", "text", "number", "boolean", "scores:any", "valence-arousal", "action"],
      optional: true,
      description: "Any JSON-representable value; undefined when unconnected.",
    },
  ],
  outputs: [{ id: "output", label: "Output", type: "json", description: "What the code returned (undefined becomes null)." }],
  params: codeParams,
  keywords: ["code", "javascript", "js", "script", "function", "transform", "custom", "sandbox", "quickjs", "expression"],
});
