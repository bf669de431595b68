import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CommandSpec } from "../server/contracts/agent-protocol";
import type { FileExistsBehavior } from "../server/contracts/resources";
import { installRevision } from "./install";
import { createLayout, ensureRootDirs, readPointer, type Layout } from "./layout";

const isRoot = process.getuid?.() === 0;
let tmp: string;
let layout: Layout;
let dest: string;
let logs: string[];

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "landline-install-"));
  layout = createLayout(path.join(tmp, "agent"));
  ensureRootDirs(layout);
  dest = path.join(tmp, "host");
  fs.mkdirSync(dest);
  logs = [];
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Puts an unpacked revision on disk as DownloadBundle would, and returns the Install command for it. */
function revision(deploymentId: string, files: Record<string, string>, appSpec: string, behavior: FileExistsBehavior = "DISALLOW"): CommandSpec {
  const archive = layout.archiveDir("g-1", deploymentId);
  fs.mkdirSync(archive, { recursive: true });
  fs.writeFileSync(path.join(archive, "appspec.yml"), `version: 0.0\nos: linux\n${appSpec.replaceAll("$DEST", dest)}`);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(archive, name)), { recursive: true });
    fs.writeFileSync(path.join(archive, name), content, { mode: name.endsWith(".sh") ? 0o755 : 0o644 });
  }
  const spec: CommandSpec = {
    commandId: `c-${deploymentId}`,
    lifecycleEvent: "Install",
    deploymentId,
    applicationName: "shop",
    deploymentGroupName: "prod",
    deploymentGroupId: "g-1",
    revision: { revisionId: `r-${deploymentId}`, sha256: "d".repeat(64), bundleType: "zip", size: 1 },
    fileExistsBehavior: behavior,
    defaultHookTimeoutSeconds: 3600,
  };
  fs.writeFileSync(
    layout.revisionFile("g-1", deploymentId),
    JSON.stringify({ deploymentId, deploymentGroupId: "g-1", revisionId: spec.revision.revisionId, sha256: spec.revision.sha256, bundleType: "zip" }),
  );
  return spec;
}

const install = (spec: CommandSpec) => installRevision({ layout, spec, log: (t) => logs.push(t) });
const read = (p: string) => fs.readFileSync(path.join(dest, p), "utf8");
const exists = (p: string) => fs.existsSync(path.join(dest, p));

