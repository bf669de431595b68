import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import * as tar from "tar";
import yauzl from "yauzl";
import {
  checkBundleListing,
  classifyTarEntry,
  classifyZipEntry,
  describeExcessiveCompression,
  describeUnsafeEntryName,
  MAX_LINK_TARGET_BYTES,
  normalizeEntryName,
  type EntryClassification,
  TarStreamGuard,
  type ListedEntry,
} from "../server/contracts/bundle-layout";
import type { BundleType } from "../server/contracts/resources";

export type UnpackLimits = {
  /** Most entries a bundle may hold. */
  maxEntries: number;
  /** Most bytes the unpacked bundle may take. */
  maxBytes: number;
};

export const DEFAULT_UNPACK_LIMITS: UnpackLimits = { maxEntries: 200_000, maxBytes: 16 * 1024 ** 3 };

export class UnsafeBundleError extends Error {}

export type UnpackResult = { entries: number; bytes: number; strippedDirectory: string | null };

/** Tar headers and padding on top of the entry bodies that maxBytes counts. */
const TAR_OVERHEAD_ALLOWANCE = 64 * 1024 * 1024;
const GZIP_MAGIC = [0x1f, 0x8b];

function refuse(name: string, message: string): never {
  throw new UnsafeBundleError(`bundle entry ${JSON.stringify(name)}: ${message}`);
}

class Budget {
  entries = 0;
  bytes = 0;
  compressed = 0;
  constructor(private readonly limits: UnpackLimits) {}

  /** Admits one entry by the shared name and kind rules; returns its normalized path. */
  admit(name: string, classified: EntryClassification, bytes: number): string {
    this.entries++;
    this.bytes += bytes;
    if (this.entries > this.limits.maxEntries) throw new UnsafeBundleError(`bundle has more than ${this.limits.maxEntries} entries`);
    if (this.bytes > this.limits.maxBytes) throw new UnsafeBundleError(`bundle unpacks to more than ${this.limits.maxBytes} bytes`);
    const unsafe = describeUnsafeEntryName(name);
    if (unsafe) refuse(name, unsafe);
    if ("problem" in classified) refuse(name, classified.problem);
    return normalizeEntryName(name);
  }

  /** Most bytes a tar stream may inflate to: the entry bodies plus headers and padding. */
  maxInflatedBytes(): number {
    return this.limits.maxBytes + TAR_OVERHEAD_ALLOWANCE;
  }
}

type ZipListing = { entries: ListedEntry[]; zipEntries: { listed: ListedEntry; entry: yauzl.Entry; mode: number }[] };

