import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { inPlaceLifecycleEvents, type Diagnostics, type LifecycleEventName } from "../../server/contracts/deployment";
import { openDatabase } from "../../server/storage/database";
import { applications, deploymentGroups, deploymentTargets, deployments, hosts, lifecycleEvents, logLines, revisions } from "../../server/storage/schema";
import { seedPredefinedConfigs } from "../../server/storage/seed";
import { spawnServer, type SpawnedServer } from "../../server/test/spawn-server";
import { ensureProductionBuild } from "./production-build";

export type LargeDeploymentOptions = {
  /** Hosts in the deployment; default 1,000. */
  hosts?: number;
  /** Lines in the log of the host the page opens first; default 100,000. */
  logLines?: number;
};

export type LargeDeployment = {
  deploymentId: string;
  hostCount: number;
  /** Hosts whose AfterInstall failed; the first of them carries the long log and is the one the page opens. */
  failedHostCount: number;
  logTargetId: string;
  logHostName: string;
  logLineCount: number;
  /** Server seq of the long log's last line (the `data-seq` of its row). */
  lastLogSeq: number;
  firstLineText: string;
  lastLineText: string;
  /** A string that occurs on exactly one line of the long log, in its middle. */
  needle: string;
  /** 1-based number of the line holding `needle`. */
  needleLine: number;
};

const BASE_TIME = Date.UTC(2026, 0, 15, 9, 0, 0);
/** One failed host in this many. */
const FAILURE_EVERY = 83;
/** Rows per multi-row insert; SQLite allows 32,766 bound values per statement. */
const BATCH = 500;

function hostNameOf(i: number): string {
  return `web-${String(i + 1).padStart(4, "0")}`;
}

/** Which lifecycle event wrote line n of `total`: a long AfterInstall after shorter earlier events. */
function eventOfLine(n: number, total: number): LifecycleEventName {
  const f = n / total;
  if (f <= 0.005) return "ApplicationStop";
  if (f <= 0.01) return "DownloadBundle";
  if (f <= 0.1) return "BeforeInstall";
  if (f <= 0.2) return "Install";
  return "AfterInstall";
}

const phrases = [
  (n: number) => `\u001b[32mok\u001b[0m unpacked layer sha256:${(n * 2654435761).toString(16).padStart(12, "0").slice(-12)}`,
  (n: number) => `copying assets/js/chunk-${n % 997}.js to /opt/storefront/releases/current`,
  (n: number) => `migrate: applying batch ${n % 311} (${n % 17} statements)`,
  (n: number) => `\u001b[1;34minfo\u001b[0m warmed cache entry /products/${n % 5003}?page=${n % 7}`,
  (n: number) => `compiling template ${n % 421}: ${"partial/".repeat(1 + (n % 9))}view.html`,
];

/** Line n (1-based) of the long log: mostly plain progress, some ANSI colour, a failure at the very end. */
function longLogLine(n: number, total: number, needleLine: number): { text: string; stream: "stdout" | "stderr" | "system" } {
  const prefix = `step ${n}/${total}:`;
  if (n === needleLine) return { text: `${prefix} checkpoint marker-5eed-c0ffee reached`, stream: "stdout" };
  if (n === total) return { text: `${prefix} migration 42 exited with status 3`, stream: "stderr" };
  if (n > total - 3) return { text: `${prefix} ERROR relation "users" does not exist`, stream: "stderr" };
  if (eventOfLine(n, total) === "DownloadBundle") return { text: `${prefix} downloaded ${n * 4096} bytes`, stream: "system" };
  return { text: `${prefix} ${phrases[n % phrases.length](n)}`, stream: "stdout" };
}

/**
 * Writes a finished, failed deployment of `hosts` hosts straight into the server's SQLite file (creating and
 * migrating it first): every target with its seven lifecycle events, a few log lines per host, and one failed
 * host with a `logLines`-line log. One transaction; a few seconds for the defaults.
 */
