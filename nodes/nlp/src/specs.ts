import type { NodeSpec } from "@attune/graph";
import { sentimentSpec } from "./sentiment/spec";
import { textEmotionSpec } from "./text-emotion/spec";

/** Browser-safe specs of the nlp family: imports spec files only, never run code. */
export const specs: NodeSpec[] = [sentimentSpec, textEmotionSpec];
