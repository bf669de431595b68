import { describe, expect, it } from "vitest";
import { parseAppSpec, type AppSpec } from "../server/contracts/appspec";
import type { FileExistsBehavior } from "../server/contracts/resources";
import { matchesSimpleGlob, planInstall, type EntryKind } from "./install-plan";

const A = "/rev";
const archive = new Map<string, EntryKind>([
  ["appspec.yml", "file"],
  ["index.html", "file"],
  ["app", "directory"],
  ["app/server.js", "file"],
  ["app/lib", "directory"],
  ["app/lib/util.js", "file"],
  ["app/run.sh", "file"],
  ["app/current", "symlink"],
  ["scripts", "directory"],
  ["scripts/start.sh", "file"],
]);

function spec(yaml: string): AppSpec {
  const parsed = parseAppSpec(`version: 0.0\nos: linux\n${yaml}`);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.appSpec;
}

function plan(yaml: string, host: Record<string, EntryKind> = {}, behavior: FileExistsBehavior = "DISALLOW") {
  const existing = new Map<string, EntryKind>([["/", "directory"], ["/srv", "directory"], ...Object.entries(host)]);
  return planInstall({ appSpec: spec(yaml), archiveDir: A, archive, hostEntry: (p) => existing.get(p) ?? null, fileExistsBehavior: behavior });
}

function ok(result: ReturnType<typeof plan>) {
  if (!result.ok) throw new Error(result.error);
  return result.plan;
}

