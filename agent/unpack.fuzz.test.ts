import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectBundle } from "../server/bundles/inspect-bundle";
import { DomainError } from "../server/domain-errors";
import { fuzzAsync } from "../server/test/fuzz";
import { hostileArchive } from "../server/test/hostile-archives";
import { unpackBundle, UnsafeBundleError } from "./unpack";

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "landline-fuzz-unpack-"));
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

let counter = 0;
const tally = { accepted: 0, refused: 0 };

/** The kernel's verdict, independent of the bundle rules: where every path under dest really leads. */
function expectEverythingInside(sandbox: string, dest: string): void {
  expect(fs.readdirSync(sandbox).filter((n) => n !== "bundle")).toEqual(fs.existsSync(dest) ? ["revision"] : []);
  if (!fs.existsSync(dest)) return;
  const root = fs.realpathSync(dest);
  for (const entry of fs.readdirSync(dest, { recursive: true, encoding: "utf8" })) {
    const created = path.join(dest, entry);
    let real: string;
    try {
      real = fs.realpathSync(created);
    } catch {
      real = path.resolve(fs.realpathSync(path.dirname(created)), fs.readlinkSync(created));
    }
    expect(real === root || real.startsWith(root + path.sep), `${entry} leads to ${real}`).toBe(true);
  }
}

describe("fuzzing the agent's unpacker against the server's upload check", () => {
  it("never creates anything outside the bundle, and unpacks every bundle the server accepted", async () => {
    await fuzzAsync("agent unpacker: hostile structure, checked against the server", 40, hostileArchive, async (archive) => {
      const { type, bytes } = await archive;
      const sandbox = path.join(workDir, `run-${counter++}`);
      fs.mkdirSync(sandbox);
      const file = path.join(sandbox, "bundle");
      fs.writeFileSync(file, bytes);
      try {
        let serverAccepted = true;
        await inspectBundle(file, type, { maxEntries: 50, maxUncompressedBytes: 8 * 1024 * 1024 }).catch((err: unknown) => {
          if (!(err instanceof DomainError)) throw err;
          serverAccepted = false;
        });
        const dest = path.join(sandbox, "revision");
        const unpacked = await unpackBundle(file, type, dest).then(
          () => true,
          (err: unknown) => {
            if (!(err instanceof UnsafeBundleError)) throw err;
            return false;
          },
        );
        expectEverythingInside(sandbox, dest);
        if (serverAccepted) expect(unpacked, "the agent refused a bundle the server accepted").toBe(true);
        tally[serverAccepted ? "accepted" : "refused"] += 1;
      } finally {
        fs.rmSync(sandbox, { recursive: true, force: true });
      }
    });
    console.log(`fuzz agent unpacker: the server accepted ${tally.accepted} bundles and refused ${tally.refused}`);
  });
});
