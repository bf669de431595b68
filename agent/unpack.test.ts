import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { Header } from "tar";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import yazl from "yazl";
import type { BundleType } from "../server/contracts/resources";
import { bombBundle, claimMadeByMsDos, tarBuffer, validBundleEntries, zipBuffer } from "../server/test/test-archives";
import { unpackBundle } from "./unpack";

let tmp: string;
let dest: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "landline-unpack-"));
  dest = path.join(tmp, "work", "deployment-archive");
  fs.mkdirSync(path.dirname(dest), { recursive: true });
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

type ZipEntry = { name: string; content?: string; mode?: number; directory?: boolean };

/** Builds a real zip. Names may hold "../" via `rename`: yazl refuses them, so bytes are patched after. */
async function zip(entries: ZipEntry[], rename: [string, string][] = []): Promise<string> {
  const z = new yazl.ZipFile();
  for (const e of entries) {
    if (e.directory) z.addEmptyDirectory(e.name);
    else z.addBuffer(Buffer.from(e.content ?? ""), e.name, { mode: e.mode ?? 0o100644 });
  }
  z.end();
  const chunks: Buffer[] = [];
  for await (const c of z.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  const buffer = Buffer.concat(chunks);
  for (const [from, to] of rename) {
    expect(from.length).toBe(to.length);
    let at = buffer.indexOf(from);
    while (at !== -1) {
      buffer.write(to, at, "latin1");
      at = buffer.indexOf(from, at + 1);
    }
  }
  const file = path.join(tmp, "bundle.zip");
  fs.writeFileSync(file, buffer);
  return file;
}

type TarEntry = { path: string; type?: "File" | "Directory" | "SymbolicLink" | "Link" | "CharacterDevice"; content?: string; linkpath?: string; mode?: number };

/** Builds a real tar (optionally gzipped) from raw headers, so unsafe names can be written. */
function tarball(entries: TarEntry[], gzip = false): string {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const content = Buffer.from(e.content ?? "");
    const type = e.type ?? "File";
    const header = Buffer.alloc(512);
    new Header({
      path: e.path,
      mode: e.mode ?? (type === "Directory" ? 0o755 : 0o644),
      size: type === "File" ? content.length : 0,
      type,
      linkpath: e.linkpath,
      mtime: new Date(),
    }).encode(header);
    blocks.push(header);
    if (type === "File") {
      blocks.push(content, Buffer.alloc((512 - (content.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  const file = path.join(tmp, gzip ? "bundle.tgz" : "bundle.tar");
  fs.writeFileSync(file, gzip ? gzipSync(Buffer.concat(blocks)) : Buffer.concat(blocks));
  return file;
}

const outside = () => fs.readdirSync(tmp).filter((n) => !["work", "bundle.zip", "bundle.tar", "bundle.tgz"].includes(n));

describe("unpackBundle zip", () => {
  it("unpacks files with their modes and strips a single leading directory holding the appspec", async () => {
    const file = await zip([
      { name: "myapp-1.0/", directory: true },
      { name: "myapp-1.0/appspec.yml", content: "version: 0.0" },
      { name: "myapp-1.0/scripts/start.sh", content: "#!/bin/sh", mode: 0o100755 },
      { name: "myapp-1.0/current", content: "scripts", mode: 0o120777 },
    ]);
    const result = await unpackBundle(file, "zip", dest);
    expect(result.strippedDirectory).toBe("myapp-1.0");
    expect(fs.readFileSync(path.join(dest, "appspec.yml"), "utf8")).toBe("version: 0.0");
    expect(fs.statSync(path.join(dest, "scripts/start.sh")).mode & 0o777).toBe(0o755);
    expect(fs.readlinkSync(path.join(dest, "current"))).toBe("scripts");
    expect(fs.readdirSync(path.dirname(dest))).toEqual(["deployment-archive"]);
  });

  it("keeps a single leading directory that does not hold the appspec", async () => {
    const file = await zip([
      { name: "appspec.yml", content: "x" },
      { name: "web/index.html", content: "x" },
    ]);
    expect((await unpackBundle(file, "zip", dest)).strippedDirectory).toBeNull();
    expect(fs.existsSync(path.join(dest, "web/index.html"))).toBe(true);
  });

  it("refuses an entry that climbs out of the bundle (zip-slip)", async () => {
    const file = await zip(
      [
        { name: "appspec.yml", content: "x" },
        { name: "xx/xx/evil.txt", content: "pwned" },
      ],
      [["xx/xx/evil.txt", "../../evil.txt"]],
    );
    await expect(unpackBundle(file, "zip", dest)).rejects.toThrow(/evil\.txt/);
    expect(outside()).toEqual([]);
    expect(fs.existsSync(path.join(tmp, "evil.txt"))).toBe(false);
    expect(fs.readdirSync(path.dirname(dest))).toEqual([]);
  });

  it("refuses a symlink pointing outside the bundle", async () => {
    const file = await zip([
      { name: "appspec.yml", content: "x" },
      { name: "escape", content: "../../../etc", mode: 0o120777 },
    ]);
    await expect(unpackBundle(file, "zip", dest)).rejects.toThrow(/"escape": the symlink points at ..\/..\/..\/etc, outside the bundle/);
  });

  it("refuses to write through a symlink the bundle created", async () => {
    const file = await zip([
      { name: "appspec.yml", content: "x" },
      { name: "sub/", directory: true },
      { name: "link", content: "sub", mode: 0o120777 },
      { name: "link/file.txt", content: "x" },
    ]);
    await expect(unpackBundle(file, "zip", dest)).rejects.toThrow(/"link\/file.txt": the entry would be written through the symlink link/);
  });

  it("refuses device files", async () => {
    const file = await zip([
      { name: "appspec.yml", content: "x" },
      { name: "dev", content: "", mode: 0o020644 },
    ]);
    await expect(unpackBundle(file, "zip", dest)).rejects.toThrow(/device file, FIFO or socket/);
  });

  it("refuses bundles over the entry limit", async () => {
    const file = await zip(Array.from({ length: 6 }, (_, i) => ({ name: `f${i}`, content: "x" })));
    await expect(unpackBundle(file, "zip", dest, { maxEntries: 5, maxBytes: 1e9 })).rejects.toThrow(/more than 5 entries/);
  });

  it("refuses bundles over the size limit", async () => {
    const file = await zip([{ name: "big", content: "x".repeat(2000) }]);
    await expect(unpackBundle(file, "zip", dest, { maxEntries: 100, maxBytes: 1000 })).rejects.toThrow(/more than 1000 bytes/);
  });
});

describe("unpackBundle tar", () => {
  it("unpacks a tgz, stripping a GitHub-style leading directory", async () => {
    const file = tarball(
      [
        { path: "repo-abc123/", type: "Directory" },
        { path: "repo-abc123/appspec.yml", content: "version: 0.0" },
        { path: "repo-abc123/bin/start", content: "#!/bin/sh", mode: 0o755 },
        { path: "repo-abc123/latest", type: "SymbolicLink", linkpath: "bin/start" },
      ],
      true,
    );
    const result = await unpackBundle(file, "tgz", dest);
    expect(result.strippedDirectory).toBe("repo-abc123");
    expect(fs.statSync(path.join(dest, "bin/start")).mode & 0o777).toBe(0o755);
    expect(fs.readlinkSync(path.join(dest, "latest"))).toBe("bin/start");
  });

  it.each([
    { name: "a path climbing out with ..", entry: { path: "../evil.txt", content: "x" }, error: /\.\. segment that could escape the bundle/ },
    { name: "an absolute path", entry: { path: "/tmp/evil.txt", content: "x" }, error: /absolute path/ },
    { name: "an absolute symlink", entry: { path: "etc", type: "SymbolicLink" as const, linkpath: "/etc" }, error: /outside the bundle/ },
    { name: "a relative symlink escaping", entry: { path: "a/up", type: "SymbolicLink" as const, linkpath: "../../x" }, error: /outside the bundle/ },
    { name: "a hard link to a host file", entry: { path: "passwd", type: "Link" as const, linkpath: "../../etc/passwd" }, error: /outside the bundle/ },
    { name: "a character device", entry: { path: "null", type: "CharacterDevice" as const }, error: /tar CharacterDevice entry; bundles may hold only/ },
  ])("refuses $name", async ({ entry, error }) => {
    const file = tarball([{ path: "appspec.yml", content: "x" }, entry]);
    await expect(unpackBundle(file, "tar", dest)).rejects.toThrow(error);
    expect(outside()).toEqual([]);
    expect(fs.existsSync(dest)).toBe(false);
  });
});

describe("unpackBundle reads archives by the rules the server applied at upload", () => {
  const write = (name: string, bytes: Buffer) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, bytes);
    return file;
  };

  it("refuses symlinks in a zip claiming MS-DOS that escape only together, and creates no link outside", async () => {
    const zip = await zipBuffer([...validBundleEntries(), { name: "here", type: "symlink", target: "." }, { name: "up", type: "symlink", target: "here/.." }]);
    const file = write("bundle.zip", claimMadeByMsDos(zip));
    await expect(unpackBundle(file, "zip", dest)).rejects.toThrow(/"up": the symlink points at here\/\.\., outside the bundle root/);
    expect(fs.readdirSync(path.dirname(dest))).toEqual([]);
    expect(outside()).toEqual([]);
  });

  it("refuses a zip claiming MS-DOS with a symlink out of the bundle", async () => {
    const zip = await zipBuffer([...validBundleEntries(), { name: "passwd", type: "symlink", target: "/etc/passwd" }]);
    await expect(unpackBundle(write("bundle.zip", claimMadeByMsDos(zip)), "zip", dest)).rejects.toThrow(/"passwd": the symlink points at \/etc\/passwd/);
  });

  it.each<BundleType>(["zip", "tgz"])("refuses a %s decompression bomb, naming the entry, before writing it", async (type) => {
    const file = write(`bundle.${type}`, await bombBundle(type, "assets/zeros.bin", 16 * 1024 * 1024));
    await expect(unpackBundle(file, type, dest)).rejects.toThrow(/"assets\/zeros\.bin": .*more than 200:1\); refused as a possible decompression bomb/);
    expect(fs.readdirSync(path.dirname(dest))).toEqual([]);
  });

  it("refuses a tgz whose tar stream is gzip again, which the ratio rule could not see", async () => {
    const inner = gzipSync(tarBuffer(validBundleEntries()));
    await expect(unpackBundle(write("bundle.tgz", gzipSync(inner)), "tgz", dest)).rejects.toThrow(/itself compressed/);
  });

  it("keeps a single top-level directory whose appspec is named in another case, as the server does", async () => {
    const zip = await zipBuffer([
      { name: "app/AppSpec.yml", body: "x" },
      { name: "app/index.html", body: "x" },
    ]);
    const result = await unpackBundle(write("bundle.zip", zip), "zip", dest);
    expect(result.strippedDirectory).toBeNull();
    expect(fs.existsSync(path.join(dest, "app", "AppSpec.yml"))).toBe(true);
  });
});
