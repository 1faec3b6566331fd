"use client";

import { TRPCClientError } from "@trpc/client";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useState } from "react";
import { formatRelativeTime } from "@/lib/format";
import { errorMessage, trpc, type RouterOutputs } from "@/lib/trpc";
import { CopyButton } from "./copy-button";
import { RunLog } from "./run-log";
import { SnippetTabs } from "./snippet-tabs";
import { TryIt } from "./try-it";
import "./publish.css";

type Listing = NonNullable<RouterOutputs["deployments"]["list"]>;
type Description = RouterOutputs["deployments"]["describe"];

interface Problem {
  path: string;
  message: string;
}

/** Compile problems of a refused publish (BAD_REQUEST carries them in error.data.problems). */
function publishProblems(error: unknown): Problem[] {
  if (!(error instanceof TRPCClientError)) return [];
  const data: unknown = error.data;
  if (typeof data !== "object" || data === null || !("problems" in data) || !Array.isArray(data.problems)) return [];
  return (data.problems as unknown[]).filter((p): p is Problem => typeof p === "object" && p !== null && "message" in p && typeof p.message === "string");
}

export interface PublishPanelProps {
  pipelineId: string;
  /** The editor's last saved version, which is what a publish freezes. */
  savedVersion?: number;
  /** The editor holds edits that are not saved yet (they will not be part of this publish). */
  unsaved?: boolean;
  /** A save is in flight: publishing now could freeze the version before it. */
  saving?: boolean;
}

/**
 * Publish a pipeline as a versioned REST endpoint and operate it: live version, rollback, the URL
 * on this origin, OpenAPI, snippets, a try-it form and the run log.
 */