describe("installRevision", () => {
  it("copies a directory source's contents and a single file, and records the last successful install", async () => {
    const spec = revision(
      "d-AAAAAAAA1",
      { "app/server.js": "v1", "app/lib/util.js": "util", "config/app.conf": "conf", "bin/run.sh": "#!/bin/sh\n" },
      "files:\n  - source: app\n    destination: $DEST/app\n  - source: config/app.conf\n    destination: $DEST/etc\n  - source: bin/run.sh\n    destination: $DEST/bin\n",
    );
    await install(spec);
    expect(read("app/server.js")).toBe("v1");
    expect(read("app/lib/util.js")).toBe("util");
    expect(exists("app/app")).toBe(false);
    expect(read("etc/app.conf")).toBe("conf");
    expect(fs.statSync(path.join(dest, "bin/run.sh")).mode & 0o777).toBe(0o755);
    expect(readPointer(layout.lastSuccessfulInstallFile("g-1"))).toBe(layout.deploymentDir("g-1", "d-AAAAAAAA1"));
  });

  it("removes the previous revision's files before installing, keeping directories that are not empty", async () => {
    await install(
      revision("d-AAAAAAAA1", { "app/old.js": "old", "app/keep.js": "v1", "app/cache/x": "x" }, "files:\n  - source: app\n    destination: $DEST/app\n"),
    );
    fs.writeFileSync(path.join(dest, "app/cache/written-by-a-script"), "data");
    await install(revision("d-AAAAAAAA2", { "app/keep.js": "v2" }, "files:\n  - source: app\n    destination: $DEST/app\n"));
    expect(exists("app/old.js")).toBe(false);
    expect(read("app/keep.js")).toBe("v2");
    expect(exists("app/cache/x")).toBe(false);
    expect(exists("app/cache/written-by-a-script")).toBe(true);
  });

  it("fails on a file it did not install when file_exists_behavior is DISALLOW, naming the file", async () => {
    fs.writeFileSync(path.join(dest, "index.html"), "foreign");
    await expect(install(revision("d-AAAAAAAA1", { "index.html": "new" }, "files:\n  - source: index.html\n    destination: $DEST\n"))).rejects.toThrow(
      `a specified file already exists at this location: ${dest}/index.html`,
    );
    expect(read("index.html")).toBe("foreign");
    expect(fs.existsSync(layout.lastSuccessfulInstallFile("g-1"))).toBe(false);
  });

  it("replaces a foreign file with OVERWRITE, and removes it with the next revision", async () => {
    fs.writeFileSync(path.join(dest, "index.html"), "foreign");
    await install(revision("d-AAAAAAAA1", { "index.html": "new" }, "files:\n  - source: index.html\n    destination: $DEST\n", "OVERWRITE"));
    expect(read("index.html")).toBe("new");
    expect(logs).toContain("Installed 1 file, created 0 directories, applied 0 permission changes");
    await install(revision("d-AAAAAAAA2", { "other.html": "x" }, "files:\n  - source: other.html\n    destination: $DEST\n"));
    expect(exists("index.html")).toBe(false);
  });

  it("keeps a foreign file with RETAIN and never records it for cleanup", async () => {
    fs.writeFileSync(path.join(dest, "index.html"), "foreign");
    await install(
      revision("d-AAAAAAAA1", { "index.html": "new", "a.txt": "a" }, "file_exists_behavior: RETAIN\nfiles:\n  - source: /\n    destination: $DEST\n"),
    );
    expect(read("index.html")).toBe("foreign");
    expect(read("a.txt")).toBe("a");
    expect(logs.some((l) => l.includes(`Kept the existing file ${dest}/index.html`))).toBe(true);
    await install(revision("d-AAAAAAAA2", { "b.txt": "b" }, "files:\n  - source: b.txt\n    destination: $DEST\n"));
    expect(read("index.html")).toBe("foreign");
    expect(exists("a.txt")).toBe(false);
  });

  it("cleans up a half-finished install on the next one", async () => {
    const failing = revision(
      "d-AAAAAAAA1",
      { "app/a.js": "a" },
      "files:\n  - source: app\n    destination: $DEST/app\npermissions:\n  - object: $DEST/app\n    owner: no-such-user-landline\n",
    );
    await expect(install(failing)).rejects.toThrow(/owner no-such-user-landline does not exist/);
    expect(exists("app/a.js")).toBe(true);
    await install(revision("d-AAAAAAAA2", { "b.js": "b" }, "files:\n  - source: b.js\n    destination: $DEST/other\n"));
    expect(exists("app")).toBe(false);
    expect(read("other/b.js")).toBe("b");
  });

  it("copies symlinks as symlinks and replaces rather than follows an existing link at the destination", async () => {
    const spec = revision("d-AAAAAAAA1", { "site/index.html": "new" }, "files:\n  - source: site\n    destination: $DEST/site\n", "OVERWRITE");
    fs.symlinkSync("index.html", path.join(layout.archiveDir("g-1", "d-AAAAAAAA1"), "site/current"));
    const victim = path.join(tmp, "victim.txt");
    fs.writeFileSync(victim, "untouched");
    fs.mkdirSync(path.join(dest, "site"));
    fs.symlinkSync(victim, path.join(dest, "site/index.html"));
    await install(spec);
    expect(fs.readlinkSync(path.join(dest, "site/current"))).toBe("index.html");
    expect(fs.lstatSync(path.join(dest, "site/index.html")).isSymbolicLink()).toBe(false);
    expect(read("site/index.html")).toBe("new");
    expect(fs.readFileSync(victim, "utf8")).toBe("untouched");
  });

  it("applies permission modes to matching files and created directories", async () => {
    await install(
      revision(
        "d-AAAAAAAA1",
        { "app/a.conf": "a", "app/b.sh": "b", "app/sub/c.conf": "c" },
        'files:\n  - source: app\n    destination: $DEST/app\npermissions:\n  - object: $DEST/app\n    pattern: "*.conf"\n    mode: 600\n    type: [file]\n  - object: $DEST\n    mode: 0750\n    type: [directory]\n',
      ),
    );
    const mode = (p: string) => fs.statSync(path.join(dest, p)).mode & 0o7777;
    expect(mode("app/a.conf")).toBe(0o600);
    expect(mode("app/b.sh")).toBe(0o755);
    expect(mode("app/sub/c.conf")).toBe(0o644);
    expect(mode("app")).toBe(0o750);
    expect(mode("app/sub")).toBe(0o750);
  });

  it.skipIf(!isRoot)("changes owner and group of installed files (needs root)", async () => {
    await install(
      revision(
        "d-AAAAAAAA1",
        { "app/a.txt": "a" },
        "files:\n  - source: app\n    destination: $DEST/app\npermissions:\n  - object: $DEST/app\n    owner: nobody\n    group: nogroup\n",
      ),
    );
    const stat = fs.statSync(path.join(dest, "app/a.txt"));
    expect([stat.uid, stat.gid]).toEqual([65534, 65534]);
  });

  it("fails clearly when the appspec asks for ACLs and setfacl is missing", async (ctx) => {
    const hasSetfacl = (process.env.PATH ?? "").split(":").some((d) => fs.existsSync(path.join(d, "setfacl")));
    if (hasSetfacl) ctx.skip("setfacl is installed here, so the missing-tool error cannot be observed");
    await expect(
      install(
        revision(
          "d-AAAAAAAA1",
          { "a.txt": "a" },
          'files:\n  - source: a.txt\n    destination: $DEST\npermissions:\n  - object: $DEST/a.txt\n    acls: ["u:nobody:r"]\n',
        ),
      ),
    ).rejects.toThrow(/setfacl is not installed on this host/);
  });
});
