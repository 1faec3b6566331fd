import { specRegistry } from "@/lib/specs";

export type InputKind = "text" | "number" | "image" | "audio" | "other";

/** How the preview panel feeds an input node: by the type of the value it produces. */
export function inputKindOf(type: string): InputKind {
  const produced = specRegistry.get(type)?.outputs[0]?.type;
  return produced === "text" || produced === "number" || produced === "image" || produced === "audio" ? produced : "other";
}