async function readLinkTarget(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string): Promise<string> {
  if (entry.uncompressedSize > MAX_LINK_TARGET_BYTES) refuse(name, `the symlink target is longer than ${MAX_LINK_TARGET_BYTES} bytes`);
  const chunks: Buffer[] = [];
  for await (const chunk of (await zip.openReadStreamPromise(entry)) as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads the central directory and symlink texts through the shared rules, before anything is written. */
async function listZip(zip: yauzl.ZipFile, budget: Budget): Promise<ZipListing> {
  const listing: ZipListing = { entries: [], zipEntries: [] };
  for await (const entry of zip.eachEntry()) {
    const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
    const classified = classifyZipEntry(name, entry.externalFileAttributes);
    const isDirectory = "kind" in classified && classified.kind === "directory";
    const entryPath = budget.admit(name, classified, isDirectory ? 0 : entry.uncompressedSize);
    if (!("kind" in classified)) continue;
    const bomb = describeExcessiveCompression(entry.compressedSize, entry.uncompressedSize);
    if (bomb) refuse(name, `the entry ${bomb}`);
    budget.compressed += entry.compressedSize;
    const linkTarget = classified.kind === "symlink" ? await readLinkTarget(zip, entry, name) : undefined;
    const listed: ListedEntry = { path: entryPath, kind: classified.kind, linkTarget };
    listing.entries.push(listed);
    listing.zipEntries.push({ listed, entry, mode: classified.mode });
  }
  const total = describeExcessiveCompression(budget.compressed, budget.bytes);
  if (total) throw new UnsafeBundleError(`the zip bundle as a whole ${total}`);
  return listing;
}

/** Refuses to write through a symlink the bundle itself created (the classic link-then-write escape). */
function assertNoSymlinkOnPath(root: string, relative: string): void {
  let current = root;
  for (const part of relative.split("/").slice(0, -1)) {
    current = path.join(current, part);
    const stat = fs.lstatSync(current, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isSymbolicLink())
      throw new UnsafeBundleError(`bundle entry ${relative} would be written through the symbolic link ${path.relative(root, current)}`);
    if (!stat.isDirectory()) throw new UnsafeBundleError(`bundle entry ${relative} needs ${path.relative(root, current)} to be a directory`);
  }
}

async function extractZip(file: string, dest: string, budget: Budget): Promise<ListedEntry[]> {
  let zip: yauzl.ZipFile;
  try {
    // decodeStrings off: names are read and judged by the shared rules, exactly as the server reads them.
    zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true });
  } catch (error) {
    throw new UnsafeBundleError(`the bundle is not a valid zip file: ${(error as Error).message}`);
  }
  try {
    const listing = await listZip(zip, budget);
    throwOnListingProblems(listing.entries);
    for (const { listed, entry, mode } of listing.zipEntries) {
      if (listed.path === "") continue;
      assertNoSymlinkOnPath(dest, listed.path);
      const target = path.join(dest, listed.path);
      if (listed.kind === "directory") {
        // Owner rwx, as tar gives directories, so the entries inside can be written by a non-root agent.
        fs.mkdirSync(target, { recursive: true, mode: mode | 0o700 });
        continue;
      }
      fs.mkdirSync(path.dirname(target), { recursive: true });
      if (listed.kind === "symlink") {
        fs.symlinkSync(listed.linkTarget!, target);
        continue;
      }
      // "wx" (O_CREAT|O_EXCL) never follows a link or replaces a file that is already there.
      await pipeline(await zip.openReadStreamPromise(entry), fs.createWriteStream(target, { mode, flags: "wx" }));
      fs.chmodSync(target, mode);
    }
    return listing.entries;
  } catch (error) {
    if (error instanceof UnsafeBundleError) throw error;
    throw new UnsafeBundleError(`the zip bundle could not be unpacked: ${(error as Error).message}`);
  } finally {
    zip.close();
  }
}

/** Streams the tar (through one gzip layer, metered) and lists it through the shared rules, writing nothing. */
async function listTar(file: string, budget: Budget): Promise<ListedEntry[]> {
  const head = Buffer.alloc(4);
  const fd = fs.openSync(file, "r");
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const gzip = GZIP_MAGIC.every((byte, i) => head[i] === byte);
  const entries: ListedEntry[] = [];
  const parser = new tar.Parser({ strict: true });
  const guard = new TarStreamGuard(gzip, budget.maxInflatedBytes());
  let current = "(archive)";
  const source = fs.createReadStream(file);
  source.on("data", (chunk) => guard.read(chunk.length));
  const meter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      const stop = guard.inflate(chunk);
      done(stop ? new UnsafeBundleError(`bundle entry ${JSON.stringify(current)}: ${stop}`) : null, chunk);
    },
  });
  const problems: Error[] = [];
  parser.on("entry", (entry: tar.ReadEntry) => {
    current = entry.path;
    try {
      const classified = classifyTarEntry(entry.type, entry.mode);
      const kind = "kind" in classified ? classified.kind : null;
      const entryPath = budget.admit(entry.path, classified, kind === "file" ? entry.size : 0);
      entries.push({ path: entryPath, kind: kind!, linkTarget: kind === "symlink" || kind === "hardlink" ? (entry.linkpath ?? "") : undefined });
    } catch (error) {
      problems.push(error as Error);
    }
    entry.resume();
  });
  parser.on("ignoredEntry", (entry: tar.ReadEntry) =>
    problems.push(new UnsafeBundleError(`bundle entry ${JSON.stringify(entry.path)} has unsupported type ${entry.type}`)),
  );
  parser.on("warn", (_code: string, message: unknown) => problems.push(new UnsafeBundleError(`the tar bundle could not be read: ${String(message)}`)));
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on("end", resolve);
    parser.on("error", reject);
  });
  const stages = gzip ? pipeline(source, zlib.createGunzip(), meter) : pipeline(source, meter);
  meter.pipe(parser);
  try {
    await Promise.all([stages, parsed]);
  } catch (error) {
    source.destroy();
    meter.unpipe();
    throw error instanceof UnsafeBundleError ? error : new UnsafeBundleError(`the tar bundle could not be read: ${(error as Error).message}`);
  }
  if (problems.length > 0) throw problems[0];
  return entries;
}

