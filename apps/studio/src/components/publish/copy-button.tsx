"use client";

import { useState } from "react";

/** Copies text to the clipboard; falls back to a prompt where the Clipboard API is unavailable (plain http off localhost). */
export function CopyButton({ text, label = "Copy", testId }: { text: string; label?: string; testId?: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      window.prompt("Copy this:", text);
    }
  }
  return (
    <button type="button" onClick={() => void copy()} data-testid={testId} title="Copy to the clipboard">
      {copied ? "Copied" : label}
    </button>
  );
}
