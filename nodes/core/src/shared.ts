import { z } from "zod";

/**
 * Run-input and result field names become JSON keys of the published endpoint and identifiers in
 * generated client code, so they are restricted to identifier-like names.
 */
export const fieldNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "use letters, digits and '_', not starting with a digit");

/** Names a value's type for error messages a pipeline author can act on. */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return typeof value;
}
