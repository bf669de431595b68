import fs from "node:fs";
import path from "node:path";
import type { CommandSpec } from "../server/contracts/agent-protocol";
import { formatAppSpecError } from "../server/contracts/appspec";
import { parseAppSpecCached } from "./appspec-cache";
import { lookupGroup, lookupUser, runTool, ToolMissingError } from "./hook-runner";
import { planInstall, type EntryKind, type InstallInstruction } from "./install-plan";
import { readRevisionRecord, writeFileAtomic, type Layout, type RevisionRecord } from "./layout";
import { findAppSpecFile, type SystemLog } from "./revision";

const SEMANAGE_PREFIX = "semanage\0";

/** Lists the unpacked revision: posix relative path -> kind (symlinks are not followed). */
export function listArchive(archiveDir: string): Map<string, EntryKind> {
  const entries = new Map<string, EntryKind>();
  const walk = (dir: string, prefix: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) entries.set(relative, "symlink");
      else if (entry.isDirectory()) {
        entries.set(relative, "directory");
        walk(path.join(dir, entry.name), relative);
      } else if (entry.isFile()) entries.set(relative, "file");
    }
  };
  walk(archiveDir, "");
  return entries;
}

/** What is at a host path: "directory" also through a symlink, else the entry's own kind. */
export function inspectHostPath(absolutePath: string): EntryKind | null {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(absolutePath);
  } catch {
    return null;
  }
  if (stat.isDirectory()) return "directory";
  if (stat.isSymbolicLink()) {
    try {
      if (fs.statSync(absolutePath).isDirectory()) return "directory";
    } catch {
      // dangling link
    }
    return "symlink";
  }
  return "file";
}

/**
 * Removes what the group's previous Install recorded, newest first: files and links are deleted,
 * directories only when empty, SELinux rules dropped. A torn final line was never acted on and is ignored.
 */
export async function removePreviousInstall(cleanupFile: string, log: SystemLog): Promise<number> {
  let content: string;
  try {
    content = fs.readFileSync(cleanupFile, "utf8");
  } catch {
    return 0;
  }
  const lines = content
    .slice(0, content.lastIndexOf("\n") + 1)
    .split("\n")
    .filter(Boolean);
  let removed = 0;
  for (const line of lines.reverse()) {
    if (line.startsWith(SEMANAGE_PREFIX)) {
      const target = line.slice(SEMANAGE_PREFIX.length);
      await runTool("semanage", ["fcontext", "-d", target]).catch((e: Error) => log(`Could not remove the SELinux rule for ${target}: ${e.message}`));
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(line);
    } catch {
      continue;
    }
    try {
      if (stat.isDirectory()) fs.rmdirSync(line);
      else fs.unlinkSync(line);
      removed++;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST" && code !== "ENOENT") throw e;
    }
  }
  fs.rmSync(cleanupFile, { force: true });
  return removed;
}

class InstallRecorder {
  private readonly fd: number;
  constructor(file: string) {
    this.fd = fs.openSync(file, "a", 0o600);
  }
  /** Recorded before acting, so a crash mid-step still gets the path cleaned up next time. */
  record(line: string): void {
    fs.writeSync(this.fd, `${line}\n`);
  }
  close(): void {
    fs.closeSync(this.fd);
  }
}

