import fs from "node:fs";
import path from "node:path";
import {
  commandCancelSchema,
  commandSpecSchema,
  type CommandAccepted,
  type CommandSpec,
  type EventFinished,
  type LogLine,
  type ScriptSource,
} from "../server/contracts/agent-protocol";
import { LOG_TAIL_CHARS, type LifecycleErrorCode, type ScriptableLifecycleEvent } from "../server/contracts/deployment";
import { planHooks, type RevisionOnHost } from "./hook-plan";
import { currentBootId, isProcessGroupAlive, killProcessGroup, runHookScripts, DEFAULT_KILL_GRACE_MS } from "./hook-runner";
import { installRevision } from "./install";
import type { Journal, JournaledCommand } from "./journal";
import { readPointer, readRevisionRecord, toScriptSource, type Layout } from "./layout";
import { findAppSpecFile, prepareRevision } from "./revision";

const MESSAGE_CHARS = 8192;

/**
 * Environment variables never passed to hook scripts: the agent's own configuration namespace, which holds its
 * enrollment token (LANDLINE_ENROLL_TOKEN) and where it lives; hooks get their own LANDLINE_ variables below.
 */
const AGENT_ENV = /^LANDLINE_/i;

export type CommandExecutorOptions = {
  layout: Layout;
  journal: Journal;
  serverUrl: string;
  credential: string;
  hostName: string;
  maxRevisions: number;
  /** The agent's own log (stdout), not the deployment log. */
  log: (message: string) => void;
  killGraceMs?: number;
  outputGraceMs?: number;
  env?: Record<string, string | undefined>;
};

type Outcome = {
  status: EventFinished["status"];
  errorCode: LifecycleErrorCode;
  message: string;
  scriptName: string | null;
  scriptSource: ScriptSource | null;
  /** The event had no scripts to run (a host's first ApplicationStop, an event the appspec leaves out). */
  nothingToRun?: boolean;
};

type Running = { spec: CommandSpec; abort: AbortController; cancelReason: string | null; pgid: number | null };

