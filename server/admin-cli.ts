import { Command, InvalidArgumentError } from "commander";
import type { z } from "zod";
import { createApiToken } from "./auth/api-tokens";
import type { AuditActor, AuditEntry } from "./orchestrator/ports";
import { recordAudit, recordAuditedChange } from "./storage/audit-rows";
import { enrollmentTokenCommands } from "./auth/account-commands";
import { createUser, findUserByEmail, setPassword } from "./auth/users";
import {
  createApiTokenInputSchema,
  createEnrollmentTokenInputSchema,
  createUserInputSchema,
  emailSchema,
  resetPasswordInputSchema,
} from "./contracts/accounts";
import type { HostTag } from "./contracts/resources";
import { DomainError } from "./domain-errors";
import { EnvError, loadEnv } from "./env";
import { closeDatabase, openDatabase, type Db } from "./storage/database";
import { seedPredefinedConfigs } from "./storage/seed";

/** Thrown for any problem the operator can fix; printed without a stack trace. */
class CliError extends Error {}

const CLI_ACTOR: AuditActor = { principal: null, ip: null, actor: "admin-cli" };

/** Parses with a contracts schema; errors name the command-line option (`optionNames` maps fields whose option differs). */
function parseWith<S extends z.ZodType>(schema: S, value: unknown, optionNames: Record<string, string> = {}): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const option = (path: PropertyKey[]) => {
    const field = String(path[0]);
    return `--${optionNames[field] ?? field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  };
  throw new CliError(result.error.issues.map((i) => (i.path.length ? `${option(i.path)}: ${i.message}` : i.message)).join("\n"));
}

function wholeNumber(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number`);
    return Number(value);
  };
}

// commander turns a parser's null into "", so "unlimited" and "never" stay words until the action maps them to null.
function parseMaxUses(value: string): number | "unlimited" {
  return value === "unlimited" ? value : wholeNumber("--max-uses")(value);
}

function parseExpiresHours(value: string): number | "never" {
  return value === "never" ? value : wholeNumber("--expires-hours")(value);
}