describe("planInstall files", () => {
  it.each([
    {
      name: "a file source is copied to destination/basename, creating missing directories",
      yaml: "files:\n  - source: /index.html\n    destination: /srv/www/html\n",
      expected: [
        { op: "mkdir", path: "/srv/www" },
        { op: "mkdir", path: "/srv/www/html" },
        { op: "copy", source: "/rev/index.html", destination: "/srv/www/html/index.html", kind: "file", replace: false },
      ],
    },
    {
      name: "a directory source copies its contents into destination, not the directory itself",
      yaml: "files:\n  - source: app/\n    destination: /srv/app\n",
      expected: [
        { op: "mkdir", path: "/srv/app" },
        { op: "copy", source: "/rev/app/current", destination: "/srv/app/current", kind: "symlink", replace: false },
        { op: "mkdir", path: "/srv/app/lib" },
        { op: "copy", source: "/rev/app/lib/util.js", destination: "/srv/app/lib/util.js", kind: "file", replace: false },
        { op: "copy", source: "/rev/app/run.sh", destination: "/srv/app/run.sh", kind: "file", replace: false },
        { op: "copy", source: "/rev/app/server.js", destination: "/srv/app/server.js", kind: "file", replace: false },
      ],
    },
  ])("$name", ({ yaml, expected }) => {
    expect(ok(plan(yaml)).instructions).toEqual(expected);
  });

  it("source / installs the whole bundle including the appspec", () => {
    const copies = ok(plan("files:\n  - source: /\n    destination: /srv/all\n")).instructions.filter((i) => i.op === "copy");
    expect(copies.map((c) => c.op === "copy" && c.destination)).toContain("/srv/all/appspec.yml");
    expect(copies).toHaveLength(7);
  });

  it.each<{ name: string; behavior: FileExistsBehavior; yamlBehavior?: FileExistsBehavior; expectCopy: boolean; retained: string[]; error?: RegExp }>([
    {
      name: "DISALLOW fails naming the existing file",
      behavior: "DISALLOW",
      expectCopy: false,
      retained: [],
      error: /already exists at this location: \/srv\/www\/index.html/,
    },
    { name: "OVERWRITE replaces the existing file", behavior: "OVERWRITE", expectCopy: true, retained: [] },
    { name: "RETAIN keeps the existing file and does not copy it", behavior: "RETAIN", expectCopy: false, retained: ["/srv/www/index.html"] },
    {
      name: "the appspec's file_exists_behavior wins over the deployment's",
      behavior: "DISALLOW",
      yamlBehavior: "RETAIN",
      expectCopy: false,
      retained: ["/srv/www/index.html"],
    },
  ])("an existing destination file: $name", ({ behavior, yamlBehavior, expectCopy, retained, error }) => {
    const yaml = `${yamlBehavior ? `file_exists_behavior: ${yamlBehavior}\n` : ""}files:\n  - source: index.html\n    destination: /srv/www\n`;
    const result = plan(yaml, { "/srv/www": "directory", "/srv/www/index.html": "file" }, behavior);
    if (error) {
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error).toMatch(error);
      return;
    }
    const { instructions, retained: kept } = ok(result);
    expect(instructions).toEqual(
      expectCopy ? [{ op: "copy", source: "/rev/index.html", destination: "/srv/www/index.html", kind: "file", replace: true }] : [],
    );
    expect(kept).toEqual(retained);
  });

  it.each([
    {
      name: "two sources installing the same file",
      yaml: "files:\n  - source: index.html\n    destination: /srv/a\n  - source: /index.html\n    destination: /srv/a\n",
      error: /two files entries install \/srv\/a\/index.html/,
    },
    {
      name: "a file where a directory is created",
      yaml: "files:\n  - source: index.html\n    destination: /srv\n  - source: app\n    destination: /srv/index.html\n",
      error: /both a file .* and a directory/,
    },
    {
      name: "a source missing from the bundle",
      yaml: "files:\n  - source: build/app.war\n    destination: /srv\n",
      error: /files\[0\]\.source build\/app.war does not exist/,
    },
    { name: "a source escaping the bundle", yaml: "files:\n  - source: ../etc/passwd\n    destination: /srv\n", error: /points outside the revision/ },
    {
      name: "a directory in the way of a file",
      yaml: "files:\n  - source: index.html\n    destination: /srv\n",
      host: { "/srv/index.html": "directory" as EntryKind },
      error: /a directory exists there/,
    },
  ])("refuses $name", ({ yaml, host, error }) => {
    const result = plan(yaml, host ?? {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(error);
  });
});

describe("planInstall permissions", () => {
  const files = "files:\n  - source: app\n    destination: /srv/app\n";

  it("applies chmod, setfacl, semanage and chown in that order to each matched path", () => {
    const yaml = `${files}permissions:\n  - object: /srv/app/server.js\n    mode: 640\n    acls: ["u:nobody:r"]\n    context: { type: httpd_sys_content_t, name: system_u }\n    owner: nobody\n    group: nogroup\n`;
    const perms = ok(plan(yaml)).instructions.filter((i) => i.op !== "copy" && i.op !== "mkdir");
    expect(perms).toEqual([
      { op: "chmod", path: "/srv/app/server.js", mode: 0o640 },
      { op: "setfacl", path: "/srv/app/server.js", acls: ["u:nobody:r"] },
      { op: "semanage", path: "/srv/app/server.js", context: { user: "system_u", type: "httpd_sys_content_t", range: null } },
      { op: "chown", path: "/srv/app/server.js", owner: "nobody", group: "nogroup" },
    ]);
  });

  it.each([
    {
      name: "** matches every copied file and created directory below the object",
      perm: "object: /srv/app",
      expected: ["/srv/app/current", "/srv/app/lib/util.js", "/srv/app/run.sh", "/srv/app/server.js", "/srv/app/lib"],
    },
    { name: "a simple pattern matches only immediate children", perm: 'object: /srv/app\n    pattern: "*.js"', expected: ["/srv/app/server.js"] },
    {
      name: "except removes matches",
      perm: 'object: /srv/app\n    pattern: "*"\n    except: ["*.sh", "current"]',
      expected: ["/srv/app/server.js", "/srv/app/lib"],
    },
    { name: "type directory applies to created directories only", perm: "object: /srv\n    type: [directory]", expected: ["/srv/app", "/srv/app/lib"] },
    { name: "pre-existing directories are never targets", perm: "object: /\n    type: [directory]", expected: ["/srv/app", "/srv/app/lib"] },
  ])("$name", ({ perm, expected }) => {
    const chmods = ok(plan(`${files}permissions:\n  - ${perm}\n    mode: 750\n`)).instructions.filter((i) => i.op === "chmod");
    expect(chmods.map((c) => c.path)).toEqual(expected);
  });

  it.each([
    {
      name: "the same path matched twice",
      perm: "  - object: /srv/app\n    mode: 700\n  - object: /srv/app/lib\n    mode: 755\n",
      error: /already receives permissions from permissions\[0\]/,
    },
    {
      name: "a pattern on a single-file object",
      perm: '  - object: /srv/app/run.sh\n    pattern: "*.sh"\n    mode: 755\n',
      error: /pattern and except cannot be used/,
    },
    { name: "a default acl on a file", perm: '  - object: /srv/app/run.sh\n    acls: ["d:u:nobody:rwx"]\n', error: /default acl entry/ },
    { name: "a base acl entry", perm: '  - object: /srv/app/run.sh\n    acls: ["u::rwx"]\n', error: /sets a base entry/ },
    { name: "a malformed acl entry", perm: '  - object: /srv/app/run.sh\n    acls: ["nobody:rwx"]\n', error: /is not \[d:\]u\|g\|m\|o:\[name\]:perm/ },
  ])("refuses $name", ({ perm, error }) => {
    const result = plan(`${files}permissions:\n${perm}`);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(error);
  });
});

describe("matchesSimpleGlob", () => {
  it.each([
    ["run.sh", "*.sh", true],
    ["bin/run.sh", "*.sh", false],
    ["bin/run.sh", "**", true],
    ["a.b", "a.b", true],
    ["axb", "a.b", false],
  ])("%s against %s is %s", (name, pattern, expected) => {
    expect(matchesSimpleGlob(name, pattern)).toBe(expected);
  });
});
