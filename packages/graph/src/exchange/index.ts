/**
 * The versioned file format pipelines and templates travel in (export, import, gallery, share):
 * see format.ts for the versions and secrets.ts for how secrets are marked and scrubbed.
 */
export * from "./format";
export { exportPipeline, type ExportInput } from "./export";
export { importPipeline, type ImportOptions, type ImportResult, type ImportedPipeline } from "./import";
export { FORBIDDEN_KEYS, type ImportProblem, type ImportProblemCode } from "./guards";
export { MODALITIES, modalitiesOf, type Modality } from "./modalities";
export { declaredParamNames, fillPlaceholders, findPlaceholders, looksLikeSecret, scrubSecrets, secretParamNames, SECRET_META } from "./secrets";
export { diagramOf, type Diagram } from "./diagram";