/** "k=v,k2=v2" -> tags; a bare key gets an empty value. */
function parseTags(value: string): HostTag[] {
  return value
    .split(",")
    .filter((pair) => pair.trim() !== "")
    .map((pair) => {
      const eq = pair.indexOf("=");
      return eq < 0 ? { key: pair.trim(), value: "" } : { key: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
    });
}

function userByEmail(db: Db, email: string) {
  const user = findUserByEmail(db, parseWith(emailSchema, email));
  if (!user) throw new CliError(`No user with email ${email}`);
  return user;
}

function buildProgram(openDb: () => Db, print: (line: string) => void): Command {
  const audit = (db: Db, entry: AuditEntry) => recordAudit(db, CLI_ACTOR, entry, Date.now());
  const program = new Command("landline-admin")
    .description("Administer a Landline server's database directly (uses LANDLINE_DATA_DIR)")
    .showHelpAfterError()
    .exitOverride();

  program
    .command("create-user")
    .description("Create a user")
    .requiredOption("--email <email>", "sign-in email")
    .requiredOption("--password <password>", "initial password (at least 8 characters)")
    .requiredOption("--role <role>", "admin, deployer or viewer")
    .option("--name <name>", "display name")
    .action(async (opts: { email: string; password: string; role: string; name?: string }) => {
      const input = parseWith(createUserInputSchema, opts);
      const db = openDb();
      const user = await createUser(db, input, Date.now(), {
        alsoWrite: (created) =>
          audit(db, { action: "users.create", resourceType: "user", resourceId: created.id, details: { email: created.email, role: input.role } }),
      });
      print(`Created ${user.role} ${user.email} (id ${user.id})`);
      print("OK");
    });

  program
    .command("reset-password")
    .description("Set a user's password and end their sessions")
    .requiredOption("--email <email>", "the user's email")
    .requiredOption("--password <password>", "new password (at least 8 characters)")
    .action(async (opts: { email: string; password: string }) => {
      const { password } = parseWith(resetPasswordInputSchema.pick({ password: true }), opts);
      const db = openDb();
      const user = userByEmail(db, opts.email);
      await setPassword(db, user.id, password, Date.now(), undefined, () =>
        audit(db, { action: "users.resetPassword", resourceType: "user", resourceId: user.id }),
      );
      print(`Password reset for ${user.email}; their sessions were ended`);
      print("OK");
    });

  program
    .command("create-token")
    .description("Create an API token for a user; prints the secret once")
    .requiredOption("--email <email>", "the token owner's email")
    .requiredOption("--name <name>", "what the token is for")
    .option("--role <role>", "role of the token (at most the owner's; default the owner's)")
    .option("--expires-days <days>", "days until it expires (default: never)", wholeNumber("--expires-days"))
    .action((opts: { email: string; name: string; role?: string; expiresDays?: number }) => {
      const input = parseWith(
        createApiTokenInputSchema,
        { name: opts.name, role: opts.role, expiresInDays: opts.expiresDays },
        { expiresInDays: "expires-days" },
      );
      const db = openDb();
      const user = userByEmail(db, opts.email);
      if (user.disabled) throw new CliError(`${user.email} is disabled; a token of theirs would not work`);
      const created = recordAuditedChange(
        db,
        CLI_ACTOR,
        Date.now(),
        () => createApiToken(db, { userId: user.id, role: user.role }, input, Date.now()),
        (created) => ({
          action: "apiTokens.create",
          resourceType: "apiToken",
          resourceId: created.id,
          details: { owner: user.email, name: created.name, prefix: created.prefix, role: created.role, expiresAt: created.expiresAt },
        }),
      );
      const expires = created.expiresAt === null ? "never expires" : `expires ${new Date(created.expiresAt).toISOString()}`;
      print(`API token "${created.name}" for ${user.email} (${created.role}, ${expires}); it is shown only once:`);
      print(created.token);
    });

  program
    .command("create-enrollment-token")
    .description("Create a token agents use to enroll hosts; prints the secret once")
    .option("--name <name>", "what the token is for")
    .option("--expires-hours <hours>", 'hours until it expires, or "never" (default 24)', parseExpiresHours)
    .option("--max-uses <count>", 'hosts that may enroll with it, or "unlimited" (default 1)', parseMaxUses)
    .option("--tags <tags>", "tags for enrolled hosts, e.g. env=prod,role=web; agents cannot change them", parseTags)
    .option("--allow-host-tags", "let enrolling agents add tags with other keys (--tags on the agent)")
    .option("--require-approval", "enrolled hosts receive no deployment until an admin approves them")
    .action(
      (opts: {
        name?: string;
        expiresHours?: number | "never";
        maxUses?: number | "unlimited";
        tags?: HostTag[];
        allowHostTags?: boolean;
        requireApproval?: boolean;
      }) => {
        const input = parseWith(createEnrollmentTokenInputSchema, {
          ...opts,
          expiresHours: opts.expiresHours === "never" ? null : opts.expiresHours,
          maxUses: opts.maxUses === "unlimited" ? null : opts.maxUses,
        });
        const db = openDb();
        const created = enrollmentTokenCommands.create({ db, now: Date.now }, CLI_ACTOR, input);
        const uses = created.maxUses === null ? "unlimited uses" : created.maxUses === 1 ? "single use" : `${created.maxUses} uses`;
        const expires = created.expiresAt === null ? "never expires" : `expires ${new Date(created.expiresAt).toISOString()}`;
        print(`Enrollment token${created.name ? ` "${created.name}"` : ""} (${uses}, ${expires}); it is shown only once:`);
        print(created.token);
      },
    );

  return program;
}

async function main(): Promise<void> {
  let db: Db | undefined;
  const openDb = () => {
    if (!db) {
      const env = loadEnv(process.env);
      db = openDatabase(env.databasePath);
      seedPredefinedConfigs(db);
    }
    return db;
  };
  const program = buildProgram(openDb, (line) => console.log(line));
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof Error && "exitCode" in err && typeof err.exitCode === "number") {
      // commander already printed its message (help, unknown option, missing argument).
      process.exitCode = err.exitCode;
    } else if (err instanceof CliError || err instanceof DomainError || err instanceof EnvError) {
      console.error(`Error: ${err.message}`);
      process.exitCode = 1;
    } else {
      throw err;
    }
  } finally {
    if (db) closeDatabase(db);
  }
}

await main();
