// No Docker engine runs on the development machines, so the images are checked statically here:
// every file they copy or run exists, the pruned workspace really contains what they take from it,
// their install/build steps are the ones CI runs, and the compose file only sets variables the
// apps' env.ts files actually read.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";
import { envSchema as runnerEnvSchema } from "../apps/runner/src/env";
import { envSchema as studioEnvSchema } from "../apps/studio/src/env-schema";

const root = path.join(import.meta.dirname, "..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
function instructions(file: string): Instruction[] {
  const joined = read(file)
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .join("\n")
    .replace(/\\\n/g, " ");
  return joined
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [op = "", ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(" ") };
    });
}

/** Arguments of COPY without flags: sources then destination. */
function copyParts(args: string): { flags: Record<string, string>; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  const flags: Record<string, string> = {};
  while (words[0]?.startsWith("--")) {
    const [name = "", value = ""] = words.shift()!.slice(2).split("=");
    flags[name] = value;
  }
  const dest = words.pop() ?? "";
  return { flags, sources: words, dest };
}

const images = [
  { file: "docker/runner.Dockerfile", pkg: "@attune/runner", app: "apps/runner", schema: runnerEnvSchema },
  { file: "docker/studio.Dockerfile", pkg: "@attune/studio", app: "apps/studio", schema: studioEnvSchema },
] as const;

const compose = parseYaml(read("docker/compose.yaml")) as {
  services: Record<string, { build: { context: string; dockerfile: string }; environment: Record<string, string>; volumes?: string[]; depends_on?: unknown }>;
  volumes: Record<string, unknown>;
};

