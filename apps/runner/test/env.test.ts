import { describe, expect, it } from "vitest";
import { DEFAULT_DB_PATH, DEFAULTS, EnvError, loadConfig } from "../src/env";

const TOKEN = "a-secret-token-of-some-length";

describe("loadConfig", () => {
  it("applies the documented defaults when only the token is set", () => {
    expect(loadConfig({ RUNNER_TOKEN: TOKEN })).toEqual({
      host: "127.0.0.1",
      port: 4100,
      token: TOKEN,
      maxInputChars: 10_000,
      bodyLimitBytes: 2 * 1024 * 1024,
      previewBodyLimitBytes: 32 * 1024 * 1024,
      modelUploadLimitBytes: 100 * 1024 * 1024,
      nodeTimeoutMs: 30_000,
      previewSessionsMax: DEFAULTS.previewSessionsMax,
      previewSessionTtlMs: DEFAULTS.previewSessionTtlMs,
      logLevel: "info",
      dbPath: DEFAULT_DB_PATH,
      api: { bodyLimitBytes: 16 * 1024 * 1024, runTimeoutMs: 30_000, ratePerSecond: 20, rateBurst: 40, sessionsMax: 1000, publicUrl: undefined },
    });
  });

  it("reads and coerces every variable", () => {
    const config = loadConfig({
      RUNNER_TOKEN: TOKEN,
      RUNNER_HOST: "0.0.0.0",
      RUNNER_PORT: "8080",
      RUNNER_MAX_INPUT_CHARS: "500",
      RUNNER_BODY_LIMIT_BYTES: "65536",
      RUNNER_PREVIEW_BODY_LIMIT_BYTES: "1048576",
      RUNNER_NODE_TIMEOUT_MS: "1500",
      RUNNER_PREVIEW_SESSIONS_MAX: "3",
      RUNNER_PREVIEW_SESSION_TTL_MS: "60000",
      LOG_LEVEL: "debug",
    });
    expect(config).toMatchObject({
      host: "0.0.0.0",
      port: 8080,
      maxInputChars: 500,
      bodyLimitBytes: 65_536,
      previewBodyLimitBytes: 1_048_576,
      nodeTimeoutMs: 1500,
      previewSessionsMax: 3,
      previewSessionTtlMs: 60_000,
      logLevel: "debug",
    });
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ RUNNER_TOKEN: TOKEN, RUNNER_PORT: "", LOG_LEVEL: " " })).toMatchObject({ port: 4100, logLevel: "info" });
  });

  it("requires RUNNER_TOKEN and says what it is for", () => {
    expect(() => loadConfig({})).toThrow(EnvError);
    expect(() => loadConfig({})).toThrow(/RUNNER_TOKEN is required/);
  });

  it("refuses a short token without echoing it", () => {
    let error: unknown;
    try {
      loadConfig({ RUNNER_TOKEN: "short-secret" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect(String(error)).toMatch(/at least 16 characters/);
    expect(String(error)).not.toContain("short-secret");
  });

  it("lists every invalid variable by name", () => {
    try {
      loadConfig({ RUNNER_TOKEN: TOKEN, RUNNER_PORT: "http", LOG_LEVEL: "loud", RUNNER_MAX_INPUT_CHARS: "0" });
      expect.unreachable();
    } catch (e) {
      const problems = (e as EnvError).problems.join("\n");
      expect(problems).toContain("RUNNER_PORT");
      expect(problems).toContain("LOG_LEVEL");
      expect(problems).toContain("RUNNER_MAX_INPUT_CHARS");
    }
  });
});
