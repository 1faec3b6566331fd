import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One row per pipeline: identity and display metadata. The document itself lives only in
 * `pipeline_versions`; `head_version` points at the newest row there, so reading the current
 * document is one indexed lookup and history can never be rewritten by an update.
 */
export const pipelines = sqliteTable(
  "pipelines",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    headVersion: integer("head_version").notNull(),
    // Epoch milliseconds set by the repository (one clock for a pipeline and its version row);
    // integers sort correctly and survive JSON without a transformer.
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("pipelines_updated_at_idx").on(t.updatedAt)],
);

/**
 * Immutable history: every save appends a row, nothing ever updates one. `document` is JSON text
 * (not drizzle's json mode) so a corrupt row surfaces as our own clear error instead of a
 * SyntaxError deep inside the driver. `node_count` is denormalised at write time because rows
 * never change, and it lets the history list avoid parsing every document.
 */
export const pipelineVersions = sqliteTable(
  "pipeline_versions",
  {
    pipelineId: text("pipeline_id")
      .notNull()
      .references(() => pipelines.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    document: text("document").notNull(),
    message: text("message"),
    nodeCount: integer("node_count").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.pipelineId, t.version] })],
);

export type PipelineRow = typeof pipelines.$inferSelect;
export type PipelineVersionRow = typeof pipelineVersions.$inferSelect;
