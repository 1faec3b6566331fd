import type { Diagram } from "@attune/graph";

/** Family colours, in the spirit of the palette: enough to tell inputs, models and policy apart. */
const FAMILY_FILL: Record<string, string> = {
  core: "#e0e7ff",
  nlp: "#dbeafe",
  vision: "#dcfce7",
  audio: "#ffedd5",
  fusion: "#f3e8ff",
  state: "#fce7f3",
  policy: "#fee2e2",
  model: "#e5e7eb",
};

const NODE_W = 200;
const NODE_H = 64;

/**
 * A small static picture of a graph from its node positions: boxes and curves, no React Flow
 * instance, so a gallery of dozens of cards stays cheap. Labels are SVG text nodes (never HTML).
 */
export function GraphDiagram({ diagram, testId }: { diagram: Diagram; testId?: string }) {
  if (diagram.nodes.length === 0) {
    return <div className="muted small" data-testid={testId}>Empty pipeline</div>;
  }
  const xs = diagram.nodes.map((n) => n.x);
  const ys = diagram.nodes.map((n) => n.y);
  const pad = 24;
  const minX = Math.min(...xs) - pad;
  const minY = Math.min(...ys) - pad;
  const width = Math.max(...xs) + NODE_W + pad - minX;
  const height = Math.max(...ys) + NODE_H + pad - minY;
  const byId = new Map(diagram.nodes.map((n) => [n.id, n]));
  return (
    <svg
      className="graph-diagram"
      viewBox={`${minX} ${minY} ${width} ${height}`}
      preserveAspectRatio="xMidYMid meet"
      role="img"
      aria-label={`Diagram: ${diagram.nodes.length} nodes, ${diagram.edges.length} connections`}
      data-testid={testId}
      data-node-count={diagram.nodes.length}
      data-edge-count={diagram.edges.length}
    >
      {diagram.edges.map((e, i) => {
        const a = byId.get(e.from);
        const b = byId.get(e.to);
        if (!a || !b) return null;
        const x1 = a.x + NODE_W;
        const y1 = a.y + NODE_H / 2;
        const x2 = b.x;
        const y2 = b.y + NODE_H / 2;
        const dx = Math.max(40, Math.abs(x2 - x1) / 2);
        return <path key={i} d={`M ${x1} ${y1} C ${x1 + dx} ${y1}, ${x2 - dx} ${y2}, ${x2} ${y2}`} fill="none" stroke="#98a2b3" strokeWidth={4} />;
      })}
      {diagram.nodes.map((n) => (
        <g key={n.id} data-diagram-node={n.id}>
          <rect x={n.x} y={n.y} width={NODE_W} height={NODE_H} rx={12} fill={FAMILY_FILL[n.family] ?? "#f2f4f7"} stroke="#667085" strokeWidth={2} />
          <text x={n.x + NODE_W / 2} y={n.y + NODE_H / 2 + 8} textAnchor="middle" fontSize={22} fill="#1d2330">
            {n.label.length > 16 ? `${n.label.slice(0, 15)}…` : n.label}
          </text>
        </g>
      ))}
    </svg>
  );
}

export function ModalityBadges({ modalities }: { modalities: readonly string[] }) {
  if (modalities.length === 0) return <span className="muted small">no people-facing input</span>;
  return (
    <span className="tag-row" data-testid="modalities">
      {modalities.map((m) => (
        <span key={m} className={`modality ${m}`} data-modality={m}>
          {m}
        </span>
      ))}
    </span>
  );
}
