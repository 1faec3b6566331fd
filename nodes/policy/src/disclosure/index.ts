import { defineNode, type PreviewSummary } from "@attune/graph";
import { runDisclosure } from "./run";
import { disclosureSpec } from "./spec";

const LIMIT = 200;

export const disclosure = defineNode(disclosureSpec, {
  run: runDisclosure,
  preview(outputs): PreviewSummary {
    const text = `${outputs.added ? "[disclosure added] " : "[already disclosed] "}${outputs.text as string}`;
    return { kind: "text", text: text.slice(0, LIMIT), truncated: text.length > LIMIT };
  },
  example: { inputs: { text: "I'm sorry about the wait. Let me look at your order." } },
});
