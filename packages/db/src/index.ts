export * from "./schema";
export * from "./errors";
export * from "./open-database";
export * from "./repository";
