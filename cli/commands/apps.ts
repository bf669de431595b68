import { Command } from "commander";
import { commandAction } from "../command-context";
import { formatTime, renderTable, statusStyle } from "../terminal";

export function createAppsCommand(): Command {
  const apps = new Command("apps").description("Applications");
  apps
    .command("list")
    .description("List applications")
    .action(
      commandAction(async ({ term, connect }) => {
        const list = await connect().client.applications.list.query();
        if (term.json) return void term.out(JSON.stringify(list, null, 2));
        if (list.length === 0) return void term.err("No applications yet");
        const rows = list.map((a) => [
          a.applicationName,
          String(a.deploymentGroupCount),
          String(a.revisionCount),
          a.latestDeployment ? `${a.latestDeployment.deploymentId} ${a.latestDeployment.status}` : "-",
          formatTime(a.createTime),
        ]);
        for (const line of renderTable(term, ["APPLICATION", "GROUPS", "REVISIONS", "LATEST DEPLOYMENT", "CREATED"], rows, [
          () => null,
          () => null,
          () => null,
          (c) => (c === "-" ? null : statusStyle(c.split(" ")[1])),
        ]))
          term.out(line);
      }),
    );
  return apps;
}
