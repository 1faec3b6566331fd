import { defineConfig } from "vitest/config";

// Browser tests: real studio (next start) + real runner + headless Chromium. Run after `npm run build`.
export default defineConfig({
  test: {
    include: ["apps/**/*.e2e.test.ts"],
    exclude: ["**/node_modules/**", "**/.next/**"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
