import { APPSPEC_FILE_NAMES } from "./appspec";

/**
 * The bundle-safety rules: what names, entry kinds, links and compression a revision bundle may hold and
 * where its root is. The server's upload check, the CLI's local check and the agent's unpacker all read
 * archives through these functions, so they cannot disagree about what a bundle contains. Pure: each side
 * does its own I/O and hands the facts it read to these rules.
 */

/** What an archive entry is, after refusing devices, FIFOs and sockets. */
export type BundleEntryKind = "file" | "directory" | "symlink" | "hardlink";

/** Symlinks followed while resolving one path before it counts as a loop (Linux's limit). */
const MAX_SYMLINK_HOPS = 40;

/** Longest symlink text read from an archive (Linux PATH_MAX). */
export const MAX_LINK_TARGET_BYTES = 4096;

/**
 * Most an entry, or the whole archive, may inflate relative to its compressed size. Deflate tops out near
 * 1032:1; source trees, binaries and assets compress 2-20:1, so 200:1 refuses only bombs and freak files.
 */
export const MAX_COMPRESSION_RATIO = 200;

/** Inflated sizes up to this are never refused for their ratio: small files of zeros are harmless. */
export const COMPRESSION_RATIO_FLOOR_BYTES = 1024 * 1024;

/** Why an archive entry name (or link target) is unsafe to unpack, or null when it is safe. Backslashes count as separators. */
export function describeUnsafeEntryName(name: string): string | null {
  if (name.includes("\0")) return "the name contains a NUL character";
  if (name === "") return "the name is empty";
  const slashed = name.replace(/\\/g, "/");
  if (slashed.startsWith("/") || /^[A-Za-z]:/.test(slashed)) return "the name is an absolute path";
  if (slashed.split("/").includes("..")) return "the name contains a .. segment that could escape the bundle";
  return null;
}

