import type { Readable } from "node:stream";
import yauzl from "yauzl";
import type { Entry, ZipFile } from "yauzl";
import { DomainError } from "../domain-errors";
import { bundleRefused, entryProblem, ScanCollector, UNSUPPORTED_KIND_MESSAGE, type ArchiveScan, type ScanOptions } from "./archive-scan";

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const MADE_BY_UNIX = 3;
const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;
/** Longest symlink text read (Linux PATH_MAX). */
const MAX_LINK_TARGET_BYTES = 4096;

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
  const unixMode = entry.versionMadeBy >> 8 === MADE_BY_UNIX ? entry.externalFileAttributes >>> 16 : 0;
  const type = unixMode & S_IFMT;
  if (name.endsWith("/") || type === S_IFDIR) {
    collector.scan.entries.push({ path, kind: "directory", size: 0 });
    return;
  }
  if (type !== 0 && type !== S_IFREG && type !== S_IFLNK) {
    collector.problem(name, `the entry is a device file, FIFO or socket; ${UNSUPPORTED_KIND_MESSAGE}`);
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
  if (type === S_IFLNK) {
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
