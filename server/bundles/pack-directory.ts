import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import * as tar from "tar";
import yazl from "yazl";
import type { BundleType } from "../contracts/resources";

/** Fixed entry time, so packing the same directory twice gives the same bytes (and the same sha256). */
const PACKED_MTIME = new Date("2000-01-01T00:00:00Z");

/**
 * Packs a directory's contents (not the directory itself) into a zip, tar or tgz at outFile.
 * Entries are sorted and timestamps fixed; modes and symlinks are kept.
 */
export async function packDirectory(dir: string, outFile: string, type: BundleType): Promise<void> {
  const entries = await listTree(dir);
  if (type === "zip") {
    const zip = new yazl.ZipFile();
    for (const entry of entries) {
      const full = path.join(dir, entry);
      const stat = await fs.promises.lstat(full);
      if (stat.isDirectory()) zip.addEmptyDirectory(entry, { mtime: PACKED_MTIME, mode: stat.mode });
      else if (stat.isSymbolicLink())
        zip.addBuffer(Buffer.from(await fs.promises.readlink(full)), entry, { mtime: PACKED_MTIME, mode: stat.mode, compress: false });
      else if (stat.isFile()) zip.addFile(full, entry, { mtime: PACKED_MTIME, mode: stat.mode });
    }
    zip.end();
    await pipeline(zip.outputStream, fs.createWriteStream(outFile));
    return;
  }
  await tar.c({ cwd: dir, file: outFile, gzip: type === "tgz", portable: true, mtime: PACKED_MTIME, noDirRecurse: true }, entries);
}

/** Every path below dir, relative and sorted, parents before children. */
async function listTree(dir: string, prefix = ""): Promise<string[]> {
  const names = (await fs.promises.readdir(path.join(dir, prefix), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  const out: string[] = [];
  for (const d of names) {
    const relative = prefix ? `${prefix}/${d.name}` : d.name;
    out.push(relative);
    if (d.isDirectory()) out.push(...(await listTree(dir, relative)));
  }
  return out;
}