/** "./a//b/" -> "a/b"; the bundle root is "". Only for names describeUnsafeEntryName accepts. */
export function normalizeEntryName(name: string): string {
  return name
    .split("/")
    .filter((s) => s !== "" && s !== ".")
    .join("/");
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/** How to create an entry: its kind and permission bits; or why the archive's header for it is refused. */
export type EntryClassification = { kind: BundleEntryKind; mode: number } | { problem: string };

/**
 * Reads a zip entry's kind from its central-directory header. The Unix mode in the high 16 bits of the
 * external attributes decides, whatever host the entry claims to be made by: an entry "made by MS-DOS"
 * with symlink bits is a symlink to every reader of this rule, so the link rules check it; it can never
 * pass one side as a plain file and become a link on the other.
 */
export function classifyZipEntry(name: string, externalFileAttributes: number): EntryClassification {
  const unixMode = (externalFileAttributes >>> 16) & 0xffff;
  const type = unixMode & S_IFMT;
  const permissions = unixMode & 0o7777;
  if (name.endsWith("/") || type === S_IFDIR) {
    if (type !== 0 && type !== S_IFDIR) return { problem: "the entry is named as a directory but its mode says otherwise" };
    return { kind: "directory", mode: permissions || 0o755 };
  }
  if (type === S_IFLNK) return { kind: "symlink", mode: 0o777 };
  if (type === 0 || type === S_IFREG) return { kind: "file", mode: permissions || 0o644 };
  return { problem: `the entry is a device file, FIFO or socket; ${UNSUPPORTED_KIND_MESSAGE}` };
}

const TAR_KINDS: Record<string, BundleEntryKind> = {
  File: "file",
  OldFile: "file",
  ContiguousFile: "file",
  Directory: "directory",
  SymbolicLink: "symlink",
  Link: "hardlink",
};

/** Reads a tar entry's kind from node-tar's type name; devices, FIFOs and every other type are refused. */
export function classifyTarEntry(type: string, mode: number | undefined): EntryClassification {
  const kind = TAR_KINDS[type];
  if (!kind) return { problem: `the entry is a tar ${type} entry; ${UNSUPPORTED_KIND_MESSAGE}` };
  return { kind, mode: (mode ?? 0) & 0o7777 || (kind === "directory" ? 0o755 : 0o644) };
}

export const UNSUPPORTED_KIND_MESSAGE = "bundles may hold only files, directories, symlinks and hard links";

/**
 * Why `inflated` bytes from `compressed` bytes look like a decompression bomb, or null. Applies to one
 * zip entry, to a whole zip, and to a gzip stream (the tar inside a tgz).
 */
export function describeExcessiveCompression(compressed: number, inflated: number): string | null {
  if (inflated <= COMPRESSION_RATIO_FLOOR_BYTES) return null;
  if (inflated <= MAX_COMPRESSION_RATIO * compressed) return null;
  const ratio = compressed === 0 ? "unbounded" : `${Math.round(inflated / compressed)}:1`;
  return `inflates ${compressed} bytes to ${inflated} (${ratio}, more than ${MAX_COMPRESSION_RATIO}:1); refused as a possible decompression bomb`;
}

const NESTED_COMPRESSION_MAGICS = [
  [0x1f, 0x8b],
  [0x28, 0xb5, 0x2f, 0xfd],
];

/**
 * Why the first bytes of a tar stream (after any gzip layer was removed) are refused: node-tar would
 * silently inflate a gzip or zstd stream found there, out of reach of the compression-ratio rule.
 */
export function describeNestedCompression(head: Uint8Array): string | null {
  const nested = NESTED_COMPRESSION_MAGICS.some((magic) => head.length >= magic.length && magic.every((byte, i) => head[i] === byte));
  return nested ? "the tar stream is itself compressed (gzip or zstd inside the archive); pack it with one compression layer" : null;
}

/**
 * Follows a tar stream as it is read from disk and, for a tgz, inflated; says why to stop: a second
 * compression layer, more than maxInflatedBytes, or a gzip ratio past the bomb limit. Bytes read from disk
 * run ahead of what gunzip has consumed, so a ratio measured mid-stream is never too high.
 */
export class TarStreamGuard {
  private compressed = 0;
  private inflated = 0;

  constructor(
    private readonly gzip: boolean,
    private readonly maxInflatedBytes: number,
  ) {}

  /** Counts bytes read from the archive file, before any gunzip. */
  read(bytes: number): void {
    this.compressed += bytes;
  }

  /** Counts one chunk of the tar stream; returns why to stop reading, or null. */
  inflate(chunk: Uint8Array): string | null {
    const nested = this.inflated === 0 ? describeNestedCompression(chunk) : null;
    this.inflated += chunk.length;
    if (nested) return nested;
    if (this.inflated > this.maxInflatedBytes) return `the bundle unpacks to more than ${this.maxInflatedBytes} bytes; refused as a possible archive bomb`;
    const bomb = this.gzip ? describeExcessiveCompression(this.compressed, this.inflated) : null;
    return bomb && `the gzip stream ${bomb}`;
  }
}

/** One archive entry as read, with its name already normalized. */
export type ListedEntry = {
  /** Normalized path from the archive root ("a/b"; the root itself is ""). */
  path: string;
  kind: BundleEntryKind;
  /** Symlink text, or the archive path a hard link points at. */
  linkTarget?: string;
};

/** A problem with one entry; `entry` is its archive path. */
export type BundleProblem = { entry: string; message: string };

export type BundleLayout = {
  /** "" or the single top-level directory that is the bundle root, with a trailing slash. */
  root: string;
  /** Archive path of the appspec, e.g. appspec.yml or myapp/appspec.yml; null when there is none. */
  appSpecPath: string | null;
  problems: BundleProblem[];
};

/**
 * Checks a whole listing: no path twice (unless both are directories), none below a file or a symlink (an
 * unpacker would write through the link), no link leaving the bundle root, and where the root and the
 * appspec are.
 */
export function checkBundleListing(entries: readonly ListedEntry[]): BundleLayout {
  const problems: BundleProblem[] = [];
  const kinds = new Map<string, BundleEntryKind>();
  for (const e of entries) {
    const seen = kinds.get(e.path);
    if (seen !== undefined && !(seen === "directory" && e.kind === "directory")) {
      problems.push({ entry: e.path, message: "the path appears twice in the archive; refused" });
    }
    kinds.set(e.path, e.kind);
  }
  for (const e of entries) {
    const parts = e.path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join("/");
      const kind = kinds.get(parent);
      if (kind === "file" || kind === "hardlink") {
        problems.push({ entry: e.path, message: `the entry sits under ${parent}, which is a file; refused` });
        break;
      }
      if (kind === "symlink") {
        problems.push({ entry: e.path, message: `the entry would be written through the symlink ${parent}; refused` });
        break;
      }
    }
  }
  const located = locateAppSpec(kinds);
  const root = located?.root ?? "";
  problems.push(...checkLinks(entries, root, kinds));
  return { root, appSpecPath: located?.appSpecPath ?? null, problems };
}

