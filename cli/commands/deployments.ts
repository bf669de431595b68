import { Command, Option } from "commander";
import { deploymentStatuses, type DeploymentStatus } from "../../server/contracts/deployment";
import { commandAction, parseDuration } from "../command-context";
import { readTargetFailures, renderSummary } from "../deployment-report";
import { readSnapshot } from "../deployment-watch";
import { EXIT } from "../exit-codes";
import { formatDuration, formatTime, paint, renderTable, statusStyle } from "../terminal";
import { waitAndReport } from "./deploy";
import { parseLimit } from "./revisions";

export function createDeploymentsCommand(): Command {
  const deployments = new Command("deployments").description("Deployments: list, inspect, stop, roll back");

  deployments
    .command("list")
    .description("List deployments, newest first")
    .option("--app <name>", "only this application")
    .option("--group <name>", "only this deployment group (with --app)")
    .addOption(new Option("--status <status...>", "only these statuses").choices(deploymentStatuses))
    .option("--limit <n>", "how many (1-200)", parseLimit, 20)
    .action(
      commandAction(async ({ term, connect }, opts: { app?: string; group?: string; status?: DeploymentStatus[]; limit: number }) => {
        const page = await connect().client.deployments.list.query({
          applicationName: opts.app,
          deploymentGroupName: opts.group,
          status: opts.status,
          limit: opts.limit,
        });
        if (term.json) return void term.out(JSON.stringify(page.items, null, 2));
        if (page.items.length === 0) return void term.err("No deployments");
        const rows = page.items.map((d) => [
          d.deploymentId,
          d.status,
          `${d.applicationName}/${d.deploymentGroupName}`,
          d.revisionId,
          formatTime(d.createTime),
          d.startTime !== null ? formatDuration((d.completeTime ?? Date.now()) - d.startTime) : "-",
          `${d.deploymentOverview.Succeeded}/${Object.values(d.deploymentOverview).reduce((a, b) => a + b, 0)}`,
          d.errorInformation?.code ?? "",
        ]);
        for (const line of renderTable(term, ["DEPLOYMENT", "STATUS", "APP/GROUP", "REVISION", "CREATED", "DURATION", "HOSTS OK", "ERROR"], rows, [
          () => null,
          statusStyle,
        ]))
          term.out(line);
      }),
    );

  deployments
    .command("get")
    .description("Show a deployment: status, per-host table, and why failed hosts failed")
    .argument("<deploymentId>", "d-...")
    .option("--wait", "follow it until it ends (exit code as for deploy --wait)")
    .option("--timeout <duration>", "with --wait: give up waiting after this long", parseDuration)
    .action(
      commandAction(async (ctx, deploymentId: string, opts: { wait?: boolean; timeout?: number }) => {
        const conn = ctx.connect();
        if (opts.wait) return waitAndReport(ctx, conn, deploymentId, opts.timeout ?? null);
        const snapshot = await readSnapshot(conn.client, deploymentId);
        const failures = await readTargetFailures(conn.client, snapshot);
        if (ctx.term.json) ctx.term.out(JSON.stringify({ deployment: snapshot.deployment, targets: snapshot.targets, failures }, null, 2));
        else for (const line of renderSummary(ctx.term, snapshot, failures, false)) ctx.term.out(line);
        return EXIT.ok;
      }),
    );

  deployments
    .command("stop")
    .description("Stop a running deployment: running hooks are cancelled, hosts not yet started are skipped")
    .argument("<deploymentId>", "d-...")
    .option("--rollback", "roll back the hosts already updated")
    .option("--no-rollback", "never roll back (default: the group's setting)")
    .option("--wait", "wait until the deployment has stopped")
    .action(
      commandAction(async (ctx, deploymentId: string, opts: { rollback?: boolean; wait?: boolean }) => {
        const conn = ctx.connect();
        const result = await conn.client.deployments.stop.mutate({ deploymentId, autoRollbackEnabled: opts.rollback });
        if (opts.wait) {
          const code = await waitAndReport(ctx, conn, deploymentId, null, { stop: result });
          return code === EXIT.stopped ? EXIT.ok : code;
        }
        if (ctx.term.json) ctx.term.out(JSON.stringify({ deploymentId, ...result }, null, 2));
        else ctx.term.out(`${deploymentId}: ${result.statusMessage}`);
        return EXIT.ok;
      }),
    );

  deployments
    .command("rollback")
    .description("Redeploy the group's last successful revision in place of a finished deployment")
    .argument("<deploymentId>", "d-... (a finished deployment)")
    .option("--wait", "follow the rollback deployment until it ends")
    .option("--timeout <duration>", "with --wait: give up waiting after this long", parseDuration)
    .action(
      commandAction(async (ctx, deploymentId: string, opts: { wait?: boolean; timeout?: number }) => {
        const conn = ctx.connect();
        const { deploymentId: rollbackId } = await conn.client.deployments.rollback.mutate({ deploymentId });
        if (opts.wait) return waitAndReport(ctx, conn, rollbackId, opts.timeout ?? null, { rolledBack: deploymentId });
        if (ctx.term.json) ctx.term.out(JSON.stringify({ rolledBack: deploymentId, deploymentId: rollbackId }, null, 2));
        else ctx.term.out(`Started rollback deployment ${paint(ctx.term, "bold", rollbackId)} for ${deploymentId}`);
        return EXIT.ok;
      }),
    );

  return deployments;
}
