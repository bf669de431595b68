import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { scriptSourceSchema, type ScriptSource } from "../server/contracts/agent-protocol";

/**
 * On-disk layout under the agent root (after CodeDeploy's deployment-root, §5.4):
 *   credential.json                                  host credential (0600)
 *   state/                                           journal: commands and log segments
 *   bundles/<sha256>                                 verified bundles, cached by hash
 *   deployments/<group-id>/<deployment-id>/          revision.json + deployment-archive/
 *   deployment-instructions/<group-id>-cleanup       files installed by the group's last Install
 *   deployment-instructions/<group-id>_last_successful_install, _most_recent_install
 */
export type Layout = ReturnType<typeof createLayout>;

const SAFE_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Ids from the server become directory names; refuse anything that could leave the root. */
export function assertSafeId(id: string, what: string): string {
  if (!SAFE_ID.test(id) || id === "." || id === "..") throw new Error(`refusing unsafe ${what} ${JSON.stringify(id)}`);
  return id;
}

export function createLayout(rootDir: string) {
  const root = path.resolve(rootDir);
  const deploymentsDir = path.join(root, "deployments");
  const instructionsDir = path.join(root, "deployment-instructions");
  const groupDir = (groupId: string) => path.join(deploymentsDir, assertSafeId(groupId, "deployment group id"));
  const deploymentDir = (groupId: string, deploymentId: string) => path.join(groupDir(groupId), assertSafeId(deploymentId, "deployment id"));
  return {
    root,
    credentialFile: path.join(root, "credential.json"),
    stateDir: path.join(root, "state"),
    bundlesDir: path.join(root, "bundles"),
    deploymentsDir,
    instructionsDir,
    groupDir,
    deploymentDir,
    archiveDir: (groupId: string, deploymentId: string) => path.join(deploymentDir(groupId, deploymentId), "deployment-archive"),
    revisionFile: (groupId: string, deploymentId: string) => path.join(deploymentDir(groupId, deploymentId), "revision.json"),
    cleanupFile: (groupId: string) => path.join(instructionsDir, `${assertSafeId(groupId, "deployment group id")}-cleanup`),
    lastSuccessfulInstallFile: (groupId: string) => path.join(instructionsDir, `${assertSafeId(groupId, "deployment group id")}_last_successful_install`),
    mostRecentInstallFile: (groupId: string) => path.join(instructionsDir, `${assertSafeId(groupId, "deployment group id")}_most_recent_install`),
  };
}

/**
 * The root is 0711: only the agent can list it, while a hook running as another user (runas) can still
 * reach its revision directory. Secrets live in 0600 files and 0700 subdirectories.
 */
export function ensureRootDirs(layout: Layout): void {
  fs.mkdirSync(layout.root, { recursive: true, mode: 0o711 });
  fs.chmodSync(layout.root, 0o711);
  for (const dir of [layout.stateDir, layout.bundlesDir]) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const dir of [layout.deploymentsDir, layout.instructionsDir]) fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
}

/** Writes a file atomically (temp file + rename) so a crash never leaves it half-written. */
export function writeFileAtomic(file: string, content: string, mode = 0o644): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode });
  fs.renameSync(tmp, file);
}

export function readTextIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/** revision.json: which revision a deployment directory holds, so later events can name their scriptSource. */
export const revisionRecordSchema = scriptSourceSchema.extend({
  deploymentGroupId: z.string(),
  bundleType: z.string(),
});
export type RevisionRecord = z.infer<typeof revisionRecordSchema>;

export function readRevisionRecord(file: string): RevisionRecord | null {
  const text = readTextIfExists(file);
  if (text === null) return null;
  try {
    const parsed = revisionRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function toScriptSource(record: RevisionRecord): ScriptSource {
  return { deploymentId: record.deploymentId, revisionId: record.revisionId, sha256: record.sha256 };
}

/** Reads a pointer file (_last_successful_install, _most_recent_install): the deployment directory it names. */
export function readPointer(file: string): string | null {
  const text = readTextIfExists(file)?.trim();
  return text ? text : null;
}
