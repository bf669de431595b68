import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { bundleDownloadPath, type CommandSpec } from "../server/contracts/agent-protocol";
import { APPSPEC_FILE_NAMES, formatAppSpecError } from "../server/contracts/appspec";
import { parseAppSpecCached } from "./appspec-cache";
import { readPointer, readRevisionRecord, writeFileAtomic, type Layout, type RevisionRecord } from "./layout";
import { proxyAgentFor } from "./proxy";
import { unpackBundle, type UnpackLimits } from "./unpack";

export type SystemLog = (text: string) => void;

export type DownloadOptions = {
  serverUrl: string;
  credential: string;
  sha256: string;
  size: number;
  bundlesDir: string;
  log: SystemLog;
  signal?: AbortSignal;
  /** Attempts after a dropped connection, each resuming where the last one stopped. */
  attempts?: number;
  /** First retry delay; doubles per attempt. */
  retryDelayMs?: number;
  /** A connection idle this long is dropped and resumed. */
  idleTimeoutMs?: number;
};

class FatalDownloadError extends Error {}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest("hex"), size };
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason ?? new Error("aborted"));
      },
      { once: true },
    );
  });
}

/** One GET from `offset`; appends to the partial file. Returns when the response body ended. */
function fetchRange(options: DownloadOptions, partial: string, offset: number): Promise<void> {
  const url = new URL(bundleDownloadPath(options.sha256), options.serverUrl);
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(
      url,
      {
        agent: proxyAgentFor(url.toString()),
        headers: {
          authorization: `Bearer ${options.credential}`,
          // If-Range: resume only while the server still has the same bundle, else it sends it whole.
          ...(offset > 0 ? { range: `bytes=${offset}-`, "if-range": `"${options.sha256}"` } : {}),
        },
        signal: options.signal,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status === 416) {
          response.resume();
          fs.truncateSync(partial, 0);
          return reject(new Error("the server refused the resume offset; starting over"));
        }
        if (status !== 200 && status !== 206) {
          response.resume();
          const error = `the server answered ${status} ${response.statusMessage ?? ""} for bundle ${options.sha256}`;
          return reject(status >= 500 || status === 429 ? new Error(error) : new FatalDownloadError(error));
        }
        const append = status === 206 && offset > 0;
        pipeline(response, fs.createWriteStream(partial, { flags: append ? "a" : "w", mode: 0o600 })).then(resolve, reject);
      },
    );
    request.setTimeout(options.idleTimeoutMs ?? 60_000, () => request.destroy(new Error("the connection was idle too long")));
    request.on("error", reject);
  });
}

/**
 * Makes the bundle available at <bundlesDir>/<sha256>: reuses a verified copy, otherwise downloads
 * with Range resume after dropped connections and verifies size and sha256 before keeping it.
 */
export async function downloadBundle(options: DownloadOptions): Promise<string> {
  const { sha256, size, log } = options;
  const final = path.join(options.bundlesDir, sha256);
  if (fileSize(final) === size && fs.existsSync(final)) {
    log(`Bundle ${sha256.slice(0, 12)} is already on this host (${formatBytes(size)})`);
    return final;
  }
  const partial = `${final}.partial`;
  const attempts = options.attempts ?? 6;
  let delay = options.retryDelayMs ?? 1000;
  let restartedAfterMismatch = false;
  log(`Downloading bundle ${sha256.slice(0, 12)} (${formatBytes(size)})`);
  for (let attempt = 1; ; attempt++) {
    const have = fileSize(partial);
    if (have > size) fs.truncateSync(partial, 0);
    try {
      if (fileSize(partial) < size || size === 0) {
        if (have > 0 && have < size) log(`Resuming the download at ${formatBytes(have)}`);
        await fetchRange(options, partial, fileSize(partial));
      }
      const actual = await hashFile(partial);
      if (actual.size !== size || actual.sha256 !== sha256) {
        fs.rmSync(partial, { force: true });
        const problem = `the downloaded bundle does not match: expected ${size} bytes with sha256 ${sha256}, got ${actual.size} bytes with sha256 ${actual.sha256}`;
        if (actual.size < size) throw new Error(problem);
        if (restartedAfterMismatch) throw new FatalDownloadError(problem);
        restartedAfterMismatch = true;
        throw new Error(problem);
      }
      fs.renameSync(partial, final);
      log(`Downloaded and verified bundle ${sha256.slice(0, 12)}`);
      return final;
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (error instanceof FatalDownloadError || attempt >= attempts) {
        throw new Error(`Downloading the bundle failed: ${(error as Error).message}`);
      }
      log(`Download interrupted at ${formatBytes(fileSize(partial))}: ${(error as Error).message}; retrying in ${(delay / 1000).toFixed(1)} s`);
      await sleep(delay, options.signal);
      delay = Math.min(delay * 2, 30_000);
    }
  }
}

