import { gzipSync } from "node:zlib";
import { Header } from "tar";
import yazl from "yazl";
import type { BundleType } from "../contracts/resources";

/** One entry of an archive built for a test; names are written exactly as given, unsafe ones included. */
export type TestEntry = {
  name: string;
  body?: string | Buffer;
  /** Default file. */
  type?: "file" | "directory" | "symlink" | "hardlink" | "fifo";
  /** Symlink text or hard-link archive path. */
  target?: string;
  /** Permission bits; default 0o755 for directories and scripts (.sh), else 0o644. */
  mode?: number;
};

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const S_IFIFO = 0o010000;
const MTIME = new Date("2020-01-01T00:00:00Z");

function modeOf(entry: TestEntry): number {
  return entry.mode ?? (entry.type === "directory" || entry.name.endsWith(".sh") ? 0o755 : 0o644);
}

function bodyOf(entry: TestEntry): Buffer {
  return Buffer.isBuffer(entry.body) ? entry.body : Buffer.from(entry.body ?? "");
}

/**
 * A zip holding the entries. yazl refuses unsafe names, so each entry is written under a same-length
 * placeholder that is then patched to the real name in the local header and the central directory.
 */
export async function zipBuffer(entries: TestEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const patches: [Buffer, Buffer][] = [];
  entries.forEach((entry, i) => {
    const real = Buffer.from(entry.name);
    const placeholder = Buffer.from(`${i.toString(36)}~`.padEnd(real.length, "Q").slice(0, Math.max(real.length, 2)));
    if (placeholder.length !== real.length) throw new Error(`entry name too short to patch: ${entry.name}`);
    const name = placeholder.toString();
    patches.push([placeholder, real]);
    const options = { mtime: MTIME, compress: entry.type !== "symlink" };
    switch (entry.type ?? "file") {
      case "directory":
        // yazl appends "/" to directory names; the placeholder already ends where the real "/" is.
        zip.addBuffer(Buffer.alloc(0), name, { ...options, mode: S_IFDIR | modeOf(entry) });
        break;
      case "symlink":
        zip.addBuffer(Buffer.from(entry.target ?? ""), name, { ...options, mode: S_IFLNK | 0o777 });
        break;
      case "fifo":
        zip.addBuffer(Buffer.alloc(0), name, { ...options, mode: S_IFIFO | 0o644 });
        break;
      case "hardlink":
        throw new Error("zip archives have no hard links");
      default:
        zip.addBuffer(bodyOf(entry), name, { ...options, mode: S_IFREG | modeOf(entry) });
    }
  });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  const out = Buffer.concat(chunks);
  for (const [placeholder, real] of patches) {
    for (let at = out.indexOf(placeholder); at !== -1; at = out.indexOf(placeholder, at + 1)) real.copy(out, at);
  }
  return out;
}

const tarTypes = { file: "File", directory: "Directory", symlink: "SymbolicLink", hardlink: "Link", fifo: "FIFO" } as const;

/** A ustar archive holding the entries, headers written directly so unsafe names survive. */
export function tarBuffer(entries: TestEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const type = entry.type ?? "file";
    const body = type === "file" ? bodyOf(entry) : Buffer.alloc(0);
    const header = Buffer.alloc(512);
    new Header({
      path: entry.name,
      mode: modeOf(entry),
      uid: 0,
      gid: 0,
      size: body.length,
      mtime: MTIME,
      type: tarTypes[type],
      linkpath: entry.target,
      uname: "",
      gname: "",
    }).encode(header, 0);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export async function archiveOf(type: BundleType, entries: TestEntry[]): Promise<Buffer> {
  if (type === "zip") return zipBuffer(entries);
  const tar = tarBuffer(entries);
  return type === "tgz" ? gzipSync(tar) : tar;
}

/** A valid appspec for tests: one file mapping and the named hook scripts. */
export function testAppSpec(scripts: Record<string, string> = { ApplicationStart: "scripts/start.sh" }, source = "app"): string {
  const hooks = Object.entries(scripts)
    .map(([event, location]) => `  ${event}:\n    - location: ${location}\n      timeout: 60\n`)
    .join("");
  return `version: 0.0\nos: linux\nfiles:\n  - source: ${source}\n    destination: /opt/app\nhooks:\n${hooks}`;
}

/** A small valid bundle: appspec, app/index.html and scripts/start.sh, optionally under a top-level directory. */
export function validBundleEntries(prefix = ""): TestEntry[] {
  return [
    { name: `${prefix}appspec.yml`, body: testAppSpec() },
    { name: `${prefix}app/index.html`, body: "<h1>hello</h1>\n" },
    { name: `${prefix}scripts/start.sh`, body: "#!/bin/sh\necho started\n" },
  ];
}

const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
/** "Version made by" 2.0 on MS-DOS (host 0): readers that trust it would ignore the Unix mode bits. */
const MADE_BY_MSDOS = 20;

/** The same zip, with every central-directory header claiming to be made by MS-DOS; the Unix mode bits stay. */
export function claimMadeByMsDos(zip: Buffer): Buffer {
  const out = Buffer.from(zip);
  for (let at = out.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); at !== -1; at = out.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 4)) {
    if (out.readUInt32LE(at) === CENTRAL_DIRECTORY_HEADER) out.writeUInt16LE(MADE_BY_MSDOS, at + 4);
  }
  return out;
}

/** A bundle whose entry `name` is `inflatedBytes` of zeros: deflate packs those about 1000:1, like a decompression bomb. */
export async function bombBundle(type: BundleType, name: string, inflatedBytes: number): Promise<Buffer> {
  return archiveOf(type, [...validBundleEntries(), { name, body: Buffer.alloc(inflatedBytes) }]);
}
