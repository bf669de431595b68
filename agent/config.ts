import fs from "node:fs";
import os from "node:os";
import { Command, InvalidArgumentError, Option } from "commander";
import { z } from "zod";
import { hostNameSchema, type HostTag } from "../server/contracts/resources";
import { writeFileAtomic } from "./layout";
import { AGENT_VERSION } from "./version";

export type AgentConfig = {
  serverUrl: string | null;
  enrollToken: string | null;
  name: string;
  tags: HostTag[];
  rootDir: string;
  maxRevisions: number;
};

/** Turns an OS host name into a valid Landline host name ([A-Za-z0-9._-], at most 100 characters). */
export function sanitizeHostName(raw: string): string {
  const cleaned = raw
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 100);
  return cleaned || "host";
}

/** Parses "k=v,k2=v2" (a key without "=" gets an empty value). */
export function parseTags(text: string): HostTag[] {
  return text
    .split(",")
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf("=");
      const tag = at === -1 ? { key: pair, value: "" } : { key: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim() };
      if (!tag.key) throw new InvalidArgumentError(`tag ${JSON.stringify(pair)} has no key`);
      return tag;
    });
}

function parseServerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidArgumentError(`${text} is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new InvalidArgumentError("the server URL must start with http:// or https://");
  return url.toString().replace(/\/+$/, "");
}

function parsePositiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a whole number of at least 1");
  return n;
}

function parseName(text: string): string {
  const parsed = hostNameSchema.safeParse(text);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0].message);
  return text;
}

/** Where the enrollment token came from, so the agent can say which one to fix. */
type EnrollSources = { enroll?: string; enrollFile?: string; enrollStdin?: boolean };

/**
 * The enrollment token from exactly one of --enroll TOKEN, --enroll - (standard input), --enroll-stdin or
 * --enroll-file PATH. A file or standard input keeps the token out of the process list.
 */
export function readEnrollToken(sources: EnrollSources, readStdin: () => string = () => fs.readFileSync(0, "utf8")): string | null {
  const fromStdin = sources.enrollStdin === true || sources.enroll === "-";
  // An empty variable (LANDLINE_ENROLL_TOKEN= in an env file) counts as not given.
  sources = { ...sources, enroll: sources.enroll || undefined, enrollFile: sources.enrollFile || undefined };
  const given = [sources.enroll !== undefined && sources.enroll !== "-", sources.enrollFile !== undefined, fromStdin].filter(Boolean).length;
  if (given > 1) throw new InvalidArgumentError("give the enrollment token one way only: --enroll TOKEN, --enroll -, --enroll-stdin or --enroll-file PATH");
  let token: string | undefined;
  if (fromStdin) token = readStdin();
  else if (sources.enrollFile !== undefined) {
    try {
      token = fs.readFileSync(sources.enrollFile, "utf8");
    } catch (e) {
      throw new InvalidArgumentError(`cannot read the enrollment token file ${sources.enrollFile}: ${(e as Error).message}`);
    }
  } else token = sources.enroll;
  if (token === undefined) return null;
  const trimmed = token.trim();
  if (!trimmed)
    throw new InvalidArgumentError(fromStdin ? "standard input held no enrollment token" : `${sources.enrollFile ?? "--enroll"} holds no enrollment token`);
  return trimmed;
}

/**
 * The command line with the --enroll value blanked, for process.title: on Linux that rewrites the memory
 * /proc/<pid>/cmdline reads from, so `ps` and hooks stop seeing the token once the agent has started.
 */
export function redactArgv(args: readonly string[]): string[] {
  return args.map((arg, i) => {
    if (args[i - 1] === "--enroll" && arg !== "-") return "<redacted>";
    if (arg.startsWith("--enroll=") && arg !== "--enroll=-") return "--enroll=<redacted>";
    return arg;
  });
}

/** Reads the command line (and LANDLINE_* environment variables, e.g. from a systemd env file). */
export function parseAgentArgs(argv: string[]): AgentConfig {
  const program = new Command("landline-agent")
    .description("Landline agent: runs deployments on this host for a Landline server")
    .version(AGENT_VERSION)
    .addOption(new Option("--server <url>", "Landline server URL").env("LANDLINE_SERVER_URL").argParser(parseServerUrl))
    .addOption(new Option("--enroll <token>", "enrollment token (needed only the first time); - reads it from standard input").env("LANDLINE_ENROLL_TOKEN"))
    .addOption(
      new Option("--enroll-file <path>", "read the enrollment token from this file (keeps it out of the process list)").env("LANDLINE_ENROLL_TOKEN_FILE"),
    )
    .addOption(new Option("--enroll-stdin", "read the enrollment token from standard input"))
    .addOption(new Option("--name <name>", "host name to register (default: this machine's host name)").env("LANDLINE_AGENT_NAME").argParser(parseName))
    .addOption(new Option("--tags <k=v,...>", "tags to register").env("LANDLINE_AGENT_TAGS").argParser(parseTags))
    .addOption(new Option("--root <dir>", "agent data directory").env("LANDLINE_AGENT_ROOT").default("./landline-agent-data"))
    .addOption(
      new Option("--max-revisions <n>", "revisions kept on disk per deployment group").env("LANDLINE_MAX_REVISIONS").argParser(parsePositiveInt).default(5),
    )
    .exitOverride((error) => process.exit(error.exitCode))
    .parse(argv);
  const options = program.opts<{
    server?: string;
    enroll?: string;
    enrollFile?: string;
    enrollStdin?: boolean;
    name?: string;
    tags?: HostTag[];
    root: string;
    maxRevisions: number;
  }>();
  let enrollToken: string | null = null;
  try {
    enrollToken = readEnrollToken(options);
  } catch (e) {
    program.error(`error: ${(e as Error).message}`);
  }
  return {
    serverUrl: options.server ?? null,
    enrollToken,
    name: options.name ?? sanitizeHostName(os.hostname()),
    tags: options.tags ?? [],
    rootDir: options.root,
    maxRevisions: options.maxRevisions,
  };
}

export const storedCredentialSchema = z.object({
  serverUrl: z.string(),
  hostId: z.string(),
  hostName: z.string(),
  credential: z.string(),
});
export type StoredCredential = z.infer<typeof storedCredentialSchema>;

export function readCredential(file: string): StoredCredential | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  const parsed = storedCredentialSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not a valid credential file; delete it and enroll again`);
  return parsed.data;
}

export function writeCredential(file: string, credential: StoredCredential): void {
  writeFileAtomic(file, JSON.stringify(credential, null, 2) + "\n", 0o600);
  fs.chmodSync(file, 0o600);
}
