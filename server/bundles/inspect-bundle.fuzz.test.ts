import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { BundleType } from "../contracts/resources";
import { DomainError } from "../domain-errors";
import { fuzzAsync } from "../test/fuzz";
import { archiveMutation, hostileArchive, mutateArchive } from "../test/hostile-archives";
import { archiveOf, validBundleEntries } from "../test/test-archives";
import { inspectBundle } from "./inspect-bundle";

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "landline-fuzz-inspect-"));
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

const limits = { maxEntries: 50, maxUncompressedBytes: 8 * 1024 * 1024 };
let counter = 0;

/** The scanners' whole contract: a bundle is accepted or refused with our own DomainError, never anything else. */
async function inspectBytes(bytes: Buffer, type: BundleType): Promise<"accepted" | "refused"> {
  const file = path.join(workDir, `fuzz-${counter++}.${type}`);
  fs.writeFileSync(file, bytes);
  try {
    await inspectBundle(file, type, limits);
    return "accepted";
  } catch (err) {
    if (err instanceof DomainError) {
      expect(["INVALID", "TOO_LARGE"]).toContain(err.kind);
      return "refused";
    }
    throw err;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

const validArchives = {
  zip: await archiveOf("zip", validBundleEntries()),
  tar: await archiveOf("tar", validBundleEntries()),
  tgz: await archiveOf("tgz", validBundleEntries()),
};

describe("fuzzing the archive scanners: only our own validation error, never a hang", () => {
  it("structurally valid zip, tar and tgz bundles with hostile names, kinds, modes and sizes", async () => {
    await fuzzAsync("archive scanners: hostile structure", 150, hostileArchive, async (archive) => {
      const { type, bytes } = await archive;
      await inspectBytes(bytes, type);
    });
  });

  it("valid bundles with bytes overwritten, cut or spliced in", async () => {
    const input = fc.record({ type: fc.constantFrom<BundleType>("zip", "tar", "tgz"), mutation: archiveMutation });
    await fuzzAsync("archive scanners: mutated bytes", 300, input, async ({ type, mutation }) => {
      await inspectBytes(mutateArchive(validArchives[type], mutation), type);
    });
  });

  it("random bytes under each archive type", async () => {
    const input = fc.record({ type: fc.constantFrom<BundleType>("zip", "tar", "tgz"), bytes: fc.uint8Array({ maxLength: 2048 }) });
    await fuzzAsync("archive scanners: random bytes", 300, input, async ({ type, bytes }) => {
      expect(await inspectBytes(Buffer.from(bytes), type)).toBe("refused");
    });
  });
});
