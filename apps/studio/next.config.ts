import type { NextConfig } from "next";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

const nextConfig: NextConfig = {
  // The workspace packages ship TypeScript source with extensionless imports; Next must compile them.
  transpilePackages: [
    "@attune/api",
    "@attune/db",
    "@attune/graph",
    "@attune/nodes-core",
    "@attune/nodes-nlp",
    "@attune/nodes-policy",
  ],
  // Native addon: must be required at runtime by Node, never bundled.
  serverExternalPackages: ["better-sqlite3"],
  // The monorepo root holds the lockfile and hoisted node_modules.
  turbopack: { root: path.join(here, "../..") },
  outputFileTracingRoot: path.join(here, "../.."),
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
