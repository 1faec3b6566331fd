/**
 * Copy-paste examples for calling a published pipeline: curl, TypeScript (fetch) and Python
 * (requests), built from the deployment's real input names. Pure so a test can run them.
 */

export type EndpointInputType = "text" | "number" | "image" | "audio" | "json";

export interface EndpointInput {
  name: string;
  type: EndpointInputType;
  required: boolean;
  example?: unknown;
}

export const API_KEY_VARIABLE = "ATTUNE_API_KEY";

const MEDIA_FILE: Record<"image" | "audio", { file: string; mimeType: string }> = {
  image: { file: "photo.jpg", mimeType: "image/jpeg" },
  audio: { file: "clip.wav", mimeType: "audio/wav" },
};

/** A value for a text, number or JSON input: the deployment's own example when it has one. */
export function exampleValue(input: EndpointInput): unknown {
  if (input.type === "json") return input.example ?? {};
  if (input.type === "number") {
    const n = typeof input.example === "number" ? input.example : Number(input.example);
    return Number.isFinite(n) && input.example !== undefined && input.example !== "" ? n : 0;
  }
  if (typeof input.example === "string" && input.example.length > 0) return input.example;
  return "I have been waiting for an hour and nobody helps me!";
}

/** The file a media input reads in the snippets: one per input, named after it when there are several. */
export function mediaFile(input: EndpointInput, all: EndpointInput[]): { file: string; mimeType: string } {
  const kind = input.type === "audio" ? "audio" : "image";
  const base = MEDIA_FILE[kind];
  const sameKind = all.filter((i) => i.type === input.type);
  if (sameKind.length <= 1) return base;
  const ext = base.file.slice(base.file.lastIndexOf("."));
  return { file: `${input.name.replace(/[^A-Za-z0-9_-]/g, "_")}${ext}`, mimeType: base.mimeType };
}

const isMedia = (input: EndpointInput) => input.type === "image" || input.type === "audio";

/** Single-quoted for POSIX shells: a ' inside becomes '\'' . */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function curlSnippet(url: string, inputs: EndpointInput[]): string {
  const head = [`curl -sS -X POST ${shellQuote(url)}`, `  -H "Authorization: Bearer $${API_KEY_VARIABLE}"`, `  -H 'Content-Type: application/json'`];
  if (!inputs.some(isMedia)) {
    const body = JSON.stringify({ inputs: Object.fromEntries(inputs.map((i) => [i.name, exampleValue(i)])) });
    return [...head, `  -d ${shellQuote(body)}`].join(" \\\n");
  }
  // Media goes as base64 inside the JSON: an unquoted heredoc runs base64 on each file. Text in it
  // is escaped for the heredoc ($, ` and \ would otherwise be expanded by the shell).
  const escapeHeredoc = (text: string) => text.replace(/[\\$`]/g, (c) => `\\${c}`);
  const fields = inputs.map((input) => {
    if (!isMedia(input)) return `    ${escapeHeredoc(JSON.stringify(input.name))}: ${escapeHeredoc(JSON.stringify(exampleValue(input)))}`;
    const { file, mimeType } = mediaFile(input, inputs);
    return `    ${escapeHeredoc(JSON.stringify(input.name))}: { "base64": "$(base64 < ${file} | tr -d '\\n')", "mimeType": "${mimeType}" }`;
  });
  const body = ["{", `  "inputs": {`, fields.join(",\n"), "  }", "}"].join("\n");
  return `${[...head, "  --data-binary @- <<EOF"].join(" \\\n")}\n${body}\nEOF`;
}

function tsSnippet(url: string, inputs: EndpointInput[]): string {
  const media = inputs.some(isMedia);
  const fields = inputs.map((input) => {
    if (!isMedia(input)) return `      ${JSON.stringify(input.name)}: ${JSON.stringify(exampleValue(input))},`;
    const { file, mimeType } = mediaFile(input, inputs);
    return `      ${JSON.stringify(input.name)}: { base64: (await readFile(${JSON.stringify(file)})).toString("base64"), mimeType: ${JSON.stringify(mimeType)} },`;
  });
  return [
    ...(media ? [`import { readFile } from "node:fs/promises";`, ``] : []),
    `const response = await fetch(${JSON.stringify(url)}, {`,
    `  method: "POST",`,
    `  headers: {`,
    `    Authorization: \`Bearer \${process.env.${API_KEY_VARIABLE}}\`,`,
    `    "Content-Type": "application/json",`,
    `  },`,
    `  body: JSON.stringify({`,
    `    inputs: {`,
    ...fields,
    `    },`,
    `  }),`,
    `});`,
    `if (!response.ok) throw new Error(\`\${response.status}: \${await response.text()}\`);`,
    `const { outputs, version, runId } = await response.json();`,
    `console.log(version, runId, outputs);`,
  ].join("\n");
}

/** Python literals: JSON strings and numbers are valid Python as they are. */
function pySnippet(url: string, inputs: EndpointInput[]): string {
  const media = inputs.some(isMedia);
  const fields = inputs.map((input) => {
    if (!isMedia(input)) return `            ${JSON.stringify(input.name)}: ${JSON.stringify(exampleValue(input))},`;
    const { file, mimeType } = mediaFile(input, inputs);
    return `            ${JSON.stringify(input.name)}: {"base64": b64(${JSON.stringify(file)}), "mimeType": ${JSON.stringify(mimeType)}},`;
  });
  return [
    media ? `import base64` : null,
    `import os`,
    ``,
    `import requests`,
    ``,
    ...(media
      ? [``, `def b64(path):`, `    with open(path, "rb") as f:`, `        return base64.b64encode(f.read()).decode("ascii")`, ``, ``]
      : []),
    `response = requests.post(`,
    `    ${JSON.stringify(url)},`,
    `    headers={"Authorization": f"Bearer {os.environ['${API_KEY_VARIABLE}']}"},`,
    `    json={`,
    `        "inputs": {`,
    ...fields,
    `        }`,
    `    },`,
    `    timeout=60,`,
    `)`,
    `response.raise_for_status()`,
    `body = response.json()`,
    `print(body["version"], body["runId"], body["outputs"])`,
  ]
    .filter((line): line is string => line !== null)
    .join("\n");
}

export interface Snippets {
  curl: string;
  typescript: string;
  python: string;
}

export function buildSnippets(url: string, inputs: EndpointInput[]): Snippets {
  return { curl: curlSnippet(url, inputs), typescript: tsSnippet(url, inputs), python: pySnippet(url, inputs) };
}
