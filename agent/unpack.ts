import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import * as tar from "tar";
import yauzl from "yauzl";
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

/** Normalises an archive entry name to a relative posix path; refuses absolute paths and `..`. */
export function checkEntryName(name: string): string {
  if (name.includes("\0")) throw new UnsafeBundleError(`bundle entry ${JSON.stringify(name)} has a NUL byte in its name`);
  const slashed = name.replace(/\\/g, "/");
  if (slashed.startsWith("/") || /^[A-Za-z]:/.test(slashed)) {
    throw new UnsafeBundleError(`bundle entry ${JSON.stringify(name)} has an absolute path`);
  }
  const parts = slashed.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw new UnsafeBundleError(`bundle entry ${JSON.stringify(name)} points outside the bundle (..)`);
  return parts.join("/");
}

/** A link target must stay inside the bundle: relative to the link (symlink) or to the root (hard link). */
export function checkLinkTarget(entry: string, target: string, kind: "symlink" | "hardlink"): void {
  const slashed = target.replace(/\\/g, "/");
  const outside = () => new UnsafeBundleError(`bundle ${kind} ${entry} points to ${JSON.stringify(target)}, outside the bundle`);
  if (slashed === "" || slashed.startsWith("/")) throw outside();
  let depth = kind === "symlink" ? entry.split("/").length - 1 : 0;
  for (const part of slashed.split("/")) {
    if (part === "..") depth--;
    else if (part !== "" && part !== ".") depth++;
    if (depth < 0) throw outside();
  }
}

class Budget {
  entries = 0;
  bytes = 0;
  constructor(private readonly limits: UnpackLimits) {}
  add(bytes: number): void {
    this.entries++;
    this.bytes += bytes;
    if (this.entries > this.limits.maxEntries) throw new UnsafeBundleError(`bundle has more than ${this.limits.maxEntries} entries`);
    if (this.bytes > this.limits.maxBytes) throw new UnsafeBundleError(`bundle unpacks to more than ${this.limits.maxBytes} bytes`);
  }
}

/** Refuses to write through a symlink the bundle itself created (the classic link-then-write escape). */
function assertNoSymlinkOnPath(root: string, relative: string): void {
  const parts = relative.split("/");
  let current = root;
  for (const part of parts.slice(0, -1)) {
    current = path.join(current, part);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(current);
    } catch {
      return;
    }
    if (stat.isSymbolicLink()) throw new UnsafeBundleError(`bundle entry ${relative} would be written through the symbolic link ${path.relative(root, current)}`);
    if (!stat.isDirectory()) throw new UnsafeBundleError(`bundle entry ${relative} needs ${path.relative(root, current)} to be a directory`);
  }
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, validateEntrySizes: true, decodeStrings: true, autoClose: true }, (error, zip) =>
      error ? reject(new UnsafeBundleError(`the bundle is not a valid zip file: ${error.message}`)) : resolve(zip),
    ),
  );
}

function openEntryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream))));
}

async function readAll(stream: NodeJS.ReadableStream, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new UnsafeBundleError("a symbolic link target in the bundle is too long");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function extractZip(file: string, dest: string, budget: Budget): Promise<void> {
  const zip = await openZip(file);
  await new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) => {
      zip.close();
      reject(error instanceof UnsafeBundleError ? error : new UnsafeBundleError(`the zip bundle could not be unpacked: ${(error as Error).message}`));
    };
    zip.on("error", fail);
    zip.on("end", resolve);
    zip.on("entry", (entry: yauzl.Entry) => {
      (async () => {
        const name = checkEntryName(entry.fileName);
        const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff;
        const type = unixMode & S_IFMT;
        const isDirectory = entry.fileName.endsWith("/") || type === S_IFDIR;
        budget.add(isDirectory ? 0 : entry.uncompressedSize);
        if (name === "") return;
        assertNoSymlinkOnPath(dest, name);
        const target = path.join(dest, name);
        if (isDirectory) {
          fs.mkdirSync(target, { recursive: true });
          return;
        }
        fs.mkdirSync(path.dirname(target), { recursive: true });
        if (type === S_IFLNK) {
          const linkTarget = await readAll(await openEntryStream(zip, entry), 4096);
          checkLinkTarget(name, linkTarget, "symlink");
          fs.symlinkSync(linkTarget, target);
          return;
        }
        if (type !== 0 && type !== S_IFREG) throw new UnsafeBundleError(`bundle entry ${name} is a device, FIFO or socket, which is not allowed`);
        const mode = unixMode & 0o7777 ? unixMode & 0o7777 : 0o644;
        await pipeline(await openEntryStream(zip, entry), fs.createWriteStream(target, { mode }));
        fs.chmodSync(target, mode);
      })().then(() => zip.readEntry(), fail);
    });
    zip.readEntry();
  });
}

