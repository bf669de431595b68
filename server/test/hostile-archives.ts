import fc from "fast-check";
import type { BundleType } from "../contracts/resources";
import { archiveOf, claimMadeByMsDos, validBundleEntries, type TestEntry } from "./test-archives";

/** Name pieces that have broken unpackers before: climbs, roots, drive letters, backslashes, NULs, case tricks. */
const hostileSegment = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "..",
      ".",
      "",
      "appspec.yml",
      "AppSpec.yml",
      "appspec.yaml",
      "app",
      "scripts",
      "start.sh",
      "\\..",
      "..\\..",
      "C:",
      "~",
      "a\0b",
      " ",
      "%2e%2e",
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 6 }) },
);

const hostileName = fc
  .tuple(fc.constantFrom("", "/", "./", "../", "\\"), fc.array(hostileSegment, { minLength: 1, maxLength: 4 }), fc.constantFrom("", "/"))
  .map(([prefix, parts, suffix]) => `${prefix}${parts.join("/")}${suffix}`)
  // The zip builder patches names in place, so each needs two bytes at least.
  .filter((name) => Buffer.byteLength(name) >= 2 && Buffer.byteLength(name) <= 90);

const linkTarget = fc.oneof(hostileName, fc.constantFrom(".", "..", "/", "/etc/passwd", "here/..", "app/../..", ""));

const ONE_MIB_OF_ZEROS = Buffer.alloc(1024 * 1024 + 1);

const hostileEntry: fc.Arbitrary<TestEntry> = fc.record({
  name: hostileName,
  type: fc.constantFrom("file", "file", "directory", "symlink", "hardlink", "fifo") as fc.Arbitrary<TestEntry["type"]>,
  target: linkTarget,
  mode: fc.oneof(fc.constantFrom(0, 0o644, 0o755, 0o4777, 0o7777), fc.integer({ min: 0, max: 0o7777 })),
  body: fc.oneof(
    { weight: 8, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
    { weight: 1, arbitrary: fc.constant(ONE_MIB_OF_ZEROS) },
  ),
});

export type HostileArchive = { type: BundleType; bytes: Buffer; entries: TestEntry[] };

/**
 * Structurally valid zip, tar and tgz bundles built with yazl and node-tar headers: often a valid bundle
 * with hostile entries added, so both the refusal and the acceptance paths are reached. Zips may claim to
 * be made by MS-DOS; zips have no hard links, so those become symlinks there.
 */
export const hostileArchive: fc.Arbitrary<Promise<HostileArchive>> = fc
  .record({
    type: fc.constantFrom<BundleType>("zip", "tar", "tgz"),
    base: fc.constantFrom<TestEntry[]>([], validBundleEntries(), validBundleEntries("myapp/")),
    extra: fc.array(hostileEntry, { maxLength: 5 }),
    msdos: fc.boolean(),
  })
  .map(async ({ type, base, extra, msdos }) => {
    const entries = [...base, ...extra].map((e) => (type === "zip" && e.type === "hardlink" ? { ...e, type: "symlink" as const } : e));
    const bytes = await archiveOf(type, entries);
    return { type, bytes: type === "zip" && msdos ? claimMadeByMsDos(bytes) : bytes, entries };
  });

/** Byte-level damage: overwritten bytes, a cut, or bytes spliced in, anywhere in an archive. */
export const archiveMutation = fc.record({
  writes: fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }),
  cutAt: fc.option(fc.nat(), { nil: undefined }),
  splice: fc.option(fc.record({ at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }) }), { nil: undefined }),
});

export function mutateArchive(bytes: Buffer, mutation: typeof archiveMutation extends fc.Arbitrary<infer M> ? M : never): Buffer {
  let out = Buffer.from(bytes);
  for (const { at, byte } of mutation.writes) if (out.length > 0) out[at % out.length] = byte;
  if (mutation.splice) {
    const at = mutation.splice.at % (out.length + 1);
    out = Buffer.concat([out.subarray(0, at), Buffer.from(mutation.splice.bytes), out.subarray(at)]);
  }
  if (mutation.cutAt !== undefined) out = out.subarray(0, mutation.cutAt % (out.length + 1));
  return out;
}

/** A "billion laughs" appspec: each line aliases the one above nine times; line 5 holds the first alias, at hooks.b[0]. */
export const BILLION_LAUGHS_APPSPEC = [
  "version: 0.0",
  "os: linux",
  "hooks:",
  '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  "  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
  "  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
  "  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
  "  e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
].join("\n");
