import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { BundleType } from "../contracts/resources";
import { DomainError } from "../domain-errors";
import { REPO_ROOT } from "../test/spawn-server";
import { archiveOf, testAppSpec, validBundleEntries, type TestEntry } from "../test/test-archives";
import { detectBundleType, describeTypeMismatch } from "./detect-bundle-type";
import { inspectBundle, type InspectLimits } from "./inspect-bundle";
import { packDirectory } from "./pack-directory";

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "landline-inspect-"));
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

const limits: InspectLimits = { maxEntries: 100, maxUncompressedBytes: 1024 * 1024 };
let counter = 0;

async function inspect(type: BundleType, entries: TestEntry[], inspectLimits = limits) {
  const file = path.join(workDir, `bundle-${counter++}.${type}`);
  fs.writeFileSync(file, await archiveOf(type, entries));
  return inspectBundle(file, type, inspectLimits);
}

/** The refusal's located problems, or a failure when the bundle was accepted. */
async function refusal(type: BundleType, entries: TestEntry[], inspectLimits = limits) {
  try {
    await inspect(type, entries, inspectLimits);
  } catch (err) {
    if (err instanceof DomainError && err.kind === "INVALID")
      return { summary: err.message, errors: (err.details?.errors ?? []) as { file: string; message: string; field: string; line: number | null }[] };
    throw err;
  }
  throw new Error("the bundle was accepted");
}

const types: BundleType[] = ["zip", "tar", "tgz"];

describe.each(types)("inspectBundle on a %s", (type) => {
  it("accepts a valid bundle and returns its parsed appspec", async () => {
    const result = await inspect(type, validBundleEntries());
    expect(result).toMatchObject({ bundleRoot: "", appSpecPath: "appspec.yml", entryCount: 3 });
    expect(result.appSpec.hooks?.ApplicationStart?.[0].location).toBe("scripts/start.sh");
  });

  it("treats a single top-level directory holding the appspec as the root", async () => {
    const result = await inspect(type, [{ name: "myapp/", type: "directory" }, ...validBundleEntries("myapp/")]);
    expect(result).toMatchObject({ bundleRoot: "myapp/", appSpecPath: "myapp/appspec.yml" });
  });

  it("accepts ./ prefixed names as tar -C dir . writes them", async () => {
    const result = await inspect(type, [{ name: "./", type: "directory" }, ...validBundleEntries("./")]);
    expect(result.bundleRoot).toBe("");
  });

  it("accepts a symlink that stays inside the bundle and follows it for hook scripts", async () => {
    const entries = validBundleEntries().map((e) => (e.name === "appspec.yml" ? { ...e, body: testAppSpec({ ApplicationStart: "bin/start" }) } : e));
    const result = await inspect(type, [...entries, { name: "bin/start", type: "symlink", target: "../scripts/start.sh" }]);
    expect(result.appSpec.hooks?.ApplicationStart?.[0].location).toBe("bin/start");
  });

  it.each([
    ["an absolute entry path", { name: "/etc/cron.d/evil", body: "x" }, "/etc/cron.d/evil", /absolute/],
    ["a .. entry (zip-slip)", { name: "../../evil.sh", body: "x" }, "../../evil.sh", /\.\./],
    ["a .. spelled with backslashes", { name: "app\\..\\..\\evil.sh", body: "x" }, /evil\.sh$/, /\.\./],
    ["a symlink pointing outside the root", { name: "app/passwd", type: "symlink", target: "../../etc/passwd" }, "app/passwd", /outside the bundle root/],
    ["an absolute symlink", { name: "app/etc", type: "symlink", target: "/etc" }, "app/etc", /outside the bundle root/],
  ] as const)("refuses %s, naming the entry", async (_name, bad, file, message) => {
    const { errors } = await refusal(type, [...validBundleEntries(), bad as TestEntry]);
    expect(errors).toEqual([
      expect.objectContaining({ file: typeof file === "string" ? file : expect.stringMatching(file), message: expect.stringMatching(message) }),
    ]);
  });

  it("refuses a FIFO", async () => {
    const { errors } = await refusal(type, [...validBundleEntries(), { name: "app/pipe", type: "fifo" }]);
    expect(errors).toEqual([expect.objectContaining({ file: "app/pipe", message: expect.stringMatching(/FIFO/) })]);
  });

  it("refuses more entries than the limit before listing them all", async () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ name: `app/file-${i}.txt`, body: "x" }));
    const { summary } = await refusal(type, [...validBundleEntries(), ...many], { ...limits, maxEntries: 20 });
    expect(summary).toMatch(/more than 20 entries/);
  });

  it("refuses a bundle that unpacks past the size limit (archive bomb)", async () => {
    const zeros = { name: "app/zeros.bin", body: Buffer.alloc(600 * 1024) };
    const { summary } = await refusal(type, [...validBundleEntries(), zeros], { ...limits, maxUncompressedBytes: 512 * 1024 });
    expect(summary).toMatch(/archive bomb/);
  });

  it("refuses a bundle without an appspec", async () => {
    const { errors } = await refusal(type, validBundleEntries().slice(1));
    expect(errors).toEqual([expect.objectContaining({ file: "appspec.yml", message: expect.stringMatching(/no appspec.yml/) })]);
  });

  it("reports appspec problems at the appspec's archive path", async () => {
    const entries = validBundleEntries("myapp/").map((e) =>
      e.name.endsWith("appspec.yml") ? { ...e, body: testAppSpec({ ApplicationStart: "scripts/missing.sh" }) } : e,
    );
    const { errors } = await refusal(type, entries);
    expect(errors).toEqual([expect.objectContaining({ file: "myapp/appspec.yml", field: "hooks.ApplicationStart[0].location", line: 8 })]);
  });
});

