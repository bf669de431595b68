import { APPSPEC_FILE_NAMES } from "./appspec";

/**
 * Path rules for revision bundles, applied by the server when a bundle is uploaded and by agents when
 * they unpack it, so both agree on what is safe and where the bundle root is.
 */

/** What an archive entry is, after refusing devices, FIFOs and sockets. */
export type BundleEntryKind = "file" | "directory" | "symlink" | "hardlink";

/** Symlinks followed while resolving one path before it counts as a loop (Linux's limit). */
const MAX_SYMLINK_HOPS = 40;

/** Why an archive entry name (or link target) is unsafe to unpack, or null when it is safe. Backslashes count as separators. */
export function describeUnsafeEntryName(name: string): string | null {
  if (name.includes("\0")) return "the name contains a NUL character";
  if (name === "") return "the name is empty";
  const slashed = name.replace(/\\/g, "/");
  if (slashed.startsWith("/") || /^[A-Za-z]:/.test(slashed)) return "the name is an absolute path";
  if (slashed.split("/").includes("..")) return "the name contains a .. segment that could escape the bundle";
  return null;
}

/** "./a//b/" -> "a/b"; the bundle root is "". Only for names describeUnsafeEntryName accepts. */
export function normalizeEntryName(name: string): string {
  return name
    .split("/")
    .filter((s) => s !== "" && s !== ".")
    .join("/");
}

/**
 * Where the bundle root and the appspec are, given every normalized entry path and its kind.
 * Like CodeDeploy: the appspec is at the archive root, or, when the root holds exactly one directory and
 * nothing else, inside that directory, which then becomes the root. appspec.yml wins over appspec.yaml.
 */
export function locateAppSpec(kinds: ReadonlyMap<string, BundleEntryKind>): { root: string; appSpecPath: string } | null {
  for (const name of APPSPEC_FILE_NAMES) if (kinds.has(name)) return { root: "", appSpecPath: name };
  const topLevel = new Set<string>();
  for (const path of kinds.keys()) if (path !== "") topLevel.add(path.split("/")[0]);
  if (topLevel.size !== 1) return null;
  const [dir] = topLevel;
  const isDirectory = kinds.get(dir) === "directory" || [...kinds.keys()].some((p) => p.startsWith(`${dir}/`));
  if (!isDirectory) return null;
  for (const name of APPSPEC_FILE_NAMES) if (kinds.has(`${dir}/${name}`)) return { root: `${dir}/`, appSpecPath: `${dir}/${name}` };
  return null;
}

/**
 * Resolves a root-relative path through the bundle's own symlinks (path -> target, both root-relative
 * paths and link texts), the way the kernel would after unpacking. Returns the normalized root-relative
 * result, or null when it would leave the bundle root, reach an absolute target or loop.
 */
export function resolveBundlePath(path: string, symlinks: ReadonlyMap<string, string>): string | null {
  const resolved: string[] = [];
  const pending = path.split("/");
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (resolved.length === 0) return null;
      resolved.pop();
      continue;
    }
    resolved.push(part);
    const target = symlinks.get(resolved.join("/"));
    if (target === undefined) continue;
    if (++hops > MAX_SYMLINK_HOPS || describeUnsafeAbsolute(target)) return null;
    resolved.pop();
    pending.unshift(...target.replace(/\\/g, "/").split("/"));
  }
  return resolved.join("/");
}

function describeUnsafeAbsolute(target: string): boolean {
  const slashed = target.replace(/\\/g, "/");
  return slashed.startsWith("/") || /^[A-Za-z]:/.test(slashed) || target.includes("\0");
}
