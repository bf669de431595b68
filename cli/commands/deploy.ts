import { Command, Option } from "commander";
import { fileExistsBehaviors, type FileExistsBehavior } from "../../server/contracts/resources";
import { commandAction, parseDuration, type CommandContext } from "../command-context";
import type { Connection } from "../connection";
import { readTargetFailures, printProgress, renderSummary } from "../deployment-report";
import { watchDeployment, type DeploymentSnapshot } from "../deployment-watch";
import { CliError, EXIT } from "../exit-codes";
import { pushRevision, type PushResult } from "../push-revision";
import { paint } from "../terminal";

type DeployFlags = {
  app: string;
  group: string;
  revision?: string;
  dir?: string;
  format: "zip" | "tgz";
  config?: string;
  fileExistsBehavior?: FileExistsBehavior;
  description?: string;
  wait?: boolean;
  timeout?: number;
};

/** Exit code for a deployment's final status. */
export function exitCodeFor(status: string, timedOut: boolean): number {
  if (timedOut) return EXIT.timeout;
  if (status === "Succeeded") return EXIT.ok;
  if (status === "Stopped") return EXIT.stopped;
  return EXIT.failed;
}

/** Follows a deployment to its end, printing per-host progress on stderr, then the summary (or JSON) on stdout. */
export async function waitAndReport(
  ctx: CommandContext,
  conn: Connection,
  deploymentId: string,
  timeoutMs: number | null,
  extra: Record<string, unknown> = {},
): Promise<number> {
  const { term } = ctx;
  const seen = new Map<string, string>();
  const { snapshot, timedOut } = await watchDeployment(conn, deploymentId, {
    timeoutMs,
    onSnapshot: (s: DeploymentSnapshot) => printProgress(term, seen, s),
    onOutage: () => term.err(paint(term, "yellow", `Lost contact with ${conn.url}; retrying for up to 2 minutes (the deployment continues on the server)`)),
  });
  const failures = snapshot.deployment.status === "Succeeded" ? [] : await readTargetFailures(conn.client, snapshot, { waitForLogsMs: timedOut ? 0 : 3_000 });
  const exitCode = exitCodeFor(snapshot.deployment.status, timedOut);
  if (term.json) {
    term.out(JSON.stringify({ ...extra, deployment: snapshot.deployment, targets: snapshot.targets, failures, timedOut, exitCode }, null, 2));
  } else {
    term.err();
    for (const line of renderSummary(term, snapshot, failures, timedOut)) term.out(line);
  }
  return exitCode;
}

export function createDeployCommand(): Command {
  return new Command("deploy")
    .description("Start a deployment of a revision (or of a directory, pushed first) to a deployment group")
    .requiredOption("--app <name>", "application")
    .requiredOption("--group <name>", "deployment group")
    .option("--revision <id>", "revision to deploy (r-...)")
    .option("--dir <dir>", "push this directory as a new revision first, then deploy it")
    .addOption(new Option("--format <format>", "archive format for --dir").choices(["zip", "tgz"]).default("tgz"))
    .option("--config <name>", "deployment config (default: the group's)")
    .addOption(
      new Option("--file-exists-behavior <behavior>", "what Install does with existing files (the appspec's setting wins)").choices(fileExistsBehaviors),
    )
    .option("--description <text>", "free text shown with the deployment (and the pushed revision)")
    .option("--wait", "follow the deployment until it ends; the exit code tells how it ended")
    .option("--timeout <duration>", "with --wait: give up waiting after this long, e.g. 15m (exit code 5)", parseDuration)
    .addHelpText("after", "\nWith --wait the exit code is 0 Succeeded, 3 Failed, 4 Stopped, 5 timeout (see landline --help).")
    .action(
      commandAction(async (ctx, flags: DeployFlags) => {
        if ((flags.revision === undefined) === (flags.dir === undefined)) throw new CliError("Give exactly one of --revision <id> or --dir <dir>");
        const conn = ctx.connect();
        let pushed: PushResult | null = null;
        if (flags.dir !== undefined) {
          pushed = await pushRevision(conn, ctx.term, { dir: flags.dir, applicationName: flags.app, description: flags.description, format: flags.format });
          ctx.term.err(`${pushed.created ? "Uploaded" : "Already uploaded"} revision ${pushed.revisionId} (sha256 ${pushed.sha256.slice(0, 12)})`);
        }
        const { deploymentId } = await conn.client.deployments.create.mutate({
          applicationName: flags.app,
          deploymentGroupName: flags.group,
          revisionId: pushed?.revisionId ?? flags.revision!,
          description: flags.description,
          deploymentConfigName: flags.config,
          fileExistsBehavior: flags.fileExistsBehavior,
        });
        const extra = pushed ? { revision: pushed } : {};
        if (!flags.wait && flags.timeout === undefined) {
          if (ctx.term.json) ctx.term.out(JSON.stringify({ ...extra, deploymentId }, null, 2));
          else ctx.term.out(`Started deployment ${paint(ctx.term, "bold", deploymentId)} (${flags.app} / ${flags.group})`);
          return EXIT.ok;
        }
        ctx.term.err(`Started deployment ${deploymentId}; waiting for it to finish`);
        return waitAndReport(ctx, conn, deploymentId, flags.timeout ?? null, extra);
      }),
    );
}
