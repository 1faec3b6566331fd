import { defineConfig } from "vitest/config";

// Unit and integration tests for every workspace run in one vitest process.
// Browser tests (*.e2e.test.ts) need a built studio and run from vitest.e2e.config.ts.
export default defineConfig({
  test: {
    include: ["{apps,packages,nodes,bench,templates,scripts}/**/*.test.ts", "tests/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/.next/**", "**/*.e2e.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
