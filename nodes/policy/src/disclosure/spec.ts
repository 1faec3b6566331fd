import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";

export const disclosureParams = z.object({
  /** What the person is told. Plain words: who they are talking to, not a legal notice. */
  text: z.string().trim().min(1).max(500).default("You are talking to an AI assistant, not a person."),
  position: z.enum(["prefix", "suffix"]).default("prefix"),
  /** Between the disclosure and the response. */
  separator: z.enum(["newline", "blank-line", "space"]).default("blank-line"),
});

export type DisclosureParams = z.infer<typeof disclosureParams>;

export const disclosureSpec = defineNodeSpec({
  type: "policy.disclosure",
  version: 1,
  family: "policy",
  title: "AI disclosure",
  description:
    "Guarantees every response carries an AI disclosure: adds the configured text before or after the response " +
    "unless the response already contains it (compared ignoring case and spacing), and says whether it added it. " +
    "An empty or missing response becomes the disclosure alone, so nothing leaves the pipeline undisclosed.",
  inputs: [{ id: "text", label: "Response", accepts: "text", tolerateMissing: true, description: "The response the pipeline is about to send." }],
  outputs: [
    { id: "text", label: "Disclosed response", type: "text" },
    { id: "disclosed", label: "Disclosed", type: "boolean", description: "Always true: the output carries the disclosure." },
    { id: "added", label: "Added", type: "boolean", description: "True when this node added the disclosure (false: it was already there)." },
  ],
  params: disclosureParams,
  keywords: ["disclosure", "disclose", "ai", "transparency", "bot", "notice", "responsible", "eu ai act", "art 50"],
});
