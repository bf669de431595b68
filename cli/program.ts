import { Command } from "commander";
import packageJson from "../package.json" with { type: "json" };
import { createAppsCommand } from "./commands/apps";
import { createDeployCommand } from "./commands/deploy";
import { createDeploymentsCommand } from "./commands/deployments";
import { createHostsCommand } from "./commands/hosts";
import { createPushCommand } from "./commands/push";
import { createRevisionsCommand } from "./commands/revisions";
import { EXIT_CODES_HELP } from "./exit-codes";

export const CLI_VERSION = packageJson.version;

const ENVIRONMENT_HELP = `Environment:
  LANDLINE_URL    server URL, e.g. https://deploy.example.com (or --url)
  LANDLINE_TOKEN  API token, llt_... (or --token; prefer the variable: flags show up in process lists)
  NO_COLOR        disables colour (colour and progress bars appear only on a terminal)`;

/** The landline command tree. Parsing and running happen in main.ts. */
export function createProgram(): Command {
  const program = new Command("landline")
    .description("Push revisions to Landline and deploy them")
    .version(CLI_VERSION, "-V, --version")
    .option("--url <url>", "server URL (default: $LANDLINE_URL)")
    .option("--token <token>", "API token (default: $LANDLINE_TOKEN)")
    .option("--json", "print machine-readable JSON on stdout (and nothing else)")
    .showHelpAfterError("(run landline --help for usage)")
    .addHelpText("after", `\n${EXIT_CODES_HELP}\n\n${ENVIRONMENT_HELP}\n`);
  for (const command of [
    createPushCommand(),
    createDeployCommand(),
    createDeploymentsCommand(),
    createRevisionsCommand(),
    createHostsCommand(),
    createAppsCommand(),
  ]) {
    program.addCommand(command);
  }
  return program;
}
