import type { LandlineClient } from "../server/client";
import type { DeploymentSnapshot, TargetView } from "./deployment-watch";
import { formatDuration, paint, renderTable, statusStyle, type Terminal } from "./terminal";

/** How many of a failing event's last output lines the summary shows. */
export const FAILURE_TAIL_LINES = 20;

export type TargetFailure = {
  targetId: string;
  hostName: string;
  lifecycleEvent: string | null;
  errorCode: string | null;
  scriptName: string | null;
  message: string | null;
  /** Last output lines of the failing event (stdout and stderr, oldest first). */
  lastLines: string[];
};

/** Reads the last `tail` lines a target logged for one event, paging through deployments.logs. */
async function readLastLines(
  client: LandlineClient,
  deploymentId: string,
  targetId: string,
  eventName: string | null,
  tail: number,
): Promise<{ lines: string[]; complete: boolean }> {
  let afterSeq = 0;
  let kept: string[] = [];
  for (let page = 0; page < 50; page++) {
    const res = await client.deployments.logs.query({
      deploymentId,
      targetId,
      ...(eventName ? { eventName: eventName as never } : {}),
      afterSeq,
      limit: 5000,
      untilVerdict: true,
    });
    kept = [...kept, ...res.lines.map((l) => l.text)].slice(-tail);
    if (res.lines.length < 5000) return { lines: kept, complete: res.complete };
    afterSeq = res.nextSeq;
  }
  return { lines: kept, complete: false };
}

/** Why each failed host failed: the failing event's diagnostics and its last output lines. */
export async function readTargetFailures(
  client: LandlineClient,
  snapshot: DeploymentSnapshot,
  options: { waitForLogsMs?: number } = {},
): Promise<TargetFailure[]> {
  const failed = snapshot.targets.filter((t) => t.status === "Failed" || t.status === "Unknown");
  return Promise.all(
    failed.map(async (t) => {
      const detail = await client.deployments.getTarget.query({ targetId: t.targetId });
      const event = detail.lifecycleEvents.find((e) => e.status === "Failed") ?? null;
      const deadline = Date.now() + (options.waitForLogsMs ?? 0);
      // Log lines can trail the event's result by a moment; wait briefly until the server says they are all in.
      let logs = await readLastLines(client, snapshot.deployment.deploymentId, t.targetId, event?.lifecycleEventName ?? null, FAILURE_TAIL_LINES);
      while (!logs.complete && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        logs = await readLastLines(client, snapshot.deployment.deploymentId, t.targetId, event?.lifecycleEventName ?? null, FAILURE_TAIL_LINES);
      }
      const tail = event?.diagnostics?.logTail
        ? event.diagnostics.logTail
            .split("\n")
            .filter((l) => l !== "")
            .slice(-FAILURE_TAIL_LINES)
        : [];
      return {
        targetId: t.targetId,
        hostName: t.hostName,
        lifecycleEvent: event?.lifecycleEventName ?? t.failedEvent,
        errorCode: event?.diagnostics?.errorCode ?? null,
        scriptName: event?.diagnostics?.scriptName ?? null,
        message: event?.diagnostics?.message ?? null,
        lastLines: logs.lines.length > 0 ? logs.lines : tail,
      };
    }),
  );
}

function describeTargetStep(t: TargetView): string {
  if (t.status === "InProgress") return t.currentEvent ?? "starting";
  if (t.status === "Failed") return t.failedEvent ?? "-";
  return "-";
}