const TAR_FILE_TYPES = new Set(["File", "OldFile", "ContiguousFile"]);

async function extractTar(file: string, dest: string, budget: Budget): Promise<void> {
  const problems: Error[] = [];
  await tar.t({
    file,
    onReadEntry: (entry) => {
      if (problems.length > 0) return;
      try {
        const name = checkEntryName(entry.path);
        if (entry.type === "Directory" || entry.type === "GNUDumpDir") {
          budget.add(0);
        } else if (TAR_FILE_TYPES.has(entry.type)) {
          budget.add(entry.size);
        } else if (entry.type === "SymbolicLink") {
          budget.add(0);
          checkLinkTarget(name, entry.linkpath ?? "", "symlink");
        } else if (entry.type === "Link") {
          budget.add(0);
          checkLinkTarget(name, checkEntryName(entry.linkpath ?? ""), "hardlink");
        } else {
          throw new UnsafeBundleError(`bundle entry ${name} has type ${entry.type}, which is not allowed (devices, FIFOs and sockets are refused)`);
        }
      } catch (error) {
        problems.push(error as Error);
      }
    },
  });
  if (problems.length > 0) throw problems[0];
  await tar.x({
    file,
    cwd: dest,
    strict: true,
    preserveOwner: false,
    onwarn: (_code, message) => problems.push(new UnsafeBundleError(`the tar bundle could not be unpacked: ${String(message)}`)),
  });
  if (problems.length > 0) throw problems[0];
}

/** When the bundle root holds one directory that contains the appspec, that directory is the revision (§4.1). */
function findRevisionRoot(dir: string): { root: string; stripped: string | null } {
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  if (entries.length === 1 && entries[0].isDirectory()) {
    const inner = path.join(dir, entries[0].name);
    if (fs.readdirSync(inner).some((n) => /appspec/i.test(n))) return { root: inner, stripped: entries[0].name };
  }
  return { root: dir, stripped: null };
}

/**
 * Unpacks a bundle into `dest` (replacing it), refusing absolute paths, `..`, links leaving the bundle,
 * writes through links, devices and oversized bundles. Works in a sibling temporary directory and
 * renames at the end, so `dest` is either the old or the complete new revision.
 */
export async function unpackBundle(
  file: string,
  bundleType: BundleType,
  dest: string,
  limits: UnpackLimits = DEFAULT_UNPACK_LIMITS,
): Promise<UnpackResult> {
  const work = `${dest}.unpack-${randomUUID().slice(0, 8)}`;
  fs.mkdirSync(work, { recursive: true, mode: 0o755 });
  const budget = new Budget(limits);
  try {
    if (bundleType === "zip") await extractZip(file, work, budget);
    else await extractTar(file, work, budget);
    const { root, stripped } = findRevisionRoot(work);
    fs.rmSync(dest, { recursive: true, force: true });
    fs.renameSync(root, dest);
    return { entries: budget.entries, bytes: budget.bytes, strippedDirectory: stripped };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
