import path from "node:path";
import type { AppSpec, PermissionSpec } from "../server/contracts/appspec";
import type { FileExistsBehavior } from "../server/contracts/resources";

export type EntryKind = "file" | "directory" | "symlink";

export type SelinuxContext = { user: string | null; type: string; range: string | null };

export type InstallInstruction =
  | { op: "mkdir"; path: string }
  | { op: "copy"; source: string; destination: string; kind: "file" | "symlink"; replace: boolean }
  | { op: "chmod"; path: string; mode: number }
  | { op: "setfacl"; path: string; acls: string[] }
  | { op: "semanage"; path: string; context: SelinuxContext }
  | { op: "chown"; path: string; owner: string | null; group: string | null };

export type InstallPlan = {
  instructions: InstallInstruction[];
  /** Existing files kept because of RETAIN (not copied, not recorded for cleanup). */
  retained: string[];
};

export type PlanInstallInput = {
  appSpec: AppSpec;
  /** Absolute path of the unpacked revision. */
  archiveDir: string;
  /** Entries of the unpacked revision by posix path relative to archiveDir (no leading slash). */
  archive: ReadonlyMap<string, EntryKind>;
  /**
   * What is at an absolute host path after the previous revision's files were removed: "directory" when it
   * is one (also through a symlink), else the kind of the entry itself, null when nothing is there.
   */
  hostEntry: (absolutePath: string) => EntryKind | null;
  /** The command's behaviour; the appspec's file_exists_behavior wins over it. */
  fileExistsBehavior: FileExistsBehavior;
};

export type PlanInstallResult = { ok: true; plan: InstallPlan } | { ok: false; error: string };

class PlanError extends Error {}

function normalizeSource(source: string): string {
  const relative = path.posix.normalize(source.replace(/\\/g, "/").replace(/^\/+/, "") || ".");
  if (relative === "..") throw new PlanError(`files source ${source} points outside the revision`);
  if (relative.startsWith("../")) throw new PlanError(`files source ${source} points outside the revision`);
  return relative === "." ? "" : relative.replace(/\/$/, "");
}

function normalizeAbsolute(p: string): string {
  const normalized = path.posix.normalize(p);
  return normalized.length > 1 ? normalized.replace(/\/$/, "") : normalized;
}

