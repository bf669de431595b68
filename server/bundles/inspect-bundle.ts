import { APPSPEC_FILE_NAMES, parseAppSpec, type AppSpec, type AppSpecError, type BundleListing } from "../contracts/appspec";
import { describeUnsafeEntryName, locateAppSpec, normalizeEntryName, resolveBundlePath, type BundleEntryKind } from "../contracts/bundle-layout";
import type { BundleType } from "../contracts/resources";
import { bundleRefused, entryProblem, type ArchiveScan, type ScanOptions, type ScannedEntry } from "./archive-scan";
import { scanTar } from "./scan-tar";
import { scanZip } from "./scan-zip";

export type BundleInspection = {
  appSpec: AppSpec;
  /** "" or the single top-level directory that is the bundle root, with a trailing slash. */
  bundleRoot: string;
  /** Archive path of the appspec, e.g. appspec.yml or myapp/appspec.yml. */
  appSpecPath: string;
  entryCount: number;
  uncompressedSize: number;
};

export type InspectLimits = {
  maxEntries: number;
  maxUncompressedBytes: number;
};

/** An appspec larger than this is refused; real ones are a few KB. */
const MAX_APPSPEC_BYTES = 1024 * 1024;

/**
 * Lists and validates every archive entry (streaming or seeking, never loading the archive), finds the
 * appspec by CodeDeploy's root rule and parses it against the bundle's contents. Throws an INVALID
 * DomainError whose details.errors locate each problem.
 */
export async function inspectBundle(file: string, type: BundleType, limits: InspectLimits): Promise<BundleInspection> {
  const options: ScanOptions = { ...limits, wanted: isAppSpecCandidate, maxWantedBytes: MAX_APPSPEC_BYTES };
  const scan = type === "zip" ? await scanZip(file, options) : await scanTar(file, type === "tgz", options);
  const kinds = new Map<string, BundleEntryKind>();
  for (const entry of scan.entries) kinds.set(entry.path, entry.kind);

  const located = locateAppSpec(kinds);
  const root = located?.root ?? "";
  const problems = [...scan.problems, ...checkLinks(scan.entries, root)];
  if (!located) {
    problems.push({
      file: "appspec.yml",
      line: null,
      column: null,
      field: "",
      message: "no appspec.yml or appspec.yaml at the bundle root (or inside a single top-level directory)",
    });
    throw bundleRefused(summarize(problems, scan.unlistedProblems), problems);
  }

  const appSpecErrors = parseBundleAppSpec(scan, located.appSpecPath, kinds.get(located.appSpecPath)!, listingOf(scan.entries, root));
  const errors = [...problems, ...appSpecErrors.errors];
  if (errors.length > 0 || !appSpecErrors.appSpec) throw bundleRefused(summarize(errors, scan.unlistedProblems), errors);
  return {
    appSpec: appSpecErrors.appSpec,
    bundleRoot: root,
    appSpecPath: located.appSpecPath,
    entryCount: scan.entries.length,
    uncompressedSize: scan.entries.reduce((sum, e) => sum + e.size, 0),
  };
}

function isAppSpecCandidate(path: string): boolean {
  const parts = path.split("/");
  return parts.length <= 2 && (APPSPEC_FILE_NAMES as readonly string[]).includes(parts[parts.length - 1]);
}

function parseBundleAppSpec(
  scan: ArchiveScan,
  appSpecPath: string,
  kind: BundleEntryKind,
  listing: BundleListing,
): { appSpec?: AppSpec; errors: AppSpecError[] } {
  if (kind !== "file") return { errors: [entryProblem(appSpecPath, `the appspec must be a regular file, not a ${kind}`)] };
  const body = scan.contents.get(appSpecPath);
  if (body === undefined) return { errors: [entryProblem(appSpecPath, "the appspec could not be read")] };
  if (body === null) return { errors: [entryProblem(appSpecPath, `the appspec is larger than ${MAX_APPSPEC_BYTES} bytes`)] };
  const parsed = parseAppSpec(body.toString("utf8"), appSpecPath, listing);
  return parsed.ok ? { appSpec: parsed.appSpec, errors: [] } : { errors: parsed.errors };
}

/** Symlinks and hard links must resolve inside the bundle root; so must every entry reached through a symlink. */
function checkLinks(entries: ScannedEntry[], root: string): AppSpecError[] {
  const problems: AppSpecError[] = [];
  const symlinks = new Map<string, string>();
  for (const e of entries) if (e.kind === "symlink" && e.path.startsWith(root)) symlinks.set(e.path.slice(root.length), e.linkTarget ?? "");
  for (const e of entries) {
    if (!e.path.startsWith(root)) continue;
    if (resolveBundlePath(e.path.slice(root.length), symlinks) === null) {
      const message =
        e.kind === "symlink"
          ? `the symlink points at ${e.linkTarget}, outside the bundle root; refused`
          : "the entry is reached through a symlink that leaves the bundle root; refused";
      problems.push(entryProblem(e.path, message));
    } else if (e.kind === "hardlink" && !isInsideRoot(e.linkTarget ?? "", root, symlinks)) {
      problems.push(entryProblem(e.path, `the hard link points at ${e.linkTarget}, outside the bundle root; refused`));
    }
  }
  return problems;
}

/** A hard link target is an archive path, not relative to the link. */
function isInsideRoot(archivePath: string, root: string, symlinks: ReadonlyMap<string, string>): boolean {
  if (describeUnsafeEntryName(archivePath)) return false;
  const normalized = normalizeEntryName(archivePath);
  return normalized.startsWith(root) && resolveBundlePath(normalized.slice(root.length), symlinks) !== null;
}

/** The bundle as parseAppSpec sees it: paths relative to the root, directories implied by their contents, symlinks followed. */
function listingOf(entries: ScannedEntry[], root: string): BundleListing {
  const kinds = new Map<string, "file" | "directory">([["", "directory"]]);
  const symlinks = new Map<string, string>();
  for (const e of entries) {
    if (!e.path.startsWith(root)) continue;
    const relative = e.path.slice(root.length);
    const parts = relative.split("/");
    for (let i = 1; i < parts.length; i++) kinds.set(parts.slice(0, i).join("/"), "directory");
    if (e.kind === "symlink") symlinks.set(relative, e.linkTarget ?? "");
    else kinds.set(relative, e.kind === "directory" ? "directory" : "file");
  }
  return {
    kindOf(path) {
      const resolved = resolveBundlePath(path, symlinks);
      return resolved === null ? null : (kinds.get(resolved) ?? null);
    },
  };
}

function summarize(errors: AppSpecError[], unlisted = 0): string {
  const first = errors[0];
  const where = first.line === null ? first.file : `${first.file}:${first.line}`;
  const head = `${where}${first.field ? ` ${first.field}` : ""}: ${first.message}`;
  const more = errors.length - 1 + unlisted;
  return more === 0 ? `bundle refused: ${head}` : `bundle refused: ${head} (and ${more} more ${more === 1 ? "problem" : "problems"})`;
}
