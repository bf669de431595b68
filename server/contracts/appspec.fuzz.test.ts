import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { fuzz } from "../test/fuzz";
import { parseAppSpec, type BundleListing, type ParseAppSpecResult } from "./appspec";
import { scriptableLifecycleEvents } from "./deployment";

const realistic = `version: 0.0
os: linux
files:
  - source: app
    destination: /srv/app
file_exists_behavior: OVERWRITE
permissions:
  - object: /srv/app
    pattern: "**"
    mode: 755
    type: [directory]
hooks:
  BeforeInstall: &install
    - location: scripts/stop.sh
      timeout: 300
      runas: deploy
  AfterInstall: *install
  ApplicationStart:
    - location: scripts/start.sh
`;

/** Characters that change what YAML means, so mutations reach the parser's corners. */
const yamlSyntax = fc.constantFrom(..."&*[]{}:-?,|>!%@`'\"#\n\t \\", "<<", "---", "...", "!!binary", "&a", "*a", "0x", "~", "null", "1e999");

const listing: BundleListing = { kindOf: (path) => (path.endsWith(".sh") ? "file" : path === "" || path === "app" ? "directory" : null) };

/** Every answer is a typed result; every error names a file, a field path, a message, and a line when it has one. */
function expectWellFormed(result: ParseAppSpecResult): void {
  if (result.ok) {
    expect(result.appSpec.os).toBe("linux");
    return;
  }
  expect(result.errors.length).toBeGreaterThan(0);
  for (const e of result.errors) {
    expect(e.file).toBe("appspec.yml");
    expect(typeof e.field).toBe("string");
    expect(e.message.length).toBeGreaterThan(0);
    if (e.line !== null) expect(e.line).toBeGreaterThanOrEqual(1);
  }
}

const mutatedAppSpec = fc
  .array(fc.record({ at: fc.nat(), cut: fc.nat({ max: 4 }), insert: fc.array(yamlSyntax, { maxLength: 3 }).map((s) => s.join("")) }), {
    minLength: 1,
    maxLength: 6,
  })
  .map((edits) =>
    edits.reduce((text, { at, cut, insert }) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(i + cut);
    }, realistic),
  );

const anyValue = fc.anything({ maxDepth: 2, maxKeys: 4, size: "small" });
const hookScript = fc.record(
  {
    location: fc.oneof(fc.constantFrom("scripts/start.sh", "../etc/x", "/abs.sh", "app"), fc.string()),
    timeout: fc.oneof(fc.integer(), fc.double(), fc.string()),
  },
  { requiredKeys: [] },
);
const generatedDocument = fc
  .record(
    {
      version: fc.oneof(fc.constant(0), fc.constant("0.0"), anyValue),
      os: fc.oneof(fc.constantFrom("linux", "windows"), anyValue),
      files: fc.oneof(fc.array(fc.record({ source: fc.string(), destination: fc.string() }, { requiredKeys: [] })), anyValue),
      permissions: fc.oneof(fc.array(fc.dictionary(fc.constantFrom("object", "pattern", "mode", "owner", "type", "acls", "context"), anyValue)), anyValue),
      hooks: fc.oneof(
        fc.dictionary(fc.oneof(fc.constantFrom(...scriptableLifecycleEvents, "Install", "Unknown"), fc.string()), fc.oneof(fc.array(hookScript), anyValue)),
        anyValue,
      ),
    },
    { requiredKeys: [] },
  )
  .map((doc) => stringify(doc, { aliasDuplicateObjects: true }));

describe("fuzzing the appspec parser: it never throws and never hangs, whatever the text", () => {
  it("arbitrary text", () => {
    fuzz(
      "appspec: arbitrary text",
      1000,
      fc.oneof(
        fc.string({ unit: "binary", maxLength: 400 }),
        fc.array(yamlSyntax, { maxLength: 200 }).map((s) => s.join("")),
      ),
      (text) => {
        expectWellFormed(parseAppSpec(text, "appspec.yml", listing));
      },
    );
  });

  it("a realistic appspec with YAML syntax inserted and cut at random", () => {
    fuzz("appspec: mutated realistic document", 500, mutatedAppSpec, (text) => {
      expectWellFormed(parseAppSpec(text, "appspec.yml", listing));
    });
  });

  it("well-formed YAML documents with appspec keys and any values", () => {
    fuzz("appspec: generated documents", 200, generatedDocument, (text) => {
      expectWellFormed(parseAppSpec(text, "appspec.yml", listing));
    });
  });
});
