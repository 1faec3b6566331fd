"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense, useCallback, useEffect, useState, type FormEvent } from "react";
import { CopyButton } from "@/components/publish/copy-button";
import { formatRelativeTime } from "@/lib/format";
import { errorMessage, trpc, type RouterOutputs } from "@/lib/trpc";
import "@/components/publish/publish.css";

type Key = RouterOutputs["apiKeys"]["list"][number];
type Created = RouterOutputs["apiKeys"]["create"];

interface Endpoint {
  slug: string;
  pipelineName: string;
  pipelineId: string;
}

/** Every published endpoint: one deployments.list per pipeline, batched into one request by tRPC. */
async function loadEndpoints(): Promise<Endpoint[]> {
  const pipelines = await trpc.pipelines.list.query();
  const listings = await Promise.all(pipelines.map((p) => trpc.deployments.list.query({ pipelineId: p.id })));
  return pipelines.flatMap((p, i) => {
    const listing = listings[i];
    return listing ? [{ slug: listing.slug, pipelineName: p.name, pipelineId: p.id }] : [];
  });
}

export function KeysPage() {
  return (
    <Suspense fallback={<main className="list-page muted">Loading…</main>}>
      <KeysPageInner />
    </Suspense>
  );
}

/** API keys for the published endpoints: create (shown once), list, revoke. */
function KeysPageInner() {
  const params = useSearchParams();
  const [keys, setKeys] = useState<Key[] | null>(null);
  const [endpoints, setEndpoints] = useState<Endpoint[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Set<string>>(() => new Set(params.get("scope") ? [params.get("scope") as string] : []));
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      const [k, e] = await Promise.all([trpc.apiKeys.list.query(), loadEndpoints()]);
      setKeys(k);
      setEndpoints(e);
      setError(null);
    } catch (err) {
      setError(`Could not load API keys: ${errorMessage(err)}`);
    }
  }, []);
  useEffect(() => void refresh(), [refresh]);

  async function create(event: FormEvent) {
    event.preventDefault();
    if (!name.trim() || scopes.size === 0) return;
    setBusy(true);
    try {
      const result = await trpc.apiKeys.create.mutate({ name: name.trim(), scopes: [...scopes] });
      setCreated(result);
      setName("");
      setError(null);
      await refresh();
    } catch (err) {
      setError(`Could not create the key: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  }

  async function revoke(id: string) {
    setBusy(true);
    try {
      await trpc.apiKeys.revoke.mutate({ id });
      setConfirming(null);
      await refresh();
    } catch (err) {
      setError(`Could not revoke the key: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  }

  function toggleScope(slug: string, on: boolean) {
    setScopes((current) => {
      const next = new Set(current);
      if (on) next.add(slug);
      else next.delete(slug);
      return next;
    });
  }

  const nameOf = (slug: string) => endpoints?.find((e) => e.slug === slug)?.pipelineName;

  return (
    <main className="list-page" style={{ maxWidth: 1040 }}>
      <div className="list-header">
        <h1>API keys</h1>
        <nav className="small nav-links">
          <Link href="/">Pipelines</Link>
          <Link href="/models">Models</Link>
        </nav>
      </div>
      <p className="muted" style={{ marginTop: -8 }}>
        Callers of a published endpoint send a key as <code>Authorization: Bearer &lt;key&gt;</code>. A key works only for the endpoints it is scoped to; Attune keeps only a hash of it.
      </p>
      {error && <div className="banner error" role="alert">{error}</div>}

      {created && (
        <div className="key-reveal" role="alert" data-testid="created-key">
          <p style={{ marginTop: 0 }}>
            <strong>Copy this key now: it is shown only once.</strong> Attune stores only its hash, so it cannot show it again. If you lose it, revoke it and create a new one.
          </p>
          <div className="endpoint-url">
            <code data-testid="created-key-value">{created.key}</code>
            <CopyButton text={created.key} testId="copy-created-key" />
          </div>
          <p className="small" style={{ marginBottom: 0 }}>
            “{created.name}” can call: {created.scopes.join(", ")}.{" "}
            <button type="button" onClick={() => setCreated(null)} data-testid="dismiss-created-key">I have copied it</button>
          </p>
        </div>
      )}

      <form className="pub-card" onSubmit={(e) => void create(e)} data-testid="create-key-form">
        <h3>New key</h3>
        <div className="pub-row">
          <input className="grow" style={{ maxWidth: 360 }} placeholder="Name, e.g. Support widget (production)" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} data-testid="new-key-name" />
          <button type="submit" className="primary" disabled={busy || !name.trim() || scopes.size === 0} data-testid="create-key">
            Create key
          </button>
        </div>
        <div className="small muted" style={{ marginTop: 10 }}>Endpoints this key may call:</div>
        {endpoints === null ? (
          <div className="muted small">Loading endpoints…</div>
        ) : endpoints.length === 0 ? (
          <div className="muted small" data-testid="no-endpoints">Nothing is published yet: open a pipeline and use Publish first.</div>
        ) : (
          <div className="scope-list">
            {endpoints.map((e) => (
              <label key={e.slug}>
                <input type="checkbox" checked={scopes.has(e.slug)} onChange={(ev) => toggleScope(e.slug, ev.target.checked)} data-testid={`scope-${e.slug}`} />
                <code>{e.slug}</code> <span className="muted">({e.pipelineName})</span>
              </label>
            ))}
          </div>
        )}
      </form>

      {keys && keys.length === 0 && <div className="empty">No API keys yet.</div>}
      {keys && keys.length > 0 && (
        <table className="pipeline-table" data-testid="key-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Endpoints</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} className={k.revokedAt ? "revoked" : undefined} data-testid={`key-row-${k.id}`} data-key-name={k.name} data-revoked={k.revokedAt ? "true" : "false"}>
                <td>{k.name}</td>
                <td>
                  <code>atn_{k.prefix}…</code>
                </td>
                <td className="small">
                  {k.scopes.map((s) => (
                    <div key={s}>
                      <code>{s}</code>
                      {nameOf(s) ? <span className="muted"> ({nameOf(s)})</span> : null}
                    </div>
                  ))}
                </td>
                <td className="small" title={new Date(k.createdAt).toLocaleString()}>{formatRelativeTime(k.createdAt)}</td>
                <td className="small" data-testid="key-last-used" title={k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : undefined}>
                  {k.lastUsedAt ? formatRelativeTime(k.lastUsedAt) : <span className="muted">never</span>}
                </td>
                <td className="small">{k.revokedAt ? <span className="pill failed">revoked {formatRelativeTime(k.revokedAt)}</span> : <span className="pill ok">active</span>}</td>
                <td className="actions">
                  {!k.revokedAt &&
                    (confirming === k.id ? (
                      <>
                        <button type="button" className="danger confirm" onClick={() => void revoke(k.id)} disabled={busy} data-testid={`confirm-revoke-${k.id}`}>
                          Revoke: callers using it get 401
                        </button>
                        <button type="button" onClick={() => setConfirming(null)}>Cancel</button>
                      </>
                    ) : (
                      <button type="button" className="danger" onClick={() => setConfirming(k.id)} data-testid={`revoke-${k.id}`}>
                        Revoke
                      </button>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