export function seedLargeDeployment(dataDir: string, options: LargeDeploymentOptions = {}): LargeDeployment {
  const hostCount = options.hosts ?? 1000;
  const logLineCount = options.logLines ?? 100_000;
  const needleLine = Math.ceil(logLineCount / 2);
  const db = openDatabase(path.join(dataDir, "landline.db"));
  try {
    seedPredefinedConfigs(db);
    const applicationId = randomUUID();
    const deploymentGroupId = randomUUID();
    const revisionId = randomUUID();
    const deploymentId = `d-${randomBytes(8).toString("hex").toUpperCase().slice(0, 9)}`;
    const failedPositions = Array.from({ length: hostCount }, (_, i) => i).filter((i) => i % FAILURE_EVERY === FAILURE_EVERY - 1);
    const logPosition = failedPositions[0] ?? 0;
    const startedAt = BASE_TIME;
    const completedAt = BASE_TIME + 40 * 60_000;
    let logTargetId = "";
    let lastLogSeq = 0;

    const insertLine = db
      .insert(logLines)
      .values({
        deploymentId,
        targetId: sql.placeholder("targetId"),
        eventName: sql.placeholder("eventName"),
        hostId: sql.placeholder("hostId"),
        hostSeq: sql.placeholder("hostSeq"),
        at: sql.placeholder("at"),
        stream: sql.placeholder("stream"),
        text: sql.placeholder("text"),
      })
      .returning({ seq: logLines.id })
      .prepare();

    db.transaction((tx) => {
      tx.insert(applications).values({ id: applicationId, name: "storefront", createdAt: BASE_TIME }).run();
      tx.insert(deploymentGroups)
        .values({
          id: deploymentGroupId,
          applicationId,
          name: "production",
          deploymentConfigName: "CodeDeployDefault.HalfAtATime",
          tagSet: [[{ key: "env", value: "prod", type: "KEY_AND_VALUE" }]],
          autoRollback: { enabled: false, events: [] },
        })
        .run();
      tx.insert(revisions)
        .values({
          id: revisionId,
          applicationId,
          sha256: randomBytes(32).toString("hex"),
          bundleType: "zip",
          size: 48_213_004,
          description: "storefront 2026.01.15",
          appSpec: { version: 0, os: "linux" },
        })
        .run();
      tx.insert(deployments)
        .values({
          id: deploymentId,
          applicationId,
          deploymentGroupId,
          revisionId,
          status: "Failed",
          description: `Release to ${hostCount.toLocaleString("en-US")} hosts`,
          deploymentConfigName: "CodeDeployDefault.HalfAtATime",
          minimumHealthyHostsType: "FLEET_PERCENT",
          minimumHealthyHostsValue: 50,
          fileExistsBehavior: "DISALLOW",
          autoRollback: { enabled: false, events: [] },
          createdAt: BASE_TIME - 1000,
          startedAt,
          completedAt,
          errorCode: "HEALTH_CONSTRAINTS",
          errorMessage: `${failedPositions.length} hosts failed AfterInstall`,
        })
        .run();

      const hostRows: (typeof hosts.$inferInsert)[] = [];
      const targetRows: (typeof deploymentTargets.$inferInsert)[] = [];
      const eventRows: (typeof lifecycleEvents.$inferInsert)[] = [];
      const plan: {
        hostId: string;
        targetId: string;
        failed: boolean;
        begin: number;
        lines: { event: LifecycleEventName; text: string; stream: "stdout" | "stderr" | "system"; at: number }[];
      }[] = [];
      for (let i = 0; i < hostCount; i++) {
        const hostId = randomUUID();
        const targetId = randomUUID();
        const failed = failedPositions.includes(i);
        const begin = startedAt + i * 2000;
        const lines = [
          { event: "BeforeInstall" as const, text: `preparing ${hostNameOf(i)}`, stream: "stdout" as const, at: begin + 100 },
          {
            event: "AfterInstall" as const,
            text: failed ? 'ERROR relation "users" does not exist' : "migrations up to date",
            stream: failed ? ("stderr" as const) : ("stdout" as const),
            at: begin + 200,
          },
          ...(failed ? [] : [{ event: "ValidateService" as const, text: "GET /healthz 200", stream: "stdout" as const, at: begin + 300 }]),
        ];
        plan.push({ hostId, targetId, failed, begin, lines });
        hostRows.push({
          id: hostId,
          name: hostNameOf(i),
          tags: [{ key: "env", value: "prod" }],
          credentialHash: "0".repeat(64),
          online: true,
          enrolledAt: BASE_TIME - 86_400_000,
        });
        targetRows.push({
          id: targetId,
          deploymentId,
          hostId,
          hostName: hostNameOf(i),
          position: i,
          status: failed ? "Failed" : "Succeeded",
          startedAt: begin,
          completedAt: begin + 60_000,
          lastUpdatedAt: begin + 60_000,
        });
      }

      // Log lines first: the events and hosts record the last seq they reported.
      const lastSeqOf = new Map<string, number>();
      const hostSeqOf = new Map<string, number>();
      const writeLine = (hostId: string, targetId: string, event: LifecycleEventName, at: number, stream: "stdout" | "stderr" | "system", text: string) => {
        const hostSeq = (hostSeqOf.get(hostId) ?? 0) + 1;
        hostSeqOf.set(hostId, hostSeq);
        lastSeqOf.set(`${targetId}/${event}`, hostSeq);
        return insertLine.get({ targetId, eventName: event, hostId, hostSeq, at, stream, text })!.seq;
      };
      for (const [i, p] of plan.entries()) {
        if (i === logPosition) {
          logTargetId = p.targetId;
          for (let n = 1; n <= logLineCount; n++) {
            const line = longLogLine(n, logLineCount, needleLine);
            lastLogSeq = writeLine(p.hostId, p.targetId, eventOfLine(n, logLineCount), p.begin + n * 10, line.stream, line.text);
          }
        } else {
          for (const l of p.lines) writeLine(p.hostId, p.targetId, l.event, l.at, l.stream, l.text);
        }
        hostRows[i].lastLogSeq = hostSeqOf.get(p.hostId) ?? 0;
        inPlaceLifecycleEvents.forEach((name, position) => {
          const afterFailure = p.failed && position > inPlaceLifecycleEvents.indexOf("AfterInstall");
          const failedHere = p.failed && name === "AfterInstall";
          const diagnostics: Diagnostics | null = afterFailure
            ? null
            : failedHere
              ? {
                  errorCode: "ScriptFailed",
                  scriptName: "scripts/migrate.sh",
                  message: "Script at specified location: scripts/migrate.sh run as user root failed with exit code 3",
                  logTail: 'ERROR relation "users" does not exist\n',
                }
              : { errorCode: "Success", scriptName: null, message: "Succeeded", logTail: "" };
          eventRows.push({
            id: randomUUID(),
            targetId: p.targetId,
            deploymentId,
            name,
            position,
            status: afterFailure ? "Skipped" : failedHere ? "Failed" : "Succeeded",
            startedAt: afterFailure ? null : p.begin + position * 8000,
            completedAt: afterFailure ? null : p.begin + position * 8000 + 7000,
            diagnostics,
            scriptDeploymentId: afterFailure ? null : deploymentId,
            scriptRevisionId: afterFailure ? null : revisionId,
            lastLogSeq: lastSeqOf.get(`${p.targetId}/${name}`) ?? null,
          });
        });
      }
      for (let i = 0; i < hostRows.length; i += BATCH)
        tx.insert(hosts)
          .values(hostRows.slice(i, i + BATCH))
          .run();
      for (let i = 0; i < targetRows.length; i += BATCH)
        tx.insert(deploymentTargets)
          .values(targetRows.slice(i, i + BATCH))
          .run();
      for (let i = 0; i < eventRows.length; i += BATCH)
        tx.insert(lifecycleEvents)
          .values(eventRows.slice(i, i + BATCH))
          .run();
    });

    return {
      deploymentId,
      hostCount,
      failedHostCount: failedPositions.length,
      logTargetId,
      logHostName: hostNameOf(logPosition),
      logLineCount,
      lastLogSeq,
      firstLineText: longLogLine(1, logLineCount, needleLine).text,
      lastLineText: longLogLine(logLineCount, logLineCount, needleLine).text,
      needle: "marker-5eed-c0ffee",
      needleLine,
    };
  } finally {
    db.$client.close();
  }
}

export type LargeDeploymentServer = { server: SpawnedServer; deployment: LargeDeployment; stop: () => Promise<void> };

/** The production server with the UI, on a fresh data directory seeded with a large deployment before it starts. */
export async function startLargeDeploymentServer(options: LargeDeploymentOptions = {}): Promise<LargeDeploymentServer> {
  ensureProductionBuild();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "landline-large-"));
  const deployment = seedLargeDeployment(dataDir, options);
  const server = await spawnServer({ ui: true, dataDir });
  return {
    server,
    deployment,
    stop: async () => {
      await server.kill();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
