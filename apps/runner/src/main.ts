import { DEFAULT_MODELS_DIR, prepareModels, SessionPool } from "@attune/models";
import { createCodeSandbox } from "@attune/nodes-core/code-sandbox";
import { openDatabase } from "@attune/db";
import { EnvError, loadConfig, type RunnerConfig } from "./env";
import { buildServer } from "./server";
import { createModelCatalog } from "./models";

let config: RunnerConfig;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof EnvError) {
    process.stderr.write(`attune runner: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

// Prepared by `npm start` already; this is a cheap check (sha256 cache) that also covers a runner
// started on its own. Sessions load lazily on first use and are shared by every run.
const modelsDir = config.modelsDir ?? DEFAULT_MODELS_DIR;
await prepareModels({ modelsDir, log: (line) => process.stdout.write(`models: ${line}\n`) });
const modelPool = new SessionPool({ modelsDir });
// Built-in and uploaded models behind one ModelService; also backs the /v1/models routes.
const models = createModelCatalog({ modelsDir, pool: modelPool, maxUploadBytes: config.modelUploadLimitBytes });

// Worker threads for core.code: user JavaScript never runs on this thread, so an endless loop
// cannot stall other runs or the health probe.
const sandbox = createCodeSandbox();

// The studio's database: published endpoints and API keys are read from it, the run log appended.
// Opening it also applies pending migrations, so a runner started on its own is never behind.
const database = openDatabase(config.dbPath);

const app = buildServer({
  models,
  database,
  published: {
    bodyLimitBytes: config.api.bodyLimitBytes,
    runTimeoutMs: config.api.runTimeoutMs,
    ratePerSecond: config.api.ratePerSecond,
    rateBurst: config.api.rateBurst,
    sessionsMax: config.api.sessionsMax,
    ...(config.api.publicUrl ? { publicUrl: config.api.publicUrl } : {}),
  },
  sandbox,
  token: config.token,
  maxInputChars: config.maxInputChars,
  bodyLimitBytes: config.bodyLimitBytes,
  previewBodyLimitBytes: config.previewBodyLimitBytes,
  nodeTimeoutMs: config.nodeTimeoutMs,
  previewSessionsMax: config.previewSessionsMax,
  previewSessionTtlMs: config.previewSessionTtlMs,
  logLevel: config.logLevel,
});

let closing = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (closing) {
    // A second Ctrl-C means "now".
    app.log.warn({ signal }, "forced exit");
    process.exit(1);
  }
  closing = true;
  app.log.info({ signal }, "shutting down: aborting runs and closing the server");
  try {
    // preClose aborts every run in flight, so open event streams end with run-finished (cancelled).
    await app.close();
    // After app.close(): its onClose hook flushes the queued run log into the database.
    database.close();
    await models.close();
    await modelPool.close();
    await sandbox.close();
    process.exit(0);
  } catch (err) {
    app.log.error({ err }, "shutdown failed");
    process.exit(1);
  }
}
process.on("SIGINT", (s) => void shutdown(s));
process.on("SIGTERM", (s) => void shutdown(s));

try {
  const address = await app.listen({ host: config.host, port: config.port });
  // Log the URL only: the token must never reach a log line.
  app.log.info({ url: address }, `attune runner listening on ${address}`);
  if (config.logLevel === "silent") process.stdout.write(`attune runner listening on ${address}\n`);
} catch (err) {
  app.log.error({ err }, "could not start the runner");
  process.stderr.write(`attune runner: could not listen on ${config.host}:${config.port}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
