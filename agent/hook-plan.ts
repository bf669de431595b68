import path from "node:path";
import type { ScriptSource } from "../server/contracts/agent-protocol";
import { formatAppSpecError } from "../server/contracts/appspec";
import { parseAppSpecCached } from "./appspec-cache";
import type { ScriptableLifecycleEvent } from "../server/contracts/deployment";

/** One script to run: what hook-runner needs, decided here without touching the disk. */
export type HookInvocation = {
  /** Script path as written in the appspec. */
  location: string;
  /** Absolute path of the script. */
  scriptPath: string;
  /** Working directory: the revision's deployment-archive. */
  cwd: string;
  timeoutSeconds: number;
  /** User to run as; null runs as the agent's user. */
  runas: string | null;
  sudo: boolean;
};

/** A revision as found on the host: its unpacked archive and appspec text (null when absent). */
export type RevisionOnHost = {
  archiveDir: string;
  source: ScriptSource;
  /** False when the directory was recorded but no longer exists. */
  archiveExists: boolean;
  appSpecFile: string;
  appSpecText: string | null;
};

export type HookPlan =
  | { kind: "skip"; message: string; scriptSource: ScriptSource | null }
  | { kind: "fail"; message: string; scriptSource: ScriptSource | null }
  | { kind: "run"; scriptSource: ScriptSource; invocations: HookInvocation[] };

export type ScriptRevision = "current" | "lastSuccessfulInstall";

/**
 * Whose scripts an event runs (CodeDeploy §5.5, normal deployments): the stop side comes from the
 * revision that is actually installed, because the new one has not been downloaded yet.
 */
export function selectScriptRevision(event: ScriptableLifecycleEvent): ScriptRevision {
  switch (event) {
    case "ApplicationStop":
    case "BeforeBlockTraffic":
    case "AfterBlockTraffic":
      return "lastSuccessfulInstall";
    default:
      return "current";
  }
}

export type PlanHooksInput = {
  event: ScriptableLifecycleEvent;
  /** The deployment's own revision, null when DownloadBundle has not put it on this host. */
  current: RevisionOnHost | null;
  /** The revision of the group's last successful Install on this host, null on a first deployment. */
  lastSuccessfulInstall: RevisionOnHost | null;
  defaultTimeoutSeconds: number;
  /** The host's appspec os: linux. */
  hostOs: "linux" | "windows";
};

/** Decides which scripts an event runs, in order, and from which revision. */
export function planHooks(input: PlanHooksInput): HookPlan {
  const choice = selectScriptRevision(input.event);
  const revision = choice === "current" ? input.current : input.lastSuccessfulInstall;
  if (!revision) {
    return choice === "lastSuccessfulInstall"
      ? { kind: "skip", message: `No revision was installed on this host before; ${input.event} has nothing to run`, scriptSource: null }
      : { kind: "fail", message: `The revision of this deployment is not on this host (DownloadBundle has not run)`, scriptSource: null };
  }
  const scriptSource = revision.source;
  const whose = choice === "current" ? "this deployment's revision" : `the last successfully installed revision (deployment ${scriptSource.deploymentId})`;
  if (!revision.archiveExists) {
    return { kind: "fail", message: `The directory of ${whose} no longer exists: ${revision.archiveDir}`, scriptSource };
  }
  if (revision.appSpecText === null) {
    return { kind: "fail", message: `No appspec.yml or appspec.yaml at the root of ${whose} (${revision.archiveDir})`, scriptSource };
  }
  const parsed = parseAppSpecCached(revision.appSpecText, revision.appSpecFile);
  if (!parsed.ok) {
    return { kind: "fail", message: `The appspec of ${whose} is invalid:\n${parsed.errors.map(formatAppSpecError).join("\n")}`, scriptSource };
  }
  if (parsed.appSpec.os !== input.hostOs) {
    return { kind: "fail", message: `The appspec says os: ${parsed.appSpec.os} but this host runs ${input.hostOs}`, scriptSource };
  }
  const scripts = parsed.appSpec.hooks?.[input.event] ?? [];
  if (scripts.length === 0) {
    return { kind: "skip", message: `The appspec of ${whose} has no scripts for ${input.event}`, scriptSource };
  }
  const invocations: HookInvocation[] = [];
  for (const script of scripts) {
    const relative = script.location.replace(/\\/g, "/").replace(/^(\.?\/)+/, "");
    const scriptPath = path.posix.join(revision.archiveDir, relative);
    if (!scriptPath.startsWith(revision.archiveDir + "/")) {
      return { kind: "fail", message: `Script location ${script.location} points outside the revision`, scriptSource };
    }
    invocations.push({
      location: script.location,
      scriptPath,
      cwd: revision.archiveDir,
      timeoutSeconds: script.timeout ?? input.defaultTimeoutSeconds,
      runas: script.runas ?? null,
      sudo: script.sudo ?? false,
    });
  }
  return { kind: "run", scriptSource, invocations };
}
