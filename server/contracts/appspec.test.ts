import { describe, expect, it } from "vitest";
import { BILLION_LAUGHS_APPSPEC } from "../test/hostile-archives";
import { formatAppSpecError, parseAppSpec, toBundlePath, type BundleListing } from "./appspec";

const minimal = "version: 0.0\nos: linux\n";

describe("parseAppSpec accepts", () => {
  it.each([
    ["the minimal appspec", minimal],
    ["a quoted version (CodeDeploy's float quirk is not copied)", 'version: "0.0"\nos: linux\n'],
    ["a JSON appspec, since JSON is YAML", '{"version": 0.0, "os": "linux"}'],
    ["an event with no scripts", `${minimal}hooks:\n  BeforeInstall:\n`],
    ["an anchor reused by an alias, as hand-written appspecs do", `${minimal}hooks:\n  BeforeInstall: &same\n    - location: a.sh\n  AfterInstall: *same\n`],
    ["unknown top-level keys, ignored like CodeDeploy", `${minimal}overwrite: yes\n`],
    [
      "all keys of a realistic spec",
      `${minimal}files:\n  - source: /\n    destination: /srv/app\nfile_exists_behavior: OVERWRITE\npermissions:\n  - object: /srv/app\n    mode: "0755"\n    type: [directory]\nhooks:\n  AfterInstall:\n    - location: scripts/a.sh\n      timeout: 300\n      runas: deploy\n`,
    ],
  ])("%s", (_name, text) => {
    const result = parseAppSpec(text);
    expect(result.ok ? "ok" : result.errors).toBe("ok");
  });

  it("returns typed hooks with their timeouts", () => {
    const result = parseAppSpec(`${minimal}hooks:\n  ApplicationStart:\n    - location: start.sh\n      timeout: 30\n`);
    expect(result.ok && result.appSpec.hooks?.ApplicationStart).toEqual([{ location: "start.sh", timeout: 30 }]);
  });
});

describe("parseAppSpec refuses, naming file, line, column and field", () => {
  it.each([
    ["an empty file", "", { line: 1, field: "", message: /at least version and os/ }],
    ["a version other than 0.0", "version: 1.0\nos: linux\n", { line: 1, field: "version", message: /must be 0.0/ }],
    ["a missing os", "version: 0.0\n", { field: "os", message: /required/ }],
    ["os: windows, since Landline agents run Linux", "version: 0.0\nos: windows\n", { line: 2, column: 5, field: "os", message: /agents run Linux/ }],
    ["malformed YAML, at its line", "version: 0.0\nos: linux\nhooks:\n\tAfterInstall: []\n", { line: 4, column: 1, field: "", message: /Tabs/ }],
    ["a duplicate key", "version: 0.0\nos: linux\nos: linux\n", { line: 3, field: "" }],
    [
      "an unknown hook name",
      `${minimal}hooks:\n  AfterDeploy:\n    - location: a.sh\n`,
      { line: 4, field: "hooks.AfterDeploy", message: /unknown lifecycle event AfterDeploy/ },
    ],
    [
      "a misspelled hook name, with the event it most likely meant",
      `${minimal}hooks:\n  AfterInstal:\n    - location: a.sh\n`,
      { line: 4, field: "hooks.AfterInstal", message: /unknown lifecycle event AfterInstal; did you mean AfterInstall\?/ },
    ],
    ["a reserved hook name", `${minimal}hooks:\n  Install:\n    - location: a.sh\n`, { line: 4, field: "hooks.Install", message: /reserved/ }],
    [
      "a script without location",
      `${minimal}hooks:\n  AfterInstall:\n    - timeout: 5\n`,
      { line: 5, field: "hooks.AfterInstall[0].location", message: /required/ },
    ],
    [
      "a zero timeout",
      `${minimal}hooks:\n  AfterInstall:\n    - location: a.sh\n      timeout: 0\n`,
      { line: 6, column: 16, field: "hooks.AfterInstall[0].timeout" },
    ],
    ["a relative destination", `${minimal}files:\n  - source: app\n    destination: srv\n`, { line: 5, field: "files[0].destination", message: /absolute/ }],
    ["a bad file_exists_behavior", `${minimal}file_exists_behavior: KEEP\n`, { line: 3, field: "file_exists_behavior" }],
    ["a mode with a digit 8", `${minimal}permissions:\n  - object: /srv\n    mode: 758\n`, { line: 5, field: "permissions[0].mode", message: /octal/ }],
    [
      "a billion-laughs alias bomb, at its first alias",
      BILLION_LAUGHS_APPSPEC,
      { line: 5, column: 10, field: "hooks.b[0]", message: /expands aliases .* too much/ },
    ],
    [
      "an alias to an anchor defined nowhere",
      `${minimal}hooks:\n  AfterInstall: *missing\n`,
      { line: 4, field: "hooks.AfterInstall", message: /alias cannot be resolved/ },
    ],
    [
      "a document nested deeper than 100 levels, before the parser recurses into it",
      `${minimal}x: ${"[".repeat(5000)}`,
      { line: 3, field: "", message: /nests deeper than 100/ },
    ],
    ["block sequences nested on one line", `${minimal}x: ${"- ".repeat(200)}y`, { line: 3, field: "", message: /nests deeper than 100/ }],
    ["a document over 64 KiB", `${minimal}# ${"x".repeat(64 * 1024)}\n`, { line: null, field: "", message: /larger than 65536 bytes/ }],
  ])("%s", (_name, text, expected) => {
    const result = parseAppSpec(text, "myapp/appspec.yml");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const { message, ...location } = expected as { message?: RegExp; line?: number; column?: number; field: string };
    expect(result.errors[0]).toMatchObject({ file: "myapp/appspec.yml", ...location });
    if (message) expect(result.errors[0].message).toMatch(message);
  });
});

