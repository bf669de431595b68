import type { AppSpecError } from "@/server/contracts/appspec";
import { bundleContentTypes, REVISION_UPLOAD_PATH, type RevisionUploadError, type RevisionUploadResult } from "@/server/contracts/revision";

export type UploadOutcome =
  { ok: true; result: RevisionUploadResult; created: boolean } | { ok: false; message: string; errors: AppSpecError[]; status: number };

export type UploadHandle = { promise: Promise<UploadOutcome>; abort: () => void };

function contentTypeOf(fileName: string): string {
  const name = fileName.toLowerCase();
  if (name.endsWith(".zip")) return bundleContentTypes.zip;
  if (name.endsWith(".tar")) return bundleContentTypes.tar;
  if (name.endsWith(".tgz") || name.endsWith(".tar.gz")) return bundleContentTypes.tgz;
  return "application/octet-stream";
}

const statusMessages: Record<number, string> = {
  401: "Your session has ended. Sign in again.",
  403: "Your role cannot upload revisions.",
  413: "The bundle is larger than this server accepts.",
};

/** Streams the archive as the request body with XMLHttpRequest, which (unlike fetch) reports upload progress. */
export function uploadRevision(applicationName: string, description: string, file: File, onProgress: (fraction: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const query = new URLSearchParams({ application: applicationName });
  if (description.trim()) query.set("description", description.trim());
  const promise = new Promise<UploadOutcome>((resolve) => {
    xhr.open("POST", `${REVISION_UPLOAD_PATH}?${query}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader("content-type", contentTypeOf(file.name));
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status === 200 || xhr.status === 201) {
        resolve({ ok: true, result: body as RevisionUploadResult, created: xhr.status === 201 });
        return;
      }
      const err = body as Partial<RevisionUploadError> | null;
      resolve({
        ok: false,
        status: xhr.status,
        message: statusMessages[xhr.status] ?? (typeof err?.error === "string" ? err.error : `Upload failed (HTTP ${xhr.status})`),
        errors: Array.isArray(err?.errors) ? err.errors : [],
      });
    };
    xhr.onerror = () => resolve({ ok: false, status: 0, message: "The connection to the server was lost during the upload.", errors: [] });
    xhr.onabort = () => resolve({ ok: false, status: 0, message: "Upload cancelled.", errors: [] });
    xhr.send(file);
  });
  return { promise, abort: () => xhr.abort() };
}
