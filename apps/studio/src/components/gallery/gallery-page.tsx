"use client";

import { MODALITIES, type Modality } from "@attune/graph";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { errorMessage, trpc, type RouterOutputs } from "@/lib/trpc";
import { downloadJson } from "../exchange/download";
import { GraphDiagram, ModalityBadges } from "./graph-diagram";
import "./gallery.css";

type Card = RouterOutputs["gallery"]["list"][number];

/** The template gallery: search, a modality filter, cards with a diagram, "Use template". */
export function GalleryPage() {
  const router = useRouter();
  const [query, setQuery] = useState("");
  const [modality, setModality] = useState<Modality | null>(null);
  const [cards, setCards] = useState<Card[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => {
      trpc.gallery.list
        .query({ ...(query.trim() ? { query: query.trim() } : {}), ...(modality ? { modality } : {}) })
        .then((list) => !cancelled && (setCards(list), setError(null)))
        .catch((e: unknown) => !cancelled && setError(errorMessage(e)));
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [query, modality, reload]);

  async function use(card: Card) {
    setBusy(card.id);
    try {
      const created = await trpc.gallery.use.mutate({ id: card.id });
      router.push(`/pipelines/${created.id}`);
    } catch (e) {
      setError(`Could not create a pipeline from "${card.name}": ${errorMessage(e)}`);
      setBusy(null);
    }
  }

  async function exportCard(card: Card) {
    try {
      const { fileName, file } = await trpc.gallery.export.query({ id: card.id });
      downloadJson(fileName, file);
    } catch (e) {
      setError(`Export failed: ${errorMessage(e)}`);
    }
  }

  async function remove(card: Card) {
    try {
      await trpc.gallery.delete.mutate({ id: card.id });
      setReload((n) => n + 1);
    } catch (e) {
      setError(`Delete failed: ${errorMessage(e)}`);
    }
  }

  return (
    <main className="wide-page">
      <div className="list-header">
        <h1>Template gallery</h1>
        <nav className="small">
          <Link href="/">Pipelines</Link> · <Link href="/import" data-testid="nav-import">Import a file</Link>
        </nav>
      </div>
      <div className="gallery-tools">
        <input type="search" placeholder="Search templates…" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="gallery-search" aria-label="Search templates" />
        <div className="chip-group" role="group" aria-label="Filter by modality">
          <button type="button" aria-pressed={modality === null} onClick={() => setModality(null)} data-testid="filter-all">All</button>
          {MODALITIES.map((m) => (
            <button key={m} type="button" aria-pressed={modality === m} onClick={() => setModality(modality === m ? null : m)} data-testid={`filter-${m}`}>
              {m}
            </button>
          ))}
        </div>
        <span className="muted small">Publish your own from a pipeline&apos;s toolbar: “Publish as template”.</span>
      </div>
      {error && <div className="banner error" role="alert" data-testid="gallery-error">{error}</div>}
      {cards === null ? (
        <div className="empty">Loading…</div>
      ) : cards.length === 0 ? (
        <div className="empty" data-testid="gallery-empty">No template matches{modality ? ` the ${modality} filter` : ""}{query ? ` “${query}”` : ""}.</div>
      ) : (
        <div className="gallery-grid" data-testid="gallery-grid">
          {cards.map((card) => (
            <article key={card.id} className="gallery-card" data-testid={`template-card-${card.slug ?? card.id}`} data-template-id={card.id} data-modalities={card.modalities.join(",")}>
              <div className="diagram-box">
                <GraphDiagram diagram={card.diagram} testId={`diagram-${card.slug ?? card.id}`} />
              </div>
              <div className="body">
                <h3 data-testid="template-name">{card.name}</h3>
                <ModalityBadges modalities={card.modalities} />
                <p className="desc" data-testid="template-description">{card.description || <span className="muted">No description.</span>}</p>
                <div className="tag-row small muted">
                  {card.source === "builtin" ? "Built in" : "Published"} · {card.nodeCount} nodes
                  {card.sampleCount > 0 ? ` · ${card.sampleCount} sample input${card.sampleCount === 1 ? "" : "s"}` : ""}
                  {card.tags.length > 0 && ` · ${card.tags.join(", ")}`}
                </div>
              </div>
              <div className="foot">
                <button type="button" className="primary" disabled={busy !== null} onClick={() => void use(card)} data-testid={`use-template-${card.slug ?? card.id}`}>
                  {busy === card.id ? "Creating…" : "Use template"}
                </button>
                <button type="button" onClick={() => void exportCard(card)} data-testid={`export-template-${card.slug ?? card.id}`}>Export</button>
                <span className="spacer" />
                {card.source === "user" && (
                  <button type="button" className="danger" onClick={() => void remove(card)} data-testid={`delete-template-${card.id}`}>Delete</button>
                )}
              </div>
            </article>
          ))}
        </div>
      )}
    </main>
  );
}