const pruneDirs: string[] = [];
afterAll(() => {
  for (const dir of pruneDirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs the same `turbo prune` the image runs, into a temp folder standing in for /src/out. */
function prune(pkg: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "attune-prune-"));
  pruneDirs.push(dir);
  const turbo = path.join(root, "node_modules", ".bin", "turbo");
  const result = spawnSync(turbo, ["prune", pkg, "--docker", "--out-dir", path.join(dir, "out")], { cwd: root, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`turbo prune ${pkg} failed: ${result.stderr}`);
  return dir;
}

describe.each(images)("$file", ({ file, pkg, app, schema }) => {
  const steps = instructions(file);
  const runs = steps.filter((s) => s.op === "RUN").map((s) => s.args);

  test("builds on a glibc Node 20 slim base (onnxruntime-node has no musl build)", () => {
    const args = steps.find((s) => s.op === "ARG" && s.args.startsWith("NODE_IMAGE="))?.args ?? "";
    const froms = steps.filter((s) => s.op === "FROM").map((s) => s.args.split(/\s+/)[0]!.replace("${NODE_IMAGE}", args.slice("NODE_IMAGE=".length)));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const image of froms) {
      expect(image).toMatch(/^node:20(\.\d+)*-(bookworm|bullseye)-slim$/);
      expect(image).not.toMatch(/alpine/);
    }
  });

  test("prunes the workspace to its app, and that package exists", () => {
    const pruneRun = runs.find((r) => r.includes("turbo") && r.includes(" prune "));
    expect(pruneRun).toContain(`prune ${pkg} --docker`);
    expect(JSON.parse(read(`${app}/package.json`)).name).toBe(pkg);
    // The pinned turbo is the one the lockfile installs, so prune behaves as it does here.
    const pinned = /turbo@([\d.]+)/.exec(pruneRun ?? "")?.[1];
    expect(pinned).toBe(JSON.parse(read("node_modules/turbo/package.json")).version);
  });

  test("copies only files that exist in the repo or in the pruned workspace", () => {
    const pruned = prune(pkg);
    for (const step of steps.filter((s) => s.op === "COPY")) {
      const { flags, sources } = copyParts(step.args);
      for (const source of sources) {
        if (flags.from === "prune") {
          expect(source.startsWith("/src/out/"), source).toBe(true);
          expect(existsSync(path.join(pruned, source.slice("/src/".length))), `${source} in turbo prune output`).toBe(true);
        } else if (!flags.from) {
          expect(existsSync(path.join(root, source)), `${source} in the repo`).toBe(true);
        }
      }
    }
    // turbo prune leaves out root files the workspaces' tsconfigs extend: the image copies them.
    const copied = steps.filter((s) => s.op === "COPY" && !s.args.includes("--from")).flatMap((s) => copyParts(s.args).sources);
    expect(existsSync(path.join(pruned, "out/full/tsconfig.base.json"))).toBe(false);
    expect(copied).toContain("tsconfig.base.json");
    expect(copied).toContain(".npmrc");
  });

  test("installs and builds with the commands CI runs", () => {
    const lib = read("scripts/lib.mjs");
    const ci = read("scripts/test.mjs");
    const npmCi = runs.find((r) => r.startsWith("npm ci"));
    expect(npmCi).toBe("npm ci --no-audit --no-fund");
    expect(lib).toContain(`["ci", "--no-audit", "--no-fund"]`);
    // .npmrc (onnxruntime-node-install=skip) must be in place before npm ci runs.
    const npmrcAt = steps.findIndex((s) => s.op === "COPY" && s.args.includes(".npmrc"));
    expect(npmrcAt).toBeGreaterThan(-1);
    expect(npmrcAt).toBeLessThan(steps.findIndex((s) => s.op === "RUN" && s.args.startsWith("npm ci")));
    if (pkg === "@attune/studio") {
      expect(runs).toContain("npx turbo run build --filter=@attune/studio --output-logs=errors-only");
      expect(ci).toContain(`"turbo", "run", "build", "--filter=@attune/studio", "--output-logs=errors-only"`);
    } else {
      expect(runs).toContain("node --import tsx packages/models/scripts/prepare.ts");
      expect(ci).toContain(`"--import", "tsx", "packages/models/scripts/prepare.ts"`);
      expect(runs.some((r) => r.startsWith("npx turbo run typecheck --filter=@attune/runner"))).toBe(true);
    }
  });

  test("every script or source file it runs exists", () => {
    const text = [...runs, ...steps.filter((s) => s.op === "CMD").map((s) => s.args)].join(" ");
    const files = text.match(/(?:apps|packages|nodes|scripts)\/[\w./-]+\.(?:ts|mjs|js)/g) ?? [];
    for (const f of files) expect(existsSync(path.join(root, f)), f).toBe(true);
    // Absolute paths inside the image: /app is the repo root (with its node_modules) there.
    const absolute = (text.match(/\/app\/[\w./-]+/g) ?? []).map((p) => p.replace(/[."]+$/, ""));
    for (const p of absolute) expect(existsSync(path.join(root, p.slice(5))), p).toBe(true);
    expect(files.length + absolute.length).toBeGreaterThan(0);
    // The CMD runs relative to the last WORKDIR (/app is the repo root inside the image).
    const workdir = steps.filter((s) => s.op === "WORKDIR").at(-1)?.args ?? "/app";
    expect(workdir.startsWith("/app")).toBe(true);
    const cmd = JSON.parse(steps.find((s) => s.op === "CMD")!.args) as string[];
    for (const arg of cmd.filter((a) => /\.(ts|mjs|js)$/.test(a))) {
      const resolved = arg.startsWith("/app/") ? path.join(root, arg.slice(5)) : path.join(root, workdir.slice(5), arg);
      expect(existsSync(resolved), `${arg} from ${workdir}`).toBe(true);
    }
  });

  test("runs as a non-root user and keeps state on /data", () => {
    const finalStage = steps.slice(steps.map((s) => s.op).lastIndexOf("FROM"));
    const user = finalStage.filter((s) => s.op === "USER").at(-1)?.args;
    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user);
    expect(finalStage.some((s) => s.op === "VOLUME" && s.args === "/data")).toBe(true);
  });

  test("sets only environment variables the app reads", () => {
    const known = new Set(Object.keys(schema.shape));
    const cmd = steps.find((s) => s.op === "CMD")?.args ?? "";
    for (const step of steps.filter((s) => s.op === "ENV")) {
      for (const [, name] of step.args.matchAll(/([A-Z_][A-Z0-9_]*)=/g)) {
        if (name === "NODE_ENV" || name === "NEXT_TELEMETRY_DISABLED") continue;
        expect(known.has(name!) || cmd.includes(`$${name}`), `${file} ENV ${name}`).toBe(true);
      }
    }
  });
});

describe("docker/compose.yaml", () => {
  const services = compose.services;
  const byImage = { runner: images[0], studio: images[1] };

  test("runs the runner and the studio from their own Dockerfiles", () => {
    expect(Object.keys(services).sort()).toEqual(["runner", "studio"]);
    for (const [name, image] of Object.entries(byImage)) {
      const build = services[name]!.build;
      expect(path.join("docker", build.context, build.dockerfile)).toBe(image.file);
    }
  });

  test("sets only variables the apps' env.ts read (or the image's CMD uses)", () => {
    for (const [name, image] of Object.entries(byImage)) {
      const known = new Set(Object.keys(image.schema.shape));
      const cmd = instructions(image.file).find((s) => s.op === "CMD")?.args ?? "";
      for (const variable of Object.keys(services[name]!.environment)) {
        expect(known.has(variable) || cmd.includes(`$${variable}`), `${name}: ${variable}`).toBe(true);
      }
    }
  });

  test("takes secrets from the environment, required, never as literals", () => {
    const runner = services.runner!.environment;
    const studio = services.studio!.environment;
    expect(runner.RUNNER_TOKEN).toMatch(/^\$\{RUNNER_TOKEN:\?.+\}$/);
    expect(studio.RUNNER_TOKEN).toMatch(/^\$\{RUNNER_TOKEN:\?.+\}$/);
    expect(studio.ATTUNE_ADMIN_SECRET).toMatch(/^\$\{ATTUNE_ADMIN_SECRET:\?.+\}$/);
    // The studio listens beyond loopback in its container, which is why the secret is required.
    expect(studio.ATTUNE_HOST).toBe("0.0.0.0");
  });

  test("wires the studio to the runner and both to one data volume", () => {
    const runner = services.runner!.environment;
    const studio = services.studio!.environment;
    expect(studio.RUNNER_URL).toBe(`http://runner:${runner.RUNNER_PORT}`);
    expect(runner.RUNNER_HOST).toBe("0.0.0.0");
    expect(studio.ATTUNE_DB_PATH).toBe(runner.ATTUNE_DB_PATH);
    expect(runner.ATTUNE_DB_PATH?.startsWith("/data/")).toBe(true);
    expect(runner.ATTUNE_MODELS_DIR?.startsWith("/data/")).toBe(true);
    const volume = (s: string) => services[s]!.volumes?.find((v) => v.endsWith(":/data"))?.split(":")[0];
    expect(volume("runner")).toBeDefined();
    expect(volume("studio")).toBe(volume("runner"));
    expect(Object.keys(compose.volumes)).toContain(volume("runner"));
    // The runner is reachable only inside the compose network.
    expect((services.runner as { ports?: unknown }).ports).toBeUndefined();
  });
});
