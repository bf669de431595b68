import { describe, expect, it } from "vitest";
import {
  checkBundleListing,
  classifyTarEntry,
  classifyZipEntry,
  describeExcessiveCompression,
  describeNestedCompression,
  describeUnsafeEntryName,
  locateAppSpec,
  normalizeEntryName,
  resolveBundlePath,
  type BundleEntryKind,
  type ListedEntry,
} from "./bundle-layout";

describe("describeUnsafeEntryName", () => {
  it.each([
    ["a plain relative path is safe", "scripts/start.sh", null],
    ["a ./ prefix is safe", "./appspec.yml", null],
    ["dots inside a name are safe", "a..b/c..", null],
    ["an absolute path is refused", "/etc/passwd", /absolute/],
    ["a Windows drive path is refused", "C:/Windows/evil.dll", /absolute/],
    ["a .. segment is refused", "app/../../evil", /\.\./],
    ["a .. made of backslashes is refused", "app\\..\\..\\evil", /\.\./],
    ["a backslash-rooted path is refused", "\\etc\\passwd", /absolute/],
    ["a NUL character is refused", "app/ev\0il", /NUL/],
  ])("%s", (_name, input, expected) => {
    const problem = describeUnsafeEntryName(input);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it.each([
    ["./a//b/", "a/b"],
    ["./", ""],
    ["appspec.yml", "appspec.yml"],
  ])("normalizeEntryName(%j) is %j", (input, expected) => expect(normalizeEntryName(input)).toBe(expected));
});

describe("locateAppSpec", () => {
  const kinds = (entries: Record<string, BundleEntryKind>) => new Map(Object.entries(entries));
  it.each([
    ["an appspec at the root", { "appspec.yml": "file", "app/x": "file" }, { root: "", appSpecPath: "appspec.yml" }],
    ["appspec.yaml when there is no appspec.yml", { "appspec.yaml": "file" }, { root: "", appSpecPath: "appspec.yaml" }],
    ["appspec.yml over appspec.yaml", { "appspec.yaml": "file", "appspec.yml": "file" }, { root: "", appSpecPath: "appspec.yml" }],
    [
      "the single top-level directory holding the appspec",
      { myapp: "directory", "myapp/appspec.yml": "file", "myapp/s/a.sh": "file" },
      { root: "myapp/", appSpecPath: "myapp/appspec.yml" },
    ],
    ["a single top-level directory implied by its entries only", { "myapp/appspec.yml": "file" }, { root: "myapp/", appSpecPath: "myapp/appspec.yml" }],
    ["nothing when the root holds a file besides the directory", { "README.md": "file", "myapp/appspec.yml": "file" }, null],
    ["nothing when the root holds two directories", { "a/appspec.yml": "file", "b/x": "file" }, null],
    ["nothing when the appspec is two levels down", { "a/b/appspec.yml": "file" }, null],
    ["nothing when the names differ in case", { "AppSpec.yml": "file" }, null],
  ])("finds %s", (_name, entries, expected) => {
    expect(locateAppSpec(kinds(entries as Record<string, BundleEntryKind>))).toEqual(expected);
  });
});

describe("resolveBundlePath", () => {
  const links = (entries: Record<string, string>) => new Map(Object.entries(entries));
  it.each([
    ["a path without links stays as is", "a/b", {}, "a/b"],
    ["a relative link inside the bundle resolves", "bin/app", { "bin/app": "../lib/app.js" }, "lib/app.js"],
    ["a link to the root itself is inside", "here", { here: "." }, ""],
    ["a link climbing out of the root escapes", "up", { up: ".." }, null],
    ["a deep climb out escapes", "a/b/c", { "a/b/c": "../../../etc/passwd" }, null],
    ["an absolute link escapes", "etc", { etc: "/etc" }, null],
    ["a path through a directory link is followed", "current/config", { current: "releases/v2" }, "releases/v2/config"],
    ["a .. after a link to the root escapes, as the kernel would resolve it", "y", { x: ".", y: "x/.." }, null],
    ["a link loop is refused", "a", { a: "b", b: "a" }, null],
  ])("%s", (_name, path, symlinks, expected) => {
    expect(resolveBundlePath(path, links(symlinks))).toBe(expected);
  });
});

/** One raw archive entry as a zip central directory or a tar header states it. */
type RawEntry = { name: string; zipAttributes?: number; tarType?: string; link?: string; compressed?: number; size?: number };

const unixAttributes = (mode: number) => (mode << 16) >>> 0;
const MSDOS_ARCHIVE_BIT = 0x20;

/** Runs raw entries through every rule in the order each reader applies them; returns the verdict as text. */
function judge(raw: RawEntry[]): string {
  const listed: ListedEntry[] = [];
  for (const e of raw) {
    const unsafe = describeUnsafeEntryName(e.name);
    if (unsafe) return `refused ${JSON.stringify(e.name)}: ${unsafe}`;
    const classified = e.tarType !== undefined ? classifyTarEntry(e.tarType, 0o644) : classifyZipEntry(e.name, e.zipAttributes ?? unixAttributes(0o100644));
    if ("problem" in classified) return `refused ${JSON.stringify(e.name)}: ${classified.problem}`;
    const bomb = describeExcessiveCompression(e.compressed ?? e.size ?? 0, e.size ?? 0);
    if (bomb) return `refused ${JSON.stringify(e.name)}: ${bomb}`;
    listed.push({ path: normalizeEntryName(e.name), kind: classified.kind, linkTarget: e.link });
  }
  const layout = checkBundleListing(listed);
  if (layout.problems.length > 0) return `refused ${JSON.stringify(layout.problems[0].entry)}: ${layout.problems[0].message}`;
  return layout.appSpecPath === null ? "refused: no appspec" : `accepted with root "${layout.root}"`;
}

const appspec: RawEntry = { name: "appspec.yml" };
const MiB = 1024 * 1024;

describe("the bundle-safety rules shared by the server's upload check, the CLI and the agent", () => {
  it.each<[string, RawEntry[], RegExp]>([
    ["a plain bundle with an appspec at the root is accepted", [appspec, { name: "scripts/start.sh" }], /^accepted with root ""/],
    ["a single top-level directory holding the appspec becomes the root", [{ name: "app/appspec.yml" }, { name: "app/x" }], /^accepted with root "app\/"/],
    ["an appspec whose name differs in case is not an appspec", [{ name: "AppSpec.yml" }], /no appspec/],
    ["a single directory holding only a differently cased appspec is not a root", [{ name: "app/APPSPEC.YML" }], /no appspec/],
    ["an empty entry name is refused", [appspec, { name: "" }], /"": the name is empty/],
    ["a ./ entry is the root directory itself", [{ name: "./", zipAttributes: unixAttributes(0o040755) }, appspec], /^accepted/],
    ["an absolute name is refused", [appspec, { name: "/etc/cron.d/x" }], /absolute path/],
    ["a .. segment is refused", [appspec, { name: "a/../../x" }], /\.\. segment/],
    [
      "a symlink inside the bundle is accepted",
      [appspec, { name: "current", zipAttributes: unixAttributes(0o120777), link: "scripts" }, { name: "scripts/a" }],
      /^accepted/,
    ],
    [
      "a symlink climbing out of the bundle is refused",
      [appspec, { name: "up", zipAttributes: unixAttributes(0o120777), link: "../../etc" }],
      /"up": the symlink points at \.\.\/\.\.\/etc, outside/,
    ],
    [
      "a zip entry claiming MS-DOS but carrying symlink bits is a symlink, and refused when it escapes",
      [appspec, { name: "escape", zipAttributes: (unixAttributes(0o120777) | MSDOS_ARCHIVE_BIT) >>> 0, link: "/etc/passwd" }],
      /"escape": the symlink points at \/etc\/passwd, outside/,
    ],
    ["a zip entry with MS-DOS attributes only is a plain file", [appspec, { name: "readme.txt", zipAttributes: MSDOS_ARCHIVE_BIT }], /^accepted/],
    ["a symlink with an empty target is refused", [appspec, { name: "nothing", zipAttributes: unixAttributes(0o120777), link: "" }], /empty target/],
    ["a zip device file is refused", [appspec, { name: "dev", zipAttributes: unixAttributes(0o020644) }], /device file, FIFO or socket/],
    ["a directory name with symlink bits is refused", [appspec, { name: "d/", zipAttributes: unixAttributes(0o120777) }], /named as a directory/],
    ["a tar FIFO is refused", [appspec, { name: "pipe", tarType: "FIFO" }], /tar FIFO entry/],
    ["a tar hard link to a bundle file is accepted", [appspec, { name: "copy", tarType: "Link", link: "appspec.yml" }], /^accepted/],
    [
      "a tar hard link to the bundle root directory is refused",
      [appspec, { name: "./C:", tarType: "Link", link: "." }],
      /"C:": the hard link points at \., which is not a file earlier/,
    ],
    [
      "a tar hard link to a path the bundle does not hold is refused",
      [appspec, { name: "ghost", tarType: "Link", link: "missing" }],
      /not a file earlier in the bundle/,
    ],
    [
      "a tar hard link to a file that comes later is refused, since tar links only what it unpacked",
      [appspec, { name: "early", tarType: "Link", link: "late" }, { name: "late" }],
      /"early": .* not a file earlier/,
    ],
    ["a tar hard link out of the bundle is refused", [appspec, { name: "passwd", tarType: "Link", link: "../etc/passwd" }], /hard link points at/],
    [
      "an entry written through a bundle symlink is refused",
      [appspec, { name: "l", tarType: "SymbolicLink", link: "sub" }, { name: "sub/", tarType: "Directory" }, { name: "l/x" }],
      /"l\/x": the entry would be written through the symlink l/,
    ],
    ["an entry below a file is refused", [appspec, { name: "f" }, { name: "f/x" }], /"f\/x": the entry sits under f, which is a file/],
    ["the same file twice is refused", [appspec, { name: "a" }, { name: "a" }], /"a": the path appears twice/],
    ["the same directory twice is accepted", [appspec, { name: "d/", tarType: "Directory" }, { name: "d/", tarType: "Directory" }], /^accepted/],
    [
      "an entry inflating 1 MiB+ at more than 200:1 is refused",
      [appspec, { name: "bomb", compressed: 10_000, size: 1024 * MiB }],
      /"bomb": inflates 10000 bytes to 1073741824 \(107374:1, more than 200:1\)/,
    ],
    ["an entry at 200:1 is accepted", [appspec, { name: "zeros", compressed: 10_486, size: 2 * MiB }], /^accepted/],
    ["a small entry is never refused for its ratio", [appspec, { name: "small", compressed: 1, size: MiB }], /^accepted/],
  ])("%s", (_sentence, raw, verdict) => {
    expect(judge(raw)).toMatch(verdict);
  });

  it.each([
    ["a gzip stream inside the tar is refused", [0x1f, 0x8b, 0x08, 0x00], /itself compressed/],
    ["a zstd stream inside the tar is refused", [0x28, 0xb5, 0x2f, 0xfd], /itself compressed/],
    ["a tar header is not compressed", [0x61, 0x70, 0x70, 0x73], null],
  ])("%s", (_sentence, head, expected) => {
    const problem = describeNestedCompression(Uint8Array.from(head));
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});