describe("format-specific refusals", () => {
  it("refuses a tar hard link that points outside the bundle", async () => {
    const { errors } = await refusal("tar", [...validBundleEntries(), { name: "app/shadow", type: "hardlink", target: "../etc/shadow" }]);
    expect(errors).toEqual([expect.objectContaining({ file: "app/shadow", message: expect.stringMatching(/hard link/) })]);
  });

  it("accepts a tar hard link to a file in the bundle", async () => {
    await expect(inspect("tar", [...validBundleEntries(), { name: "app/copy.html", type: "hardlink", target: "app/index.html" }])).resolves.toBeTruthy();
  });

  it("refuses a zip entry name with a NUL character", async () => {
    const { errors } = await refusal("zip", [...validBundleEntries(), { name: "app/a\0b.txt", body: "x" }]);
    expect(errors).toEqual([expect.objectContaining({ file: "app/a\\0b.txt", message: expect.stringMatching(/NUL/) })]);
  });

  it("refuses a gzip stream that holds no tar archive", async () => {
    const file = path.join(workDir, "not-a-tar.tgz");
    const { gzipSync } = await import("node:zlib");
    fs.writeFileSync(file, gzipSync(Buffer.from("just some text, no tar headers here\n".repeat(40))));
    await expect(inspectBundle(file, "tgz", limits)).rejects.toThrow(/holds no tar archive|damaged/);
  });
});

describe("detectBundleType", () => {
  it.each([
    ["a zip", "zip", "zip"],
    ["a tar", "tar", "tar"],
    ["a tgz", "tgz", "tgz"],
  ] as const)("recognises %s by its magic bytes", async (_name, type, expected) => {
    expect(detectBundleType((await archiveOf(type, validBundleEntries())).subarray(0, 512))).toBe(expected);
  });

  it.each([
    ["random bytes", null, "zip", "the body is not a zip, tar or tgz archive"],
    ["a gzip stream sent as zip", "tgz", "zip", "the body is a gzip stream, not a zip archive"],
    ["a zip sent as tgz", "zip", "tgz", "the body is a zip archive, not a gzip-compressed tar archive (tgz)"],
    ["a matching claim", "tar", "tar", null],
    ["no claim", "zip", null, null],
  ] as const)("describes %s", (_name, detected, claimed, message) => {
    expect(describeTypeMismatch(detected, claimed)).toBe(message);
  });

  it("finds nothing in random bytes", () => {
    expect(detectBundleType(Buffer.from("definitely not an archive, just text padding".repeat(20)))).toBeNull();
  });
});

describe("packDirectory and the example bundle", () => {
  it.each(types)("packs examples/hello-web as a %s that passes inspection, byte for byte reproducibly", async (type) => {
    const first = path.join(workDir, `hello-1.${type}`);
    const second = path.join(workDir, `hello-2.${type}`);
    await packDirectory(path.join(REPO_ROOT, "examples/hello-web"), first, type);
    await packDirectory(path.join(REPO_ROOT, "examples/hello-web"), second, type);
    const sha = (f: string) => createHash("sha256").update(fs.readFileSync(f)).digest("hex");
    expect(sha(first)).toBe(sha(second));
    expect(detectBundleType(fs.readFileSync(first).subarray(0, 512))).toBe(type);
    const result = await inspectBundle(first, type, limits);
    expect(result.bundleRoot).toBe("");
    expect(Object.keys(result.appSpec.hooks ?? {})).toEqual(["ApplicationStop", "BeforeInstall", "ApplicationStart", "ValidateService"]);
    expect(result.appSpec.files).toEqual([{ source: "app", destination: "/tmp/landline-hello-web" }]);
  });
});
