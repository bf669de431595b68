import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { proxyAgentFor } from "../agent/proxy";
import { formatAppSpecError, type AppSpecError } from "../server/contracts/appspec";
import type { BundleType } from "../server/contracts/resources";
import { bundleContentTypes, REVISION_UPLOAD_PATH, type RevisionUploadError, type RevisionUploadResult } from "../server/contracts/revision";
import { inspectBundle } from "../server/bundles/inspect-bundle";
import { packDirectory } from "../server/bundles/pack-directory";
import { DomainError } from "../server/domain-errors";
import type { Connection } from "./connection";
import { CliError, EXIT } from "./exit-codes";
import { formatBytes, type Terminal } from "./terminal";

export type PushOptions = {
  dir: string;
  applicationName: string;
  description?: string;
  format: BundleType;
};

export type PushResult = RevisionUploadResult & {
  /** False when the application already had a revision with these exact bytes. */
  created: boolean;
};

/** Local limits; the server enforces its own (configurable) limits again on upload. */
const LOCAL_LIMITS = { maxEntries: 1_000_000, maxUncompressedBytes: 64 * 1024 ** 3 };

/** Formats bundle problems with paths relative to the current directory, so editors can jump to them. */
function formatProblems(errors: AppSpecError[], dir: string | null): string[] {
  return errors.map((e) => `  ${formatAppSpecError(dir === null ? e : { ...e, file: path.join(dir, e.file) })}`);
}

/** Packs `dir` and runs the server's own bundle checks on the archive; throws exit-2 CliError naming file, line and field. */
export async function packAndValidate(options: PushOptions, workDir: string): Promise<string> {
  const stat = fs.statSync(options.dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) throw new CliError(`${options.dir} is not a directory`);
  const file = path.join(workDir, `bundle.${options.format}`);
  await packDirectory(options.dir, file, options.format);
  try {
    await inspectBundle(file, options.format, LOCAL_LIMITS);
  } catch (err) {
    if (err instanceof DomainError) {
      const errors = (err.details?.errors ?? []) as AppSpecError[];
      throw new CliError(`${options.dir} is not a valid revision (nothing was uploaded):`, EXIT.invalid, formatProblems(errors, options.dir));
    }
    throw err;
  }
  return file;
}

function uploadFile(
  conn: Connection,
  file: string,
  query: URLSearchParams,
  contentType: string,
  onProgress: (sent: number, total: number) => void,
): Promise<{ status: number; body: string }> {
  const size = fs.statSync(file).size;
  const target = new URL(`${conn.url}${REVISION_UPLOAD_PATH}?${query}`);
  const request = target.protocol === "https:" ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: "POST",
        headers: { authorization: `Bearer ${conn.token}`, "content-type": contentType, "content-length": size, accept: "application/json" },
        agent: proxyAgentFor(target.toString()),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", (err: NodeJS.ErrnoException) => reject(new CliError(`Cannot reach ${conn.url}: ${err.code ?? err.message}`)));
    let sent = 0;
    const stream = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
    stream.on("data", (chunk) => {
      sent += chunk.length;
      onProgress(sent, size);
    });
    stream.on("error", reject);
    stream.pipe(req);
  });
}

function progressBar(sent: number, total: number): string {
  const width = 30;
  const ratio = total === 0 ? 1 : sent / total;
  const filled = Math.round(ratio * width);
  return `Uploading [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${Math.floor(ratio * 100)}% ${formatBytes(sent)} / ${formatBytes(total)}`;
}

/** Validates the directory locally, packs it and uploads it as a new revision of the application. */
export async function pushRevision(conn: Connection, term: Terminal, options: PushOptions): Promise<PushResult> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "landline-push-"));
  try {
    const file = await packAndValidate(options, workDir);
    const size = fs.statSync(file).size;
    if (!term.interactive) term.err(`Uploading ${options.dir} as ${options.format} (${formatBytes(size)}) to ${options.applicationName}`);
    const query = new URLSearchParams({ application: options.applicationName, bundleType: options.format });
    if (options.description) query.set("description", options.description);
    let lastDraw = 0;
    const res = await uploadFile(conn, file, query, bundleContentTypes[options.format], (sent, total) => {
      const now = Date.now();
      if (sent === total || now - lastDraw > 100) {
        lastDraw = now;
        term.status(progressBar(sent, total));
      }
    });
    term.status("");
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      parsed = null;
    }
    if (res.status === 200 || res.status === 201) return { ...(parsed as RevisionUploadResult), created: res.status === 201 };
    const error = parsed as Partial<RevisionUploadError> | null;
    const message = error?.error ?? `HTTP ${res.status}`;
    if (res.status === 401) throw new CliError(`The server refused the API token: ${message}`);
    if (res.status === 400 || res.status === 413 || res.status === 422) {
      throw new CliError(`The server refused the bundle: ${message}`, EXIT.invalid, formatProblems(error?.errors ?? [], null));
    }
    throw new CliError(`Upload failed: ${message}`);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
