import fs from "node:fs";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { Parser, type ReadEntry } from "tar";
import { DomainError } from "../domain-errors";
import { classifyTarEntry, TarStreamGuard, UNSUPPORTED_KIND_MESSAGE } from "../contracts/bundle-layout";
import { bundleRefused, entryProblem, ScanCollector, type ArchiveScan, type ScanOptions } from "./archive-scan";

/** Tar headers and padding on top of the entry bodies that maxUncompressedBytes counts. */
const TAR_OVERHEAD_ALLOWANCE = 64 * 1024 * 1024;

/** Lists a tar or tgz by streaming it once through the tar parser; only wanted file bodies are kept. */
export async function scanTar(file: string, gzip: boolean, options: ScanOptions): Promise<ArchiveScan> {
  const collector = new ScanCollector(options);
  const parser = new Parser({ strict: true });
  const source = fs.createReadStream(file);
  // Guards a gzip bomb whose tar stream is mostly padding, which the per-entry sizes would not see.
  const limit = options.maxUncompressedBytes + TAR_OVERHEAD_ALLOWANCE;
  const guard = new TarStreamGuard(gzip, limit);
  let currentEntry = "(archive)";
  source.on("data", (chunk) => guard.read(chunk.length));
  const meter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      const stop = guard.inflate(chunk);
      done(stop ? bundleRefused(`${stop} (while reading ${currentEntry})`, [entryProblem(currentEntry, stop)]) : null, chunk);
    },
  });

  return new Promise<ArchiveScan>((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      source.destroy();
      meter.unpipe();
      reject(err instanceof DomainError ? err : damaged(gzip, err));
    };
    parser.on("entry", (entry: ReadEntry) => {
      currentEntry = entry.path;
      try {
        scanEntry(entry, collector, options);
      } catch (err) {
        entry.resume();
        fail(err);
      }
    });
    parser.on("ignoredEntry", (entry: ReadEntry) => {
      collector.problem(entry.path, `unsupported tar entry type ${entry.type}; ${UNSUPPORTED_KIND_MESSAGE}`);
    });
    parser.on("error", fail);
    parser.on("end", () => {
      if (settled) return;
      settled = true;
      resolve(collector.scan);
    });
    const stages = gzip ? pipeline(source, zlib.createGunzip(), meter) : pipeline(source, meter);
    stages.catch(fail);
    meter.pipe(parser);
  });
}

function scanEntry(entry: ReadEntry, collector: ScanCollector, options: ScanOptions): void {
  const name = entry.path;
  const path = collector.admit(name, entry.size ?? 0);
  const skip = () => entry.resume();
  if (path === null) return skip();
  const classified = classifyTarEntry(entry.type, entry.mode);
  if ("problem" in classified) {
    collector.problem(name, classified.problem);
    return skip();
  }
  if (classified.kind === "directory") {
    collector.scan.entries.push({ path, kind: "directory", size: 0 });
    return skip();
  }
  if (classified.kind === "symlink" || classified.kind === "hardlink") {
    collector.scan.entries.push({ path, kind: classified.kind, size: 0, linkTarget: entry.linkpath ?? "" });
    return skip();
  }
  collector.scan.entries.push({ path, kind: "file", size: entry.size ?? 0 });
  if (!options.wanted(path)) return skip();
  if ((entry.size ?? 0) > options.maxWantedBytes) {
    collector.scan.contents.set(path, null);
    return skip();
  }
  const chunks: Buffer[] = [];
  entry.on("data", (chunk: Buffer) => chunks.push(chunk));
  entry.on("end", () => collector.scan.contents.set(path, Buffer.concat(chunks)));
}

function damaged(gzip: boolean, err: unknown): DomainError {
  const message = err instanceof Error ? err.message : String(err);
  const summary = gzip ? "the tgz archive is damaged or the gzip stream holds no tar archive" : "the tar archive is damaged";
  return bundleRefused(summary, [entryProblem("(archive)", message)]);
}
