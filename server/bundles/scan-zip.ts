import type { Readable } from "node:stream";
import yauzl from "yauzl";
import type { Entry, ZipFile } from "yauzl";
import { DomainError } from "../domain-errors";
import { classifyZipEntry, MAX_LINK_TARGET_BYTES } from "../contracts/bundle-layout";
import { bundleRefused, entryProblem, ScanCollector, type ArchiveScan, type ScanOptions } from "./archive-scan";

const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;

/** Lists a zip from its central directory (random access, no full read); reads only wanted files and symlink targets. */
export async function scanZip(file: string, options: ScanOptions): Promise<ArchiveScan> {
  let zip: ZipFile;
  try {
    // decodeStrings off: yauzl would stop at the first unsafe name; we report every one ourselves.
    zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true });
  } catch (err) {
    throw bundleRefused("the zip archive is damaged", [entryProblem("(archive)", describeError(err))]);
  }
  try {
    const collector = new ScanCollector(options);
    collector.expectEntries(zip.entryCount);
    for await (const entry of zip.eachEntry()) await scanEntry(zip, entry, collector, options);
    collector.checkTotalCompression();
    return collector.scan;
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw bundleRefused("the zip archive is damaged", [entryProblem("(archive)", describeError(err))]);
  } finally {
    zip.close();
  }
}

async function scanEntry(zip: ZipFile, entry: Entry, collector: ScanCollector, options: ScanOptions): Promise<void> {
  // Unix-style names: Info-ZIP's unzip treats backslashes as separators too.
  const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
  const path = collector.admit(name, entry.uncompressedSize);
  if (path === null) return;
  const classified = classifyZipEntry(name, entry.externalFileAttributes);
  if ("problem" in classified) {
    collector.problem(name, classified.problem);
    return;
  }
  if (classified.kind === "directory") {
    collector.scan.entries.push({ path, kind: "directory", size: 0 });
    return;
  }
  if (entry.isEncrypted()) {
    collector.problem(name, "the entry is encrypted; agents cannot unpack it");
    return;
  }
  if (entry.compressionMethod !== METHOD_STORE && entry.compressionMethod !== METHOD_DEFLATE) {
    collector.problem(name, `the entry uses compression method ${entry.compressionMethod}; use deflate or store`);
    return;
  }
  if (collector.refuseCompressionBomb(name, entry.compressedSize, entry.uncompressedSize)) return;
  if (classified.kind === "symlink") {
    const target = await readBody(zip, entry, MAX_LINK_TARGET_BYTES);
    if (target === null) collector.problem(name, "the symlink target is longer than 4096 bytes");
    else collector.scan.entries.push({ path, kind: "symlink", size: 0, linkTarget: target.toString("utf8") });
    return;
  }
  collector.scan.entries.push({ path, kind: "file", size: entry.uncompressedSize });
  if (options.wanted(path)) collector.scan.contents.set(path, await readBody(zip, entry, options.maxWantedBytes));
}

/** The entry's bytes, or null when it declares or turns out to have more than max. */
async function readBody(zip: ZipFile, entry: Entry, max: number): Promise<Buffer | null> {
  if (entry.uncompressedSize > max) return null;
  const stream: Readable = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > max) {
      stream.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
