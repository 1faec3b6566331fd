"use client";

import { NODE_FAMILIES, type NodeSpec } from "@attune/graph";
import { useMemo, useState, type DragEvent } from "react";
import { specRegistry } from "@/lib/specs";

/** The drag payload's MIME type: only our palette's drags are accepted by the canvas. */
export const PALETTE_MIME = "application/x-attune-node-type";

const FAMILY_TITLES: Record<string, string> = {
  core: "Inputs & outputs",
  nlp: "Text (NLP)",
  vision: "Vision",
  audio: "Audio",
  fusion: "Fusion",
  state: "State",
  policy: "Policy",
  model: "Models",
};

function matches(spec: NodeSpec, query: string): boolean {
  const haystack = [spec.type, spec.title, spec.description, ...(spec.keywords ?? [])].join(" ").toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}

/** Node types grouped by family, searchable; drag onto the canvas, or click / Enter to add. */
export function Palette({ onAdd }: { onAdd: (type: string) => void }) {
  const [query, setQuery] = useState("");
  const groups = useMemo(() => {
    const visible = specRegistry.list().filter((s) => matches(s, query));
    return NODE_FAMILIES.map((family) => ({ family, specs: visible.filter((s) => s.family === family) })).filter((g) => g.specs.length > 0);
  }, [query]);

  function onDragStart(event: DragEvent, type: string) {
    event.dataTransfer.setData(PALETTE_MIME, type);
    event.dataTransfer.effectAllowed = "copy";
  }

  return (
    <aside className="palette" aria-label="Node palette">
      <input
        type="search"
        placeholder="Search nodes…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        data-testid="palette-search"
        aria-label="Search nodes"
      />
      {groups.length === 0 && <div className="muted small">No node matches “{query}”.</div>}
      {groups.map(({ family, specs }) => (
        <div key={family} className="palette-family">
          <h3>{FAMILY_TITLES[family] ?? family}</h3>
          {specs.map((spec) => (
            <button
              key={spec.type}
              type="button"
              className="palette-item"
              draggable
              onDragStart={(e) => onDragStart(e, spec.type)}
              onClick={() => onAdd(spec.type)}
              data-testid={`palette-${spec.type}`}
              title={`${spec.description}\n\nDrag onto the canvas, or press Enter to add.`}
            >
              <div className="name">{spec.title}</div>
              <div className="desc">{spec.description}</div>
            </button>
          ))}
        </div>
      ))}
    </aside>
  );
}
