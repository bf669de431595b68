import { Command, Option } from "commander";
import { commandAction } from "../command-context";
import { pushRevision } from "../push-revision";
import { paint } from "../terminal";

export function createPushCommand(): Command {
  return new Command("push")
    .description("Validate a directory's appspec locally, bundle the directory and upload it as a new revision")
    .argument("<dir>", "directory holding appspec.yml at its root")
    .requiredOption("--app <name>", "application the revision belongs to")
    .option("--description <text>", "free text shown with the revision")
    .addOption(new Option("--format <format>", "archive format").choices(["zip", "tgz"]).default("tgz"))
    .action(
      commandAction(async ({ term, connect }, dir: string, opts: { app: string; description?: string; format: "zip" | "tgz" }) => {
        const result = await pushRevision(connect(), term, { dir, applicationName: opts.app, description: opts.description, format: opts.format });
        if (term.json) return void term.out(JSON.stringify(result, null, 2));
        term.out(`${paint(term, "green", result.created ? "Uploaded" : "Already uploaded")} revision ${paint(term, "bold", result.revisionId)}`);
        term.out(`sha256 ${result.sha256}`);
      }),
    );
}
