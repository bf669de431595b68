"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type DragEvent } from "react";
import type { AppSpecError } from "@/server/contracts/appspec";
import type { RevisionUploadResult } from "@/server/contracts/revision";
import { Button } from "../../../_components/button";
import { TextField } from "../../../_components/field";
import { AlertIcon, CheckCircleIcon, FileIcon, UploadIcon } from "../../../_components/icons";
import { UploadProgress } from "../../../_components/progress-bar";
import { formatBytes } from "../../../_lib/format";
import { useTRPC } from "../../../_lib/trpc";
import { uploadRevision, type UploadHandle } from "../../../_lib/upload-revision";

type State =
  | { phase: "idle" }
  | { phase: "uploading"; file: File; fraction: number }
  | { phase: "done"; file: File; result: RevisionUploadResult; created: boolean }
  | { phase: "failed"; file: File; message: string; errors: AppSpecError[] };

export function RevisionUpload({ applicationName, onUploaded }: { applicationName: string; onUploaded?: (r: RevisionUploadResult) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [state, setState] = useState<State>({ phase: "idle" });
  const [description, setDescription] = useState("");
  const [dragging, setDragging] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const handle = useRef<UploadHandle | null>(null);

  const start = async (file: File) => {
    setState({ phase: "uploading", file, fraction: 0 });
    handle.current = uploadRevision(applicationName, description, file, (fraction) => setState((s) => (s.phase === "uploading" ? { ...s, fraction } : s)));
    const outcome = await handle.current.promise;
    handle.current = null;
    if (outcome.ok) {
      setState({ phase: "done", file, result: outcome.result, created: outcome.created });
      setDescription("");
      await queryClient.invalidateQueries({ queryKey: trpc.revisions.pathKey() });
      await queryClient.invalidateQueries({ queryKey: trpc.applications.pathKey() });
      onUploaded?.(outcome.result);
    } else {
      setState({ phase: "failed", file, message: outcome.message, errors: outcome.errors });
    }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file && state.phase !== "uploading") void start(file);
  };

  return (
    <div className="space-y-3">
      <TextField
        label="Description (optional)"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        placeholder="v1.4.2 – fixes the login redirect"
        hint="Write it first: the upload starts as soon as you choose a file."
        disabled={state.phase === "uploading"}
      />
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={`flex flex-col items-center justify-center gap-2 rounded-lg border-2 border-dashed px-6 py-8 text-center transition-colors ${dragging ? "border-accent bg-accent/5" : "border-border-strong bg-surface-2/30"}`}
        data-testid="revision-dropzone"
      >
        <UploadIcon size={22} className="text-faint" />
        <p className="text-sm">
          Drop a <span className="font-mono text-xs">.zip</span>, <span className="font-mono text-xs">.tar</span> or{" "}
          <span className="font-mono text-xs">.tar.gz</span> bundle here, or{" "}
          <button
            type="button"
            className="font-medium text-accent underline-offset-2 hover:underline"
            onClick={() => inputRef.current?.click()}
            disabled={state.phase === "uploading"}
          >
            choose a file
          </button>
        </p>
        <p className="text-xs text-faint">The bundle needs an appspec.yml at its root; it is checked before it is stored.</p>
        <input
          ref={inputRef}
          type="file"
          className="sr-only"
          aria-label="Revision bundle file"
          accept=".zip,.tar,.tgz,.gz,application/zip,application/x-tar,application/gzip"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = "";
            if (file) void start(file);
          }}
        />
      </div>
      {state.phase === "uploading" ? (
        <div className="space-y-2 rounded-md border border-border p-3">
          <UploadProgress fraction={state.fraction} label={`Uploading ${state.file.name} (${formatBytes(state.file.size)})`} />
          <div className="flex justify-between text-xs text-muted">
            <span>{state.fraction >= 1 ? "Checking the bundle and its appspec…" : " "}</span>
            <Button size="sm" variant="ghost" onClick={() => handle.current?.abort()}>
              Cancel
            </Button>
          </div>
        </div>
      ) : null}
      {state.phase === "done" ? (
        <p role="status" className="flex items-center gap-2 rounded-md border border-ok/30 bg-ok/5 px-3 py-2 text-sm">
          <CheckCircleIcon size={14} className="text-ok" />
          <span>
            {state.created ? "Uploaded" : "Already uploaded as"} <span className="font-mono">{state.result.revisionId}</span> ({formatBytes(state.result.size)},{" "}
            {state.result.bundleType}).
          </span>
        </p>
      ) : null}
      {state.phase === "failed" ? <UploadErrors fileName={state.file.name} message={state.message} errors={state.errors} /> : null}
    </div>
  );
}

function UploadErrors({ fileName, message, errors }: { fileName: string; message: string; errors: AppSpecError[] }) {
  return (
    <div role="alert" className="rounded-md border border-fail/30 bg-fail/5 p-3">
      <p className="flex items-center gap-2 text-sm font-medium text-fail">
        <AlertIcon size={14} /> {fileName} was not accepted
      </p>
      {/* The server's message repeats the first problem; the list below says each once. */}
      <p className="mt-1 text-sm text-fg">
        {errors.length === 0
          ? message
          : errors.length === 1
            ? "Fix this problem and upload it again:"
            : `Fix these ${errors.length} problems and upload it again:`}
      </p>
      {errors.length > 0 ? (
        <ul className="mt-2 space-y-1.5" aria-label="Problems in the bundle">
          {errors.map((e, i) => (
            <li key={i} className="flex gap-2 text-sm">
              <FileIcon size={14} className="mt-0.5 shrink-0 text-faint" />
              <span>
                <span className="font-mono text-xs">
                  {e.file || "bundle"}
                  {e.line ? `:${e.line}` : ""}
                  {e.line && e.column ? `:${e.column}` : ""}
                </span>
                {e.field ? <span className="ml-2 rounded bg-surface-2 px-1 font-mono text-xs text-muted">{e.field}</span> : null}
                <span className="ml-2">{e.message}</span>
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
