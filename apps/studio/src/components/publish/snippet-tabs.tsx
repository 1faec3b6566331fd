"use client";

import { useMemo, useState } from "react";
import { CopyButton } from "./copy-button";
import { API_KEY_VARIABLE, buildSnippets, type EndpointInput, type Snippets } from "./snippets";

const TABS: { id: keyof Snippets; label: string }[] = [
  { id: "curl", label: "curl" },
  { id: "typescript", label: "TypeScript" },
  { id: "python", label: "Python" },
];

export function SnippetTabs({ url, inputs }: { url: string; inputs: EndpointInput[] }) {
  const [tab, setTab] = useState<keyof Snippets>("curl");
  const snippets = useMemo(() => buildSnippets(url, inputs), [url, inputs]);
  const hasMedia = inputs.some((i) => i.type === "image" || i.type === "audio");
  return (
    <div>
      <p className="small muted" style={{ marginTop: 0 }}>
        Set <code>{API_KEY_VARIABLE}</code> in your environment to an API key.
        {hasMedia ? " Images and audio travel as base64 in the JSON body (multipart/form-data uploads work too)." : ""}
      </p>
      <div className="pub-row" style={{ justifyContent: "space-between" }}>
        <div className="snippet-tabs" role="tablist">
          {TABS.map((t) => (
            <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} onClick={() => setTab(t.id)} data-testid={`snippet-tab-${t.id}`}>
              {t.label}
            </button>
          ))}
        </div>
        <CopyButton text={snippets[tab]} testId="copy-snippet" />
      </div>
      <pre className="code" data-testid={`snippet-${tab}`} data-snippet={tab}>
        {snippets[tab]}
      </pre>
    </div>
  );
}