async function applyInstruction(instruction: InstallInstruction, recorder: InstallRecorder, ids: IdCache): Promise<void> {
  switch (instruction.op) {
    case "mkdir":
      recorder.record(instruction.path);
      try {
        fs.mkdirSync(instruction.path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      return;
    case "copy": {
      recorder.record(instruction.destination);
      // Replace the entry itself: never write through an existing symlink at the destination.
      if (instruction.replace) fs.rmSync(instruction.destination, { force: true });
      if (instruction.kind === "symlink") {
        fs.symlinkSync(fs.readlinkSync(instruction.source), instruction.destination);
        return;
      }
      const stat = fs.statSync(instruction.source);
      fs.copyFileSync(instruction.source, instruction.destination, fs.constants.COPYFILE_EXCL);
      fs.chmodSync(instruction.destination, stat.mode & 0o7777);
      fs.utimesSync(instruction.destination, stat.atime, stat.mtime);
      return;
    }
    case "chmod":
      if (!fs.lstatSync(instruction.path).isSymbolicLink()) fs.chmodSync(instruction.path, instruction.mode);
      return;
    case "setfacl":
      try {
        await runTool("setfacl", ["-m", instruction.acls.join(","), instruction.path]);
      } catch (e) {
        if (e instanceof ToolMissingError) {
          throw new Error(`The appspec sets acls on ${instruction.path} but setfacl is not installed on this host (install the acl package)`);
        }
        throw e;
      }
      return;
    case "semanage": {
      const { user, type, range } = instruction.context;
      const real = fs.realpathSync(instruction.path);
      recorder.record(`${SEMANAGE_PREFIX}${real}`);
      try {
        await runTool("semanage", ["fcontext", "-a", ...(user ? ["-s", user] : []), "-t", type, ...(range ? ["-r", range] : []), real]);
        await runTool("restorecon", ["-v", real]);
      } catch (e) {
        if (e instanceof ToolMissingError) {
          throw new Error(
            `The appspec sets an SELinux context on ${instruction.path} but semanage/restorecon are not installed on this host (install policycoreutils-python-utils)`,
          );
        }
        throw e;
      }
      return;
    }
    case "chown": {
      const uid = instruction.owner === null ? -1 : await ids.uid(instruction.owner);
      const gid = instruction.group === null ? -1 : await ids.gid(instruction.group);
      fs.lchownSync(instruction.path, uid, gid);
      return;
    }
  }
}

class IdCache {
  private readonly users = new Map<string, number>();
  private readonly groups = new Map<string, number>();
  async uid(name: string): Promise<number> {
    if (!this.users.has(name)) {
      const user = /^\d+$/.test(name) ? { uid: Number(name) } : await lookupUser(name);
      if (!user) throw new Error(`permissions: owner ${name} does not exist on this host`);
      this.users.set(name, user.uid);
    }
    return this.users.get(name)!;
  }
  async gid(name: string): Promise<number> {
    if (!this.groups.has(name)) {
      const gid = await lookupGroup(name);
      if (gid === null) throw new Error(`permissions: group ${name} does not exist on this host`);
      this.groups.set(name, gid);
    }
    return this.groups.get(name)!;
  }
}

export type InstallRevisionOptions = { layout: Layout; spec: CommandSpec; log: SystemLog };

/**
 * The Install event (§5.6): remove the group's previously installed files, plan and copy the new
 * ones recording each as it goes, apply permissions, then record _last_successful_install.
 */
export async function installRevision(options: InstallRevisionOptions): Promise<RevisionRecord> {
  const { layout, spec, log } = options;
  const { deploymentGroupId: groupId, deploymentId } = spec;
  const archiveDir = layout.archiveDir(groupId, deploymentId);
  const record = readRevisionRecord(layout.revisionFile(groupId, deploymentId));
  if (!record || !fs.existsSync(archiveDir)) throw new Error(`The revision of deployment ${deploymentId} is not on this host (DownloadBundle has not run)`);
  const appSpecFile = findAppSpecFile(archiveDir);
  if (!appSpecFile) throw new Error("The revision has no appspec.yml or appspec.yaml at its root");
  const parsed = parseAppSpecCached(fs.readFileSync(appSpecFile, "utf8"), path.basename(appSpecFile));
  if (!parsed.ok) throw new Error(`The appspec is invalid:\n${parsed.errors.map(formatAppSpecError).join("\n")}`);
  if (parsed.appSpec.os !== "linux") throw new Error(`The appspec says os: ${parsed.appSpec.os} but this host runs linux`);

  const cleanupFile = layout.cleanupFile(groupId);
  const removed = await removePreviousInstall(cleanupFile, log);
  if (removed > 0) log(`Removed ${removed} files and directories installed by the previous revision of this deployment group`);

  const planned = planInstall({
    appSpec: parsed.appSpec,
    archiveDir,
    archive: listArchive(archiveDir),
    hostEntry: inspectHostPath,
    fileExistsBehavior: spec.fileExistsBehavior,
  });
  if (!planned.ok) throw new Error(planned.error);
  const { instructions, retained } = planned.plan;
  writeFileAtomic(path.join(layout.instructionsDir, `${groupId}-install.json`), JSON.stringify({ instructions }), 0o600);
  for (const file of retained) log(`Kept the existing file ${file} (file_exists_behavior RETAIN)`);

  const recorder = new InstallRecorder(cleanupFile);
  const ids = new IdCache();
  try {
    for (const instruction of instructions) await applyInstruction(instruction, recorder, ids);
  } finally {
    recorder.close();
  }
  const count = (op: InstallInstruction["op"]) => instructions.filter((i) => i.op === op).length;
  const counted = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const permissionChanges = instructions.length - count("copy") - count("mkdir");
  log(
    `Installed ${counted(count("copy"), "file", "files")}, created ${counted(count("mkdir"), "directory", "directories")}, applied ${counted(permissionChanges, "permission change", "permission changes")}`,
  );
  writeFileAtomic(layout.lastSuccessfulInstallFile(groupId), layout.deploymentDir(groupId, deploymentId));
  return record;
}
