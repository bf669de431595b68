"use client";

import { useState } from "react";
import { CheckCircleIcon, CopyIcon } from "./icons";

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Non-secure origins have no clipboard API; fall back to a hidden textarea.
      const area = document.createElement("textarea");
      area.value = text;
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <button
      type="button"
      onClick={copy}
      className="inline-flex h-7 items-center gap-1 rounded-md border border-border-strong bg-surface px-2 text-xs text-muted hover:bg-surface-2 hover:text-fg"
      aria-label={copied ? "Copied" : label}
    >
      {copied ? <CheckCircleIcon size={13} className="text-ok" /> : <CopyIcon size={13} />}
      {copied ? "Copied" : label}
    </button>
  );
}

/** A command or secret in a code box with a copy button. */
export function CopyBlock({ text, label = "Copy" }: { text: string; label?: string }) {
  return (
    <div className="flex items-start gap-2 rounded-md border border-border bg-log-bg p-2">
      <code className="min-w-0 flex-1 whitespace-pre-wrap break-all font-mono text-xs text-log-fg">{text}</code>
      <CopyButton text={text} label={label} />
    </div>
  );
}