/** Keeps the newest output that fits in the diagnostics log tail. */
class LogTail {
  private lines: string[] = [];
  private size = 0;
  add(text: string): void {
    this.lines.push(text);
    this.size += text.length + 1;
    while (this.size > LOG_TAIL_CHARS && this.lines.length > 1) this.size -= this.lines.shift()!.length + 1;
  }
  toString(): string {
    return this.lines.join("\n").slice(-LOG_TAIL_CHARS);
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Builds the hook environment: the agent's minus its secrets, plus CodeDeploy's variables. */
export type HookEnv = Record<string, string | undefined>;

export function buildHookEnv(base: HookEnv, spec: CommandSpec, hostName: string): HookEnv {
  const env: HookEnv = {};
  for (const [key, value] of Object.entries(base)) if (!AGENT_ENV.test(key)) env[key] = value;
  return {
    ...env,
    LIFECYCLE_EVENT: spec.lifecycleEvent,
    DEPLOYMENT_ID: spec.deploymentId,
    APPLICATION_NAME: spec.applicationName,
    DEPLOYMENT_GROUP_NAME: spec.deploymentGroupName,
    DEPLOYMENT_GROUP_ID: spec.deploymentGroupId,
    LANDLINE_REVISION_SHA256: spec.revision.sha256,
    LANDLINE_HOST_NAME: hostName,
  };
}

function loadRevisionAt(deploymentDir: string): RevisionOnHost {
  const archiveDir = path.join(deploymentDir, "deployment-archive");
  const record = readRevisionRecord(path.join(deploymentDir, "revision.json"));
  const archiveExists = fs.existsSync(archiveDir);
  const appSpecFile = archiveExists ? findAppSpecFile(archiveDir) : null;
  return {
    archiveDir,
    source: record ? toScriptSource(record) : { deploymentId: path.basename(deploymentDir), revisionId: "unknown", sha256: "unknown" },
    archiveExists,
    appSpecFile: appSpecFile ? path.basename(appSpecFile) : "appspec.yml",
    appSpecText: appSpecFile ? fs.readFileSync(appSpecFile, "utf8") : null,
  };
}

/**
 * Runs commands: one lifecycle event each, at most one at a time, idempotent by commandId. Every output
 * line goes to the journal first; results are journaled and announced to whoever delivers them.
 */
export class CommandExecutor {
  private running: Running | null = null;
  private runningDone: Promise<void> = Promise.resolve();
  private stopping = false;
  private readonly cancelledEarly = new Map<string, string>();
  private readonly resultListeners = new Set<() => void>();

  /** A plain copy of the agent's environment: reading process.env key by key is slow, and it does not change. */
  private readonly baseEnv: HookEnv;

  constructor(private readonly options: CommandExecutorOptions) {
    this.baseEnv = { ...(options.env ?? process.env) };
  }

  /** Called whenever a result waits to be delivered. */
  onResult(listener: () => void): () => void {
    this.resultListeners.add(listener);
    return () => this.resultListeners.delete(listener);
  }

  get runningCommandId(): string | null {
    return this.running?.spec.commandId ?? null;
  }

  /** Resolves when the running command (if any) has finished. */
  whenIdle(): Promise<void> {
    return this.runningDone;
  }

  accept(raw: unknown): CommandAccepted {
    const parsed = commandSpecSchema.safeParse(raw);
    const rawId = typeof (raw as { commandId?: unknown })?.commandId === "string" ? (raw as { commandId: string }).commandId : "";
    if (!parsed.success) return { commandId: rawId, accepted: false, reason: `invalid command: ${parsed.error.issues[0]?.message ?? "bad payload"}` };
    if (this.stopping) return { commandId: rawId, accepted: false, reason: "the agent is shutting down" };
    const spec = parsed.data;
    const known = this.options.journal.getCommand(spec.commandId);
    if (known) {
      if (known.state === "finished") {
        if (known.resultAcked) this.options.journal.reopenResult(spec.commandId);
        this.announceResult();
      }
      return { commandId: spec.commandId, accepted: true };
    }
    if (this.running) {
      const busy = this.running.spec;
      const reason =
        busy.deploymentId === spec.deploymentId
          ? `${busy.lifecycleEvent} of this deployment is still running (command ${busy.commandId})`
          : `this host is busy with deployment ${busy.deploymentId} (${busy.lifecycleEvent}); a host runs one deployment at a time`;
      return { commandId: spec.commandId, accepted: false, reason };
    }
    this.options.journal.recordReceived(spec);
    const early = this.cancelledEarly.get(spec.commandId);
    if (early !== undefined) {
      this.finishWithoutRunning(this.options.journal.getCommand(spec.commandId)!, "Cancelled", `Cancelled before it started: ${early}`);
      return { commandId: spec.commandId, accepted: true };
    }
    const running: Running = { spec, abort: new AbortController(), cancelReason: null, pgid: null };
    this.running = running;
    this.runningDone = this.run(running).finally(() => {
      if (this.running === running) this.running = null;
    });
    return { commandId: spec.commandId, accepted: true };
  }

  cancel(raw: unknown): { ok: boolean } {
    const parsed = commandCancelSchema.safeParse(raw);
    if (!parsed.success) return { ok: false };
    const { commandId, reason } = parsed.data;
    if (this.running?.spec.commandId === commandId) {
      this.running.cancelReason = reason || "cancelled";
      this.running.abort.abort(new Error(this.running.cancelReason));
      return { ok: true };
    }
    if (!this.options.journal.getCommand(commandId)) {
      // command:cancel overtook command:run: remember it so the command never starts.
      this.cancelledEarly.set(commandId, reason);
      if (this.cancelledEarly.size > 100) this.cancelledEarly.delete(this.cancelledEarly.keys().next().value!);
    }
    return { ok: true };
  }

  /**
   * At start: a command journaled as received or running died with the previous agent process. Stop
   * what is left of its process group and fail it with FailedAfterRestart (CodeDeploy §5.8).
   */
  async recoverAfterRestart(): Promise<void> {
    for (const command of this.options.journal.unfinishedCommands()) {
      const group = command.processGroup;
      if (group && group.bootId === currentBootId() && isProcessGroupAlive(group.pgid)) {
        this.writeLine(command.spec.commandId, "system", `Stopping process group ${group.pgid} left from before the agent restarted`);
        await killProcessGroup(group.pgid, this.options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
      }
      this.finishWithoutRunning(
        command,
        "FailedAfterRestart",
        `The agent restarted while ${command.spec.lifecycleEvent} was in progress; the lifecycle event failed`,
      );
      this.options.log(`${command.spec.lifecycleEvent} (command ${command.spec.commandId}) was interrupted by an agent restart; reported as failed`);
    }
  }

  /**
   * Stops the running command's processes without journaling a result: the next start reports it
   * as FailedAfterRestart.
   */
  async shutdown(): Promise<void> {
    this.stopping = true;
    const running = this.running;
    if (running?.pgid) await killProcessGroup(running.pgid, this.options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
  }

  private announceResult(): void {
    for (const listener of this.resultListeners) listener();
  }

  private writeLine(commandId: string, stream: LogLine["stream"], text: string): number {
    // After shutdown() the journal may already be closed; the command is reported after the restart.
    if (this.stopping) return this.options.journal.lastSeq;
    return this.options.journal.appendLine(commandId, stream, text).at(-1)!.seq;
  }

  private finishWithoutRunning(command: JournaledCommand, errorCode: LifecycleErrorCode, message: string): void {
    const lastLogSeq = this.writeLine(command.spec.commandId, "system", `${command.spec.lifecycleEvent} failed: ${message}`);
    this.options.journal.recordFinished({
      commandId: command.spec.commandId,
      status: "Failed",
      startedAt: command.startedAt ?? command.receivedAt,
      finishedAt: Date.now(),
      diagnostics: { errorCode, scriptName: null, message: truncate(message, MESSAGE_CHARS), logTail: "" },
      scriptSource: null,
      lastLogSeq,
    });
    this.announceResult();
  }

  private async run(running: Running): Promise<void> {
    const { spec } = running;
    const { journal } = this.options;
    const startedAt = Date.now();
    journal.recordRunning(spec.commandId, startedAt);
    const tail = new LogTail();
    const line = (stream: LogLine["stream"], text: string) => {
      this.writeLine(spec.commandId, stream, text);
      tail.add(text);
    };
    line(
      "system",
      `${spec.lifecycleEvent} started on ${this.options.hostName} for deployment ${spec.deploymentId} (${spec.applicationName}/${spec.deploymentGroupName}, revision ${spec.revision.revisionId})`,
    );
    let outcome: Outcome;
    try {
      outcome = await this.execute(running, line);
    } catch (error) {
      outcome = { status: "Failed", errorCode: "UnknownError", message: (error as Error).message, scriptName: null, scriptSource: null };
    }
    if (this.stopping) return;
    if (running.cancelReason !== null) {
      outcome = { ...outcome, status: "Failed", errorCode: "Cancelled", message: `Cancelled: ${running.cancelReason}` };
    }
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    const summary =
      outcome.status === "Failed"
        ? `${spec.lifecycleEvent} failed after ${seconds} s: ${outcome.message}`
        : `${spec.lifecycleEvent} ${outcome.status.toLowerCase()} after ${seconds} s${outcome.nothingToRun ? `: ${outcome.message}` : ""}`;
    const lastLogSeq = this.writeLine(spec.commandId, "system", summary);
    journal.recordFinished({
      commandId: spec.commandId,
      status: outcome.status,
      startedAt,
      finishedAt: Date.now(),
      diagnostics: {
        errorCode: outcome.errorCode,
        scriptName: outcome.scriptName,
        message: truncate(outcome.message, MESSAGE_CHARS),
        logTail: tail.toString(),
      },
      scriptSource: outcome.scriptSource,
      lastLogSeq,
    });
    this.announceResult();
  }

  private async execute(running: Running, line: (stream: LogLine["stream"], text: string) => void): Promise<Outcome> {
    const { spec } = running;
    const { layout } = this.options;
    const system = (text: string) => line("system", text);
    const succeeded = (message: string): Outcome => ({ status: "Succeeded", errorCode: "Success", message, scriptName: null, scriptSource: null });
    if (spec.lifecycleEvent === "DownloadBundle") {
      await prepareRevision({
        layout,
        spec,
        serverUrl: this.options.serverUrl,
        credential: this.options.credential,
        maxRevisions: this.options.maxRevisions,
        log: system,
        signal: running.abort.signal,
      });
      return succeeded("Succeeded: the revision is downloaded, verified and unpacked");
    }
    if (spec.lifecycleEvent === "Install") {
      await installRevision({ layout, spec, log: system });
      return succeeded("Succeeded: the revision's files are installed");
    }
    const lastDir = readPointer(layout.lastSuccessfulInstallFile(spec.deploymentGroupId));
    const currentDir = layout.deploymentDir(spec.deploymentGroupId, spec.deploymentId);
    const plan = planHooks({
      event: spec.lifecycleEvent as ScriptableLifecycleEvent,
      current: fs.existsSync(path.join(currentDir, "revision.json")) ? loadRevisionAt(currentDir) : null,
      lastSuccessfulInstall: lastDir ? loadRevisionAt(lastDir) : null,
      defaultTimeoutSeconds: spec.defaultHookTimeoutSeconds,
      hostOs: "linux",
    });
    // Like CodeDeploy, an event with nothing to run succeeds; Skipped is kept for events never reached.
    if (plan.kind === "skip")
      return { status: "Succeeded", errorCode: "Success", message: plan.message, scriptName: null, scriptSource: null, nothingToRun: true };
    if (plan.kind === "fail") return { status: "Failed", errorCode: "UnknownError", message: plan.message, scriptName: null, scriptSource: plan.scriptSource };
    if (plan.scriptSource.deploymentId !== spec.deploymentId) {
      system(
        `Running the ${spec.lifecycleEvent} scripts of the last successfully installed revision (deployment ${plan.scriptSource.deploymentId}, revision ${plan.scriptSource.revisionId})`,
      );
    }
    const result = await runHookScripts(plan.invocations, {
      lifecycleEvent: spec.lifecycleEvent,
      env: buildHookEnv(this.baseEnv, spec, this.options.hostName),
      onLine: line,
      onProcessGroup: (pgid) => {
        running.pgid = pgid;
        if (!this.stopping) this.options.journal.recordProcessGroup(spec.commandId, pgid === null ? null : { pgid, bootId: currentBootId() });
      },
      signal: running.abort.signal,
      killGraceMs: this.options.killGraceMs,
      outputGraceMs: this.options.outputGraceMs,
    });
    if (result.ok) {
      return {
        status: "Succeeded",
        errorCode: "Success",
        message: `Succeeded: ${plan.invocations.length} script(s) ran`,
        scriptName: null,
        scriptSource: plan.scriptSource,
      };
    }
    return { status: "Failed", errorCode: result.errorCode, message: result.message, scriptName: result.scriptName, scriptSource: plan.scriptSource };
  }
}
