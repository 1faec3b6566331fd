"use client";

import { useEffect, useState } from "react";
import type { JsonSchemaProperty } from "./params-json-schema";

/** Small controlled inputs shared by the inspector's generated form and its custom param editors. */

export function TextField({
  id,
  value,
  placeholder,
  maxLength,
  onChange,
}: {
  id: string;
  value: string;
  placeholder?: string;
  maxLength?: number;
  onChange: (v: string) => void;
}) {
  return <input id={id} data-testid={id} value={value} placeholder={placeholder} maxLength={maxLength} onChange={(e) => onChange(e.target.value)} />;
}

/**
 * Keeps the raw text while typing ("0.", "-") and commits only parseable numbers, so a half-typed
 * value never becomes NaN in the document; clearing the field falls back to the default.
 */
export function NumberField({
  id,
  value,
  prop,
  integer,
  onChange,
}: {
  id: string;
  value: unknown;
  prop: Pick<JsonSchemaProperty, "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf">;
  integer: boolean;
  onChange: (v: number | undefined) => void;
}) {
  const [draft, setDraft] = useState(typeof value === "number" ? String(value) : "");
  useEffect(() => {
    setDraft((current) => (Number(current) === value && current !== "" ? current : typeof value === "number" ? String(value) : ""));
  }, [value]);
  return (
    <input
      id={id}
      data-testid={id}
      type="number"
      inputMode="decimal"
      value={draft}
      min={prop.minimum ?? prop.exclusiveMinimum}
      max={prop.maximum ?? prop.exclusiveMaximum}
      step={prop.multipleOf ?? (integer ? 1 : "any")}
      onChange={(e) => {
        setDraft(e.target.value);
        if (e.target.value.trim() === "") onChange(undefined);
        else if (Number.isFinite(Number(e.target.value))) onChange(Number(e.target.value));
      }}
    />
  );
}

/** Fallback for params the form cannot render natively (arrays, objects): edit them as JSON. */
export function JsonField({ id, value, onChange }: { id: string; value: unknown; onChange: (v: unknown) => void }) {
  const [draft, setDraft] = useState(() => JSON.stringify(value ?? null, null, 2));
  const [bad, setBad] = useState(false);
  return (
    <>
      <textarea
        id={id}
        data-testid={id}
        value={draft}
        spellCheck={false}
        style={{ fontFamily: "ui-monospace, monospace", fontSize: 12 }}
        onChange={(e) => {
          setDraft(e.target.value);
          try {
            onChange(JSON.parse(e.target.value));
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
      {bad && <div className="param-error">Not valid JSON yet; the last valid value is kept.</div>}
    </>
  );
}