export function PublishPanel({ pipelineId, savedVersion, unsaved = false, saving = false }: PublishPanelProps) {
  const [listing, setListing] = useState<Listing | null | undefined>(undefined);
  const [description, setDescription] = useState<Description | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [slugDraft, setSlugDraft] = useState("");
  const [origin, setOrigin] = useState("");
  const [logTick, setLogTick] = useState(0);

  useEffect(() => setOrigin(window.location.origin), []);

  const refresh = useCallback(async () => {
    try {
      const next = await trpc.deployments.list.query({ pipelineId });
      setListing(next);
      setDescription(next ? await trpc.deployments.describe.query({ slug: next.slug }) : null);
      setError(null);
    } catch (err) {
      setListing((current) => current ?? null);
      setError(`Could not load the deployment: ${errorMessage(err)}`);
    }
  }, [pipelineId]);
  useEffect(() => void refresh(), [refresh]);

  const publish = useCallback(async () => {
    setBusy("publish");
    setProblems([]);
    setNotice(null);
    try {
      const slug = slugDraft.trim();
      const result = await trpc.deployments.publish.mutate({ pipelineId, ...(listing === null && slug ? { slug } : {}) });
      setNotice(`Published v${result.version} (pipeline version v${result.pipelineVersion}) at /v1/pipelines/${result.slug}. It is live now.`);
      setError(null);
      await refresh();
    } catch (err) {
      setProblems(publishProblems(err));
      setError(`Publish failed: ${errorMessage(err)}`);
    } finally {
      setBusy(null);
    }
  }, [pipelineId, slugDraft, listing, refresh]);

  const rollback = useCallback(
    async (version: number) => {
      if (!listing) return;
      setBusy(`rollback-${version}`);
      setNotice(null);
      try {
        await trpc.deployments.rollback.mutate({ slug: listing.slug, version });
        setNotice(`v${version} is live again. Requests already running finish on the version they started with.`);
        setError(null);
        await refresh();
      } catch (err) {
        setError(`Rollback failed: ${errorMessage(err)}`);
      } finally {
        setBusy(null);
      }
    },
    [listing, refresh],
  );

  const slug = listing?.slug;

  /** The OpenAPI URL takes an API key like the endpoint does; the studio shows it through tRPC instead. */
  const openOpenApi = useCallback(async () => {
    if (!listing) return;
    const tab = window.open("", "_blank");
    try {
      const doc = await trpc.deployments.openapi.query({ slug: listing.slug, serverUrl: window.location.origin });
      const url = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2)], { type: "application/json" }));
      if (tab) tab.location.href = url;
      else window.location.href = url;
    } catch (err) {
      tab?.close();
      setError(`Could not load the OpenAPI document: ${errorMessage(err)}`);
    }
  }, [listing]);
  const runUrl = slug ? `${origin}/v1/pipelines/${slug}/run` : "";
  const openapiUrl = slug ? `${origin}/v1/pipelines/${slug}/openapi.json` : "";
  const liveEntry = listing?.versions.find((v) => v.live);
  const inputs = useMemo(() => description?.inputs ?? [], [description]);

  if (listing === undefined && !error) return <div className="muted" data-testid="publish-loading">Loading deployment…</div>;

  return (
    <div className="publish-panel" data-testid="publish-panel">
      {error && (
        <div className="banner error" role="alert" data-testid="publish-error">
          {error}
          {problems.length > 0 && (
            <ul data-testid="publish-problems">
              {problems.map((p, i) => (
                <li key={i}>
                  {p.message}
                  {p.path ? <span className="muted"> (node {p.path})</span> : null}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {notice && <div className="banner ok" role="status" data-testid="publish-notice">{notice}</div>}

      <section className="pub-card">
        <h3>
          <span className="grow">Endpoint</span>
          {listing && liveEntry ? (
            <span className="pill ok" data-testid="live-version">live v{liveEntry.version}</span>
          ) : (
            <span className="pill" data-testid="live-version">not published</span>
          )}
        </h3>
        {unsaved && (
          <div className="banner warn" data-testid="publish-unsaved">
            This pipeline has unsaved changes. Publishing freezes the last saved version{savedVersion ? ` (v${savedVersion})` : ""}; save first (Ctrl+S) to include your latest edits.
          </div>
        )}
        <div className="pub-row">
          {listing === null && (
            <label className="grow">
              <span className="small muted">Endpoint name (slug, optional: derived from the pipeline name)</span>
              <input value={slugDraft} onChange={(e) => setSlugDraft(e.target.value.toLowerCase())} placeholder="e.g. angry-caller" pattern="[a-z0-9]+(-[a-z0-9]+)*" maxLength={64} data-testid="publish-slug" />
            </label>
          )}
          <button type="button" className="primary" onClick={() => void publish()} disabled={busy !== null || saving} data-testid="publish">
            {busy === "publish" ? "Publishing…" : listing ? "Publish new version" : "Publish"}
            {savedVersion ? ` (pipeline v${savedVersion})` : ""}
          </button>
          {saving && <span className="small muted">Saving…</span>}
        </div>
        {slug && (
          <>
            <p className="small muted" style={{ margin: "12px 0 4px" }}>
              Call it from anywhere that reaches this studio, with an <Link href={`/keys?scope=${encodeURIComponent(slug)}`} data-testid="publish-keys-link">API key</Link> scoped to <code>{slug}</code>:
            </p>
            <div className="endpoint-url">
              <span className="method">POST</span>
              <code data-testid="endpoint-url">{runUrl}</code>
              <CopyButton text={runUrl} testId="copy-endpoint-url" />
            </div>
            <div className="endpoint-url">
              <span className="method">POST</span>
              <code className="muted">{`${origin}/v1/pipelines/${slug}/versions/{version}/run`}</code>
            </div>
            <div className="endpoint-url">
              <span className="method get">GET</span>
              <code data-testid="openapi-url">{openapiUrl}</code>
              <button type="button" onClick={() => void openOpenApi()} data-testid="openapi-open" title="The OpenAPI 3.1 document; callers fetch it from the URL with their API key">
                View OpenAPI
              </button>
            </div>
            {description && (
              <p className="small muted" style={{ margin: "8px 0 0" }} data-testid="endpoint-interface">
                Inputs:{" "}
                {description.inputs.length === 0 ? "none" : description.inputs.map((i) => `${i.name} (${i.type}${i.required ? "" : ", optional"})`).join(", ")}. Outputs:{" "}
                {description.outputs.length === 0 ? "none" : description.outputs.map((o) => `${o.name} (${o.portType})`).join(", ")}.
              </p>
            )}
          </>
        )}
      </section>

      {listing && (
        <section className="pub-card">
          <h3>Versions</h3>
          <table className="pub-table" data-testid="deployment-versions">
            <thead>
              <tr>
                <th>Version</th>
                <th>Pipeline version</th>
                <th>Published</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {listing.versions.map((v) => (
                <tr key={v.version} className={v.live ? "live" : undefined} data-testid={`deployment-version-${v.version}`} data-live={v.live ? "true" : "false"}>
                  <td>
                    v{v.version} {v.live && <span className="pill ok">live</span>}
                  </td>
                  <td>v{v.pipelineVersion}</td>
                  <td title={new Date(v.createdAt).toLocaleString()}>{formatRelativeTime(v.createdAt)}</td>
                  <td style={{ textAlign: "right" }}>
                    {!v.live && (
                      <button type="button" onClick={() => void rollback(v.version)} disabled={busy !== null} data-testid={`rollback-${v.version}`}>
                        {busy === `rollback-${v.version}` ? "Switching…" : liveEntry && v.version < liveEntry.version ? "Roll back to this" : "Make live"}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      {slug && description && (
        <>
          <section className="pub-card">
            <h3>Call it</h3>
            <SnippetTabs url={runUrl} inputs={inputs} />
          </section>
          <section className="pub-card">
            <h3>Try it</h3>
            <TryIt slug={slug} inputs={inputs} versions={listing?.versions.map((v) => v.version) ?? []} onRan={() => setLogTick((t) => t + 1)} />
          </section>
          <section className="pub-card">
            <RunLog slug={slug} refreshKey={logTick} />
          </section>
        </>
      )}
    </div>
  );
}
