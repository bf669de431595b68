import { describe, expect, it } from "vitest";
import { describeUnsafeEntryName, locateAppSpec, normalizeEntryName, resolveBundlePath, type BundleEntryKind } from "./bundle-layout";

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
    ["the single top-level directory holding the appspec", { myapp: "directory", "myapp/appspec.yml": "file", "myapp/s/a.sh": "file" }, { root: "myapp/", appSpecPath: "myapp/appspec.yml" }],
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
