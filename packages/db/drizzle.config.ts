import { defineConfig } from "drizzle-kit";

// `npm run db:generate -w @attune/db` writes SQL migrations into ./drizzle; they are committed and
// applied at runtime by openDatabase(), never by drizzle-kit push.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/schema.ts",
  out: "./drizzle",
});