/** Prints one line per host whose status or running event changed since `previous`. */
export function printProgress(term: Terminal, previous: Map<string, string>, snapshot: DeploymentSnapshot): void {
  const d = snapshot.deployment;
  const deploymentKey = `deployment|${d.status}`;
  if (!previous.has(deploymentKey)) {
    for (const key of [...previous.keys()]) if (key.startsWith("deployment|")) previous.delete(key);
    previous.set(deploymentKey, d.status);
    term.err(`${d.deploymentId} ${paint(term, statusStyle(d.status), d.status)}`);
  }
  const storageKey = `storage|${d.storageProblem?.code ?? "ok"}`;
  if (!previous.has(storageKey)) {
    const hadProblem = [...previous.keys()].some((key) => key.startsWith("storage|") && key !== "storage|ok");
    for (const key of [...previous.keys()]) if (key.startsWith("storage|")) previous.delete(key);
    previous.set(storageKey, "");
    if (d.storageProblem) term.err(`  ${paint(term, "red", "STORAGE")}: ${d.storageProblem.message}`);
    else if (hadProblem) term.err("  the server can store data again");
  }
  for (const t of snapshot.targets) {
    const step = describeTargetStep(t);
    const key = `${t.status}|${step}`;
    if (previous.get(t.targetId) === key) continue;
    previous.set(t.targetId, key);
    const where = t.status === "InProgress" ? ` ${step}` : t.status === "Failed" && t.failedEvent ? ` in ${t.failedEvent}` : "";
    term.err(`  ${t.hostName.padEnd(20)} ${paint(term, statusStyle(t.status), t.status)}${where}`);
  }
  if (term.interactive) {
    const o = d.deploymentOverview;
    term.status(`  ${o.Succeeded} succeeded, ${o.Failed} failed, ${o.InProgress} in progress, ${o.Pending} pending, ${o.Skipped} skipped`);
  }
}

/** The one-screen summary: deployment line, error, per-host table, and for failed hosts the failing event and last lines. */
export function renderSummary(term: Terminal, snapshot: DeploymentSnapshot, failures: TargetFailure[], timedOut: boolean): string[] {
  const d = snapshot.deployment;
  const lines: string[] = [];
  const took = d.startTime !== null ? formatDuration((d.completeTime ?? Date.now()) - d.startTime) : null;
  lines.push(
    `Deployment ${paint(term, "bold", d.deploymentId)} ${paint(term, statusStyle(d.status), d.status)}${timedOut ? " (still running: --timeout reached)" : ""}` +
      `  ${d.applicationName} / ${d.deploymentGroupName}  revision ${d.revision.revisionId}${took ? `  ${took}` : ""}`,
  );
  if (d.errorInformation) lines.push(`${paint(term, "red", d.errorInformation.code)}: ${d.errorInformation.message}`);
  if (d.storageProblem) lines.push(`${paint(term, "red", "STORAGE")}: ${d.storageProblem.message}`);
  if (d.rollbackInfo?.rollbackDeploymentId) lines.push(`Rolled back by ${d.rollbackInfo.rollbackDeploymentId}`);
  if (d.rollbackInfo?.rollbackMessage) lines.push(d.rollbackInfo.rollbackMessage);
  if (snapshot.targets.length > 0) {
    lines.push("");
    const rows = snapshot.targets.map((t) => [
      t.hostName,
      t.status,
      describeTargetStep(t),
      t.startTime !== null ? formatDuration((t.endTime ?? Date.now()) - t.startTime) : "-",
    ]);
    lines.push(...renderTable(term, ["HOST", "STATUS", "EVENT", "DURATION"], rows, [() => null, statusStyle]));
  }
  for (const f of failures) {
    lines.push("");
    const script = f.scriptName ? ` ${f.scriptName}` : "";
    lines.push(
      `${paint(term, "red", `${f.hostName} failed`)}${f.lifecycleEvent ? ` in ${f.lifecycleEvent}` : ""}${f.errorCode ? ` (${f.errorCode})` : ""}${script}`,
    );
    if (f.message) lines.push(`  ${f.message.split("\n")[0]}`);
    if (f.lastLines.length > 0) {
      lines.push(paint(term, "dim", `  last ${f.lastLines.length} lines:`));
      for (const l of f.lastLines) lines.push(`  | ${l}`);
    }
  }
  return lines;
}
