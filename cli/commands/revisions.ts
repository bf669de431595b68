import { Command, InvalidArgumentError } from "commander";
import { commandAction } from "../command-context";
import { formatBytes, formatTime, renderTable } from "../terminal";

export function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new InvalidArgumentError("must be a whole number from 1 to 200");
  return n;
}

export function createRevisionsCommand(): Command {
  const revisions = new Command("revisions").description("Uploaded revisions");
  revisions
    .command("list")
    .description("List an application's revisions, newest first")
    .requiredOption("--app <name>", "application")
    .option("--limit <n>", "how many (1-100)", parseLimit, 25)
    .action(
      commandAction(async ({ term, connect }, opts: { app: string; limit: number }) => {
        const page = await connect().client.revisions.list.query({ applicationName: opts.app, limit: Math.min(opts.limit, 100) });
        if (term.json) return void term.out(JSON.stringify(page.items, null, 2));
        if (page.items.length === 0) return void term.err(`No revisions of ${opts.app} yet`);
        const rows = page.items.map((r) => [
          r.revisionId,
          formatTime(r.createTime),
          r.bundleType,
          formatBytes(r.size),
          r.sha256.slice(0, 12),
          r.uploadedBy?.email ?? "-",
          r.description ?? "",
        ]);
        for (const line of renderTable(term, ["REVISION", "UPLOADED", "TYPE", "SIZE", "SHA256", "BY", "DESCRIPTION"], rows)) term.out(line);
      }),
    );
  return revisions;
}
