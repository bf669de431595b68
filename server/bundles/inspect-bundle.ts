import { APPSPEC_FILE_NAMES, MAX_APPSPEC_BYTES, parseAppSpec, type AppSpec, type AppSpecError, type BundleListing } from "../contracts/appspec";
import { checkBundleListing, resolveBundlePath, type BundleEntryKind } from "../contracts/bundle-layout";
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

  const layout = checkBundleListing(scan.entries);
  const root = layout.root;
  const problems = [...scan.problems, ...layout.problems.map((p) => entryProblem(p.entry, p.message))];
  if (layout.appSpecPath === null) {
    problems.push({
      file: "appspec.yml",
      line: null,
      column: null,
      field: "",
      message: "no appspec.yml or appspec.yaml at the bundle root (or inside a single top-level directory)",
    });
    throw bundleRefused(summarize(problems, scan.unlistedProblems), problems);
  }

  const appSpecPath = layout.appSpecPath;
  const appSpecErrors = parseBundleAppSpec(scan, appSpecPath, kinds.get(appSpecPath)!, listingOf(scan.entries, root));
  const errors = [...problems, ...appSpecErrors.errors];
  if (errors.length > 0 || !appSpecErrors.appSpec) throw bundleRefused(summarize(errors, scan.unlistedProblems), errors);
  return {
    appSpec: appSpecErrors.appSpec,
    bundleRoot: root,
    appSpecPath,
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