describe("parseAppSpec with a bundle listing", () => {
  const listing: BundleListing = {
    kindOf: (path) =>
      (({ "": "directory", app: "directory", "app/index.html": "file", "scripts/start.sh": "file", scripts: "directory" })[path] as
        "file" | "directory" | null) ?? null,
  };
  const withBundle = (body: string) => parseAppSpec(`${minimal}${body}`, "appspec.yml", listing);

  it.each([
    ["a directory source", "files:\n  - source: app\n    destination: /srv\n"],
    ["a file source with a leading slash", "files:\n  - source: /app/index.html\n    destination: /srv\n"],
    ["the whole bundle as /", "files:\n  - source: /\n    destination: /srv\n"],
    ["a script with ./", "hooks:\n  ApplicationStart:\n    - location: ./scripts/start.sh\n"],
  ])("accepts %s", (_name, body) => {
    const result = withBundle(body);
    expect(result.ok ? "ok" : result.errors).toBe("ok");
  });

  it.each([
    [
      "a files source not in the bundle",
      "files:\n  - source: dist\n    destination: /srv\n",
      { line: 4, field: "files[0].source", message: "dist is not in the bundle" },
    ],
    [
      "a files source outside the bundle",
      "files:\n  - source: ../etc\n    destination: /srv\n",
      { line: 4, field: "files[0].source", message: "../etc points outside the bundle" },
    ],
    [
      "a hook script not in the bundle, saying Landline checks at upload",
      "hooks:\n  ApplicationStart:\n    - location: scripts/stop.sh\n",
      { line: 5, field: "hooks.ApplicationStart[0].location", message: expect.stringMatching(/not in the bundle.*Landline checks scripts at upload/) },
    ],
    [
      "a hook location that is a directory",
      "hooks:\n  ApplicationStart:\n    - location: scripts\n",
      { line: 5, field: "hooks.ApplicationStart[0].location", message: "scripts is a directory, not a script" },
    ],
  ])("refuses %s", (_name, body, expected) => {
    const result = withBundle(body);
    expect(result.ok ? [] : result.errors).toEqual([expect.objectContaining({ file: "appspec.yml", ...expected })]);
  });
});

describe("helpers", () => {
  it.each([
    ["/", ""],
    ["./scripts//a.sh", "scripts/a.sh"],
    ["/index.html", "index.html"],
    ["app/../etc", null],
  ])("toBundlePath(%j) is %j", (input, expected) => expect(toBundlePath(input)).toBe(expected));

  it("formats an error as file:line:column field: message", () => {
    expect(formatAppSpecError({ file: "appspec.yml", line: 12, column: 5, field: "hooks.AfterInstall[0].timeout", message: "bad" })).toBe(
      "appspec.yml:12:5 hooks.AfterInstall[0].timeout: bad",
    );
  });
});