function checkLinks(entries: readonly ListedEntry[], root: string, kinds: ReadonlyMap<string, BundleEntryKind>): BundleProblem[] {
  const problems: BundleProblem[] = [];
  const symlinks = new Map<string, string>();
  for (const e of entries) if (e.kind === "symlink" && e.path.startsWith(root)) symlinks.set(e.path.slice(root.length), e.linkTarget ?? "");
  const firstAt = new Map<string, number>();
  entries.forEach((e, i) => {
    if (!firstAt.has(e.path)) firstAt.set(e.path, i);
  });
  for (const [index, e] of entries.entries()) {
    if (!e.path.startsWith(root)) continue;
    if (e.kind === "symlink" && !e.linkTarget) {
      problems.push({ entry: e.path, message: "the symlink has an empty target; refused" });
    } else if (resolveBundlePath(e.path.slice(root.length), symlinks) === null) {
      const message =
        e.kind === "symlink"
          ? `the symlink points at ${e.linkTarget}, outside the bundle root; refused`
          : "the entry is reached through a symlink that leaves the bundle root; refused";
      problems.push({ entry: e.path, message });
    } else if (e.kind === "hardlink" && !isInsideRoot(e.linkTarget ?? "", root, symlinks)) {
      problems.push({ entry: e.path, message: `the hard link points at ${e.linkTarget}, outside the bundle root; refused` });
    } else if (e.kind === "hardlink" && !isLinkableFile(e.linkTarget ?? "", index, firstAt, kinds)) {
      problems.push({ entry: e.path, message: `the hard link points at ${e.linkTarget}, which is not a file earlier in the bundle; refused` });
    }
  }
  return problems;
}

/** A hard link target is an archive path, not relative to the link. */
function isInsideRoot(archivePath: string, root: string, symlinks: ReadonlyMap<string, string>): boolean {
  if (describeUnsafeEntryName(archivePath)) return false;
  const normalized = normalizeEntryName(archivePath);
  return normalized.startsWith(root) && resolveBundlePath(normalized.slice(root.length), symlinks) !== null;
}

/** Only a regular file already unpacked can be hard-linked; a directory, a symlink or a later entry cannot. */
function isLinkableFile(archivePath: string, linkIndex: number, firstAt: ReadonlyMap<string, number>, kinds: ReadonlyMap<string, BundleEntryKind>): boolean {
  const target = normalizeEntryName(archivePath);
  const kind = kinds.get(target);
  return (kind === "file" || kind === "hardlink") && (firstAt.get(target) ?? Infinity) < linkIndex;
}

/**
 * Where the bundle root and the appspec are, given every normalized entry path and its kind.
 * Like CodeDeploy: the appspec is at the archive root, or, when the root holds exactly one directory and
 * nothing else, inside that directory, which then becomes the root. appspec.yml wins over appspec.yaml.
 */
export function locateAppSpec(kinds: ReadonlyMap<string, BundleEntryKind>): { root: string; appSpecPath: string } | null {
  for (const name of APPSPEC_FILE_NAMES) if (kinds.has(name)) return { root: "", appSpecPath: name };
  const topLevel = new Set<string>();
  for (const path of kinds.keys()) if (path !== "") topLevel.add(path.split("/")[0]);
  if (topLevel.size !== 1) return null;
  const [dir] = topLevel;
  const isDirectory = kinds.get(dir) === "directory" || [...kinds.keys()].some((p) => p.startsWith(`${dir}/`));
  if (!isDirectory) return null;
  for (const name of APPSPEC_FILE_NAMES) if (kinds.has(`${dir}/${name}`)) return { root: `${dir}/`, appSpecPath: `${dir}/${name}` };
  return null;
}

/**
 * Resolves a root-relative path through the bundle's own symlinks (path -> target, both root-relative
 * paths and link texts), the way the kernel would after unpacking. Returns the normalized root-relative
 * result, or null when it would leave the bundle root, reach an absolute target or loop.
 */
export function resolveBundlePath(path: string, symlinks: ReadonlyMap<string, string>): string | null {
  const resolved: string[] = [];
  const pending = path.split("/");
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (resolved.length === 0) return null;
      resolved.pop();
      continue;
    }
    resolved.push(part);
    const target = symlinks.get(resolved.join("/"));
    if (target === undefined) continue;
    if (++hops > MAX_SYMLINK_HOPS || describeUnsafeAbsolute(target)) return null;
    resolved.pop();
    pending.unshift(...target.replace(/\\/g, "/").split("/"));
  }
  return resolved.join("/");
}

function describeUnsafeAbsolute(target: string): boolean {
  const slashed = target.replace(/\\/g, "/");
  return slashed.startsWith("/") || /^[A-Za-z]:/.test(slashed) || target.includes("\0");
}