/** Finds the appspec at the revision root: appspec.yml, then appspec.yaml. */
export function findAppSpecFile(archiveDir: string): string | null {
  for (const name of APPSPEC_FILE_NAMES) {
    const file = path.join(archiveDir, name);
    if (fs.existsSync(file)) return file;
  }
  return null;
}

/**
 * Keeps at most maxRevisions deployment directories per group, counting the current one, and never
 * deletes the last successfully installed one (§5.6).
 */
export function removeOldRevisions(layout: Layout, groupId: string, currentDeploymentId: string, maxRevisions: number, log: SystemLog): void {
  const groupDir = layout.groupDir(groupId);
  if (!fs.existsSync(groupDir)) return;
  const keep = readPointer(layout.lastSuccessfulInstallFile(groupId));
  const others = fs
    .readdirSync(groupDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== currentDeploymentId)
    .map((e) => ({ dir: path.join(groupDir, e.name), mtime: fs.statSync(path.join(groupDir, e.name)).mtimeMs }))
    .sort((a, b) => a.mtime - b.mtime);
  let excess = others.length - maxRevisions + 1;
  for (const other of others) {
    if (excess <= 0) break;
    if (other.dir === keep) continue;
    fs.rmSync(other.dir, { recursive: true, force: true });
    log(`Removed old revision directory ${other.dir}`);
    excess--;
  }
}

/** Deletes cached bundles that no kept deployment directory refers to. */
export function pruneBundleCache(layout: Layout, keepSha256: string): void {
  const referenced = new Set([keepSha256]);
  if (fs.existsSync(layout.deploymentsDir)) {
    for (const group of fs.readdirSync(layout.deploymentsDir)) {
      const groupDir = path.join(layout.deploymentsDir, group);
      if (!fs.statSync(groupDir).isDirectory()) continue;
      for (const deployment of fs.readdirSync(groupDir)) {
        const record = readRevisionRecord(path.join(groupDir, deployment, "revision.json"));
        if (record) referenced.add(record.sha256);
      }
    }
  }
  for (const name of fs.readdirSync(layout.bundlesDir)) {
    const sha = name.replace(/\.partial$/, "");
    if (!referenced.has(sha)) fs.rmSync(path.join(layout.bundlesDir, name), { force: true });
  }
}

export type PrepareRevisionOptions = {
  layout: Layout;
  spec: CommandSpec;
  serverUrl: string;
  credential: string;
  maxRevisions: number;
  log: SystemLog;
  signal?: AbortSignal;
  unpackLimits?: UnpackLimits;
};

/** The DownloadBundle event: retention, download (or cache hit), safe unpack, appspec check, _most_recent_install. */
export async function prepareRevision(options: PrepareRevisionOptions): Promise<RevisionRecord> {
  const { layout, spec, log } = options;
  const { deploymentGroupId: groupId, deploymentId } = spec;
  removeOldRevisions(layout, groupId, deploymentId, options.maxRevisions, log);
  const free = fs.statfsSync(layout.bundlesDir);
  if (free.bavail * free.bsize < spec.revision.size * 2) {
    throw new Error(
      `Not enough disk space under ${layout.root}: the bundle needs ${formatBytes(spec.revision.size)} plus room to unpack, ${formatBytes(free.bavail * free.bsize)} free`,
    );
  }
  const bundle = await downloadBundle({
    serverUrl: options.serverUrl,
    credential: options.credential,
    sha256: spec.revision.sha256,
    size: spec.revision.size,
    bundlesDir: layout.bundlesDir,
    log,
    signal: options.signal,
  });
  const deploymentDir = layout.deploymentDir(groupId, deploymentId);
  fs.mkdirSync(deploymentDir, { recursive: true, mode: 0o755 });
  const archiveDir = layout.archiveDir(groupId, deploymentId);
  const unpacked = await unpackBundle(bundle, spec.revision.bundleType, archiveDir, options.unpackLimits);
  log(
    `Unpacked ${unpacked.entries} entries (${formatBytes(unpacked.bytes)}) into ${archiveDir}` +
      (unpacked.strippedDirectory ? ` (leading directory ${unpacked.strippedDirectory}/ removed)` : ""),
  );
  const appSpecFile = findAppSpecFile(archiveDir);
  if (!appSpecFile) throw new Error("The bundle has no appspec.yml or appspec.yaml at its root");
  const parsed = parseAppSpecCached(fs.readFileSync(appSpecFile, "utf8"), path.basename(appSpecFile));
  if (!parsed.ok) throw new Error(`The appspec is invalid:\n${parsed.errors.map(formatAppSpecError).join("\n")}`);
  const record: RevisionRecord = {
    deploymentId,
    deploymentGroupId: groupId,
    revisionId: spec.revision.revisionId,
    sha256: spec.revision.sha256,
    bundleType: spec.revision.bundleType,
  };
  writeFileAtomic(layout.revisionFile(groupId, deploymentId), JSON.stringify(record));
  writeFileAtomic(layout.mostRecentInstallFile(groupId), deploymentDir);
  pruneBundleCache(layout, spec.revision.sha256);
  return record;
}
