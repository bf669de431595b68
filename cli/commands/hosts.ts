import { Command } from "commander";
import { commandAction } from "../command-context";
import { formatTime, renderTable, statusStyle } from "../terminal";

export function createHostsCommand(): Command {
  const hosts = new Command("hosts").description("Hosts running the agent");
  hosts
    .command("list")
    .description("List registered hosts")
    .action(
      commandAction(async ({ term, connect }) => {
        const list = await connect().client.hosts.list.query();
        if (term.json) return void term.out(JSON.stringify(list, null, 2));
        if (list.length === 0) return void term.err("No hosts enrolled yet");
        const rows = list.map((h) => [
          h.hostName,
          h.approval === "pending" ? `${h.status}, pending approval` : h.status,
          h.tags.map((t) => (t.value ? `${t.key}=${t.value}` : t.key)).join(",") || "-",
          h.agentVersion ?? "-",
          formatTime(h.lastSeenAt),
          h.currentDeployment ? `${h.currentDeployment.deploymentId} ${h.currentDeployment.status}` : "-",
        ]);
        for (const line of renderTable(term, ["HOST", "STATUS", "TAGS", "AGENT", "LAST SEEN", "DEPLOYMENT"], rows, [
          () => null,
          (cell) => statusStyle(cell.split(",")[0]),
        ]))
          term.out(line);
      }),
    );
  return hosts;
}