async function extractTar(file: string, dest: string, budget: Budget): Promise<ListedEntry[]> {
  const entries = await listTar(file, budget);
  throwOnListingProblems(entries);
  const problems: Error[] = [];
  try {
    await tar.x({
      file,
      cwd: dest,
      strict: true,
      preserveOwner: false,
      onwarn: (_code, message) => problems.push(new UnsafeBundleError(`the tar bundle could not be unpacked: ${String(message)}`)),
    });
  } catch (error) {
    throw new UnsafeBundleError(`the tar bundle could not be unpacked: ${(error as Error).message}`);
  }
  if (problems.length > 0) throw problems[0];
  return entries;
}

function throwOnListingProblems(entries: readonly ListedEntry[]): void {
  const [first] = checkBundleListing(entries).problems;
  if (first) refuse(first.entry, first.message);
}

/**
 * After unpacking, every created entry must really be inside the work directory, whatever the rules
 * above believed: the kernel's view (realpath) has the last word. A dangling symlink is judged by the
 * directory it sits in; its text was checked by the shared link rules.
 */
function assertRealPathsInside(work: string, entries: readonly ListedEntry[]): void {
  const root = fs.realpathSync(work);
  const inside = (p: string) => p === root || p.startsWith(root + path.sep);
  for (const entry of entries) {
    const created = path.join(work, entry.path);
    let real: string;
    try {
      real = fs.realpathSync(created);
    } catch {
      real = path.join(fs.realpathSync(path.dirname(created)), path.basename(created));
    }
    if (!inside(real)) throw new UnsafeBundleError(`bundle entry ${entry.path} resolves to ${real}, outside the bundle`);
  }
}

/**
 * Unpacks a bundle into `dest` (replacing it). The archive is first listed and judged by the same rules
 * the server applied at upload (server/contracts/bundle-layout.ts): unsafe names, devices, links leaving
 * the bundle, duplicate paths, decompression bombs, size and entry limits. Only then is it written, in a
 * sibling temporary directory, real paths checked, and renamed at the end, so `dest` is either the old or
 * the complete new revision.
 */
export async function unpackBundle(file: string, bundleType: BundleType, dest: string, limits: UnpackLimits = DEFAULT_UNPACK_LIMITS): Promise<UnpackResult> {
  const work = `${dest}.unpack-${randomUUID().slice(0, 8)}`;
  fs.mkdirSync(work, { recursive: true, mode: 0o755 });
  const budget = new Budget(limits);
  try {
    const entries = bundleType === "zip" ? await extractZip(file, work, budget) : await extractTar(file, work, budget);
    assertRealPathsInside(work, entries);
    const { root } = checkBundleListing(entries);
    fs.rmSync(dest, { recursive: true, force: true });
    fs.renameSync(path.join(work, root), dest);
    return { entries: budget.entries, bytes: budget.bytes, strippedDirectory: root === "" ? null : root.slice(0, -1) };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