/** CodeDeploy's simple globs: only `*` is special and it never crosses `/`; `**` alone matches everything. */
export function matchesSimpleGlob(relative: string, pattern: string): boolean {
  if (pattern === "**") return true;
  const regex = new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join("[^/]*")}$`,
  );
  return regex.test(relative);
}

const ACL_ENTRY = /^(d(?:efault)?:)?(u(?:ser)?|g(?:roup)?|m(?:ask)?|o(?:ther)?):([^:]*):([rwx-]{1,3}|[0-7])$/;

function checkAcls(acls: string[], target: string, isDirectory: boolean, where: string): void {
  for (const acl of acls) {
    const m = ACL_ENTRY.exec(acl);
    if (!m) throw new PlanError(`${where}: acl entry ${JSON.stringify(acl)} is not [d:]u|g|m|o:[name]:perm`);
    const isDefault = Boolean(m[1]);
    const kind = m[2][0];
    if (isDefault && !isDirectory) throw new PlanError(`${where}: default acl entry ${acl} cannot apply to the file ${target}`);
    if (!isDefault && kind !== "m" && m[3] === "") {
      throw new PlanError(`${where}: acl entry ${acl} sets a base entry; set the owner, group and other permissions with mode`);
    }
  }
}

/**
 * Turns the appspec's files and permissions sections into instructions (CodeDeploy §4.3, §4.4):
 * a file source lands at destination/basename, a directory source's contents land in destination,
 * and permissions apply to what this Install copies or creates.
 */
export function planInstall(input: PlanInstallInput): PlanInstallResult {
  try {
    return { ok: true, plan: buildPlan(input) };
  } catch (error) {
    if (error instanceof PlanError) return { ok: false, error: error.message };
    throw error;
  }
}

function buildPlan(input: PlanInstallInput): InstallPlan {
  const behavior = input.appSpec.file_exists_behavior ?? input.fileExistsBehavior;
  const instructions: InstallInstruction[] = [];
  const createdDirs: string[] = [];
  const createdDirSet = new Set<string>();
  const plannedFiles = new Map<string, string>();
  const copied: string[] = [];
  const retained: string[] = [];

  const ensureDir = (dir: string): void => {
    if (dir === "/" || createdDirSet.has(dir)) return;
    if (plannedFiles.has(dir)) throw new PlanError(`${dir} would be both a file (from ${plannedFiles.get(dir)}) and a directory`);
    const existing = input.hostEntry(dir);
    if (existing === "directory") return;
    if (existing) throw new PlanError(`cannot create the directory ${dir}: a file already exists there`);
    ensureDir(path.posix.dirname(dir));
    createdDirSet.add(dir);
    createdDirs.push(dir);
    instructions.push({ op: "mkdir", path: dir });
  };

  const placeFile = (sourceRelative: string, destination: string, kind: "file" | "symlink"): void => {
    const previous = plannedFiles.get(destination);
    if (previous !== undefined) throw new PlanError(`two files entries install ${destination} (from ${previous} and ${sourceRelative})`);
    if (createdDirSet.has(destination)) throw new PlanError(`${destination} would be both a directory and a file (from ${sourceRelative})`);
    ensureDir(path.posix.dirname(destination));
    plannedFiles.set(destination, sourceRelative);
    const existing = input.hostEntry(destination);
    if (existing === "directory") throw new PlanError(`cannot install ${sourceRelative} to ${destination}: a directory exists there`);
    if (existing) {
      if (behavior === "DISALLOW") {
        throw new PlanError(
          `The deployment failed because a specified file already exists at this location: ${destination} ` +
            "(file_exists_behavior is DISALLOW; set OVERWRITE or RETAIN to install over files Landline did not put there)",
        );
      }
      if (behavior === "RETAIN") {
        retained.push(destination);
        return;
      }
    }
    copied.push(destination);
    instructions.push({
      op: "copy",
      source: path.posix.join(input.archiveDir, sourceRelative),
      destination,
      kind,
      replace: existing !== null,
    });
  };

  const entries = [...input.archive.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [index, mapping] of (input.appSpec.files ?? []).entries()) {
    const source = normalizeSource(mapping.source);
    const destination = normalizeAbsolute(mapping.destination);
    const kind = source === "" ? "directory" : input.archive.get(source);
    if (!kind) throw new PlanError(`files[${index}].source ${mapping.source} does not exist in the revision`);
    if (kind !== "directory") {
      placeFile(source, path.posix.join(destination, path.posix.basename(source)), kind);
      continue;
    }
    ensureDir(destination);
    const prefix = source === "" ? "" : `${source}/`;
    for (const [relative, entryKind] of entries) {
      if (!relative.startsWith(prefix)) continue;
      const target = path.posix.join(destination, relative.slice(prefix.length));
      if (entryKind === "directory") ensureDir(target);
      else placeFile(relative, target, entryKind);
    }
  }

  const copiedSet = new Set(copied);
  const permissioned = new Map<string, number>();
  for (const [index, permission] of (input.appSpec.permissions ?? []).entries()) {
    const where = `permissions[${index}]`;
    const targets = selectPermissionTargets(permission, copied, copiedSet, createdDirs, where);
    for (const target of targets) {
      const earlier = permissioned.get(target.path);
      if (earlier !== undefined) throw new PlanError(`${where}: ${target.path} already receives permissions from permissions[${earlier}]`);
      permissioned.set(target.path, index);
      if (permission.mode !== undefined) instructions.push({ op: "chmod", path: target.path, mode: parseInt(permission.mode, 8) });
      if (permission.acls && permission.acls.length > 0) {
        checkAcls(permission.acls, target.path, target.isDirectory, where);
        instructions.push({ op: "setfacl", path: target.path, acls: permission.acls });
      }
      if (permission.context) {
        const { type, range } = permission.context;
        const user = permission.context.user ?? permission.context.name ?? null;
        instructions.push({ op: "semanage", path: target.path, context: { user, type, range: range ?? null } });
      }
      if (permission.owner || permission.group) {
        instructions.push({ op: "chown", path: target.path, owner: permission.owner ?? null, group: permission.group ?? null });
      }
    }
  }
  return { instructions, retained };
}

function selectPermissionTargets(
  permission: PermissionSpec,
  copied: string[],
  copiedSet: Set<string>,
  createdDirs: string[],
  where: string,
): { path: string; isDirectory: boolean }[] {
  const types = permission.type ?? ["file", "directory"];
  const object = normalizeAbsolute(permission.object);
  const pattern = permission.pattern ?? "**";
  const except = permission.except ?? [];
  if (copiedSet.has(object)) {
    if (!types.includes("file")) return [];
    if (pattern !== "**" || except.length > 0) {
      throw new PlanError(`${where}: pattern and except cannot be used because object ${object} is a file`);
    }
    return [{ path: object, isDirectory: false }];
  }
  const prefix = object === "/" ? "/" : `${object}/`;
  const matches = (candidate: string) => {
    if (!candidate.startsWith(prefix)) return false;
    const relative = candidate.slice(prefix.length);
    return matchesSimpleGlob(relative, pattern) && !except.some((e) => matchesSimpleGlob(relative, e));
  };
  const targets: { path: string; isDirectory: boolean }[] = [];
  if (types.includes("file")) for (const file of copied) if (matches(file)) targets.push({ path: file, isDirectory: false });
  if (types.includes("directory")) for (const dir of createdDirs) if (matches(dir)) targets.push({ path: dir, isDirectory: true });
  return targets;
}
