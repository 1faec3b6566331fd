import type { NextConfig } from "next";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const packageJson = JSON.parse(readFileSync(path.join(here, "package.json"), "utf8")) as { dependencies: Record<string, string> };

const nextConfig: NextConfig = {
  // The workspace packages ship TypeScript source with extensionless imports; Next must compile them.
  // Derived from package.json so a new node family needs no edit here.
  transpilePackages: Object.keys(packageJson.dependencies).filter((name) => name.startsWith("@attune/")),
  // Native addon: must be required at runtime by Node, never bundled.
  serverExternalPackages: ["better-sqlite3"],
  // The monorepo root holds the lockfile and hoisted node_modules.
  turbopack: { root: path.join(here, "../..") },
  outputFileTracingRoot: path.join(here, "../.."),
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
