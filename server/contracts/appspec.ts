import { z } from "zod";
import { isCollection, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";
import { reservedLifecycleEvents, scriptableLifecycleEvents } from "./deployment";
import { fileExistsBehaviors } from "./resources";

export const APPSPEC_FILE_NAMES = ["appspec.yml", "appspec.yaml"] as const;

/** An appspec longer than this (in UTF-16 code units, about bytes) is refused before parsing; real ones are a few KB. */
export const MAX_APPSPEC_BYTES = 64 * 1024;

/**
 * Deepest nesting parsed. The yaml library composes nodes recursively, and near the end of the stack V8
 * can abort the whole process (not throw), so deep documents are refused before they reach it.
 */
const MAX_NESTING_DEPTH = 100;

/**
 * Aliases a document may expand, counted as the yaml library does (uses times the aliased nodes' size), so
 * a "billion laughs" appspec is refused instead of being expanded. Generous for hand-written anchors.
 */
const MAX_ALIAS_COUNT = 100;

const hookScriptSchema = z
  .object({
    location: z.string().min(1, "location must not be empty").describe("Script path relative to the bundle root"),
    timeout: z
      .number()
      .int("timeout must be a whole number of seconds")
      .positive("timeout must be greater than 0")
      .max(86400, "timeout must be at most 86400 seconds")
      .optional()
      .describe("Seconds before the script is killed (default 3600; Landline allows up to 86400)"),
    runas: z
      .string()
      .min(1)
      .max(32)
      .regex(/^[a-z_][a-z0-9_.-]*\$?$/i, "runas must be a user name")
      .optional()
      .describe("User that runs the script"),
    sudo: z.boolean().optional().describe("Run through sudo (undocumented CodeDeploy key)"),
  })
  .strict();

const fileMappingSchema = z.object({
  source: z.string().min(1, "source must not be empty").describe("Path in the bundle; / means the whole bundle"),
  destination: z
    .string()
    .min(1, "destination must not be empty")
    .refine((d) => d.startsWith("/"), "destination must be an absolute path")
    .describe("Absolute directory on the host"),
});

const modeSchema = z
  .union([z.string(), z.number()])
  .transform((m) => String(m))
  .refine((m) => /^[0-7]{1,4}$/.test(m), "mode must be 1 to 4 octal digits (0-7)")
  .describe("Octal mode, e.g. 644 or 4755");

const permissionSchema = z.object({
  object: z
    .string()
    .min(1)
    .refine((o) => o.startsWith("/"), "object must be an absolute path")
    .describe("Path on the host"),
  pattern: z.string().optional().describe("Glob below object; ** (default) matches every descendant"),
  except: z.array(z.string()).optional().describe("Globs excluded from pattern"),
  owner: z.string().optional().describe("Owner user name"),
  group: z.string().optional().describe("Owner group name"),
  mode: modeSchema.optional(),
  acls: z.array(z.string()).optional().describe("setfacl entries"),
  context: z
    .object({ name: z.string().optional(), user: z.string().optional(), type: z.string().min(1), range: z.string().optional() })
    .optional()
    .describe("SELinux context"),
  type: z
    .array(z.enum(["file", "directory"]))
    .optional()
    .describe("Apply to files, directories or both (default)"),
});

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
function countEdits(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[y.length];
}

/** The lifecycle event a misspelled hook name most likely meant (at most 2 edits away), or null. */
function suggestLifecycleEvent(name: string): string | null {
  let best: { event: string; edits: number } | null = null;
  for (const event of scriptableLifecycleEvents) {
    const edits = countEdits(name, event);
    if (edits <= 2 && (!best || edits < best.edits)) best = { event, edits };
  }
  return best?.event ?? null;
}

const hooksSchema = z.record(z.string(), z.array(hookScriptSchema).nullable()).superRefine((hooks, ctx) => {
  for (const name of Object.keys(hooks)) {
    if ((reservedLifecycleEvents as readonly string[]).includes(name)) {
      ctx.addIssue({ code: "custom", path: [name], message: `${name} is reserved and cannot have hooks` });
    } else if (!(scriptableLifecycleEvents as readonly string[]).includes(name)) {
      const guess = suggestLifecycleEvent(name);
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: `unknown lifecycle event ${name}; ${guess ? `did you mean ${guess}? ` : ""}expected one of ${scriptableLifecycleEvents.join(", ")}`,
      });
    }
  }
});

export const appSpecSchema = z.object({
  version: z
    .union([z.number(), z.string()])
    .refine((v) => Number(v) === 0 && String(v).trim() !== "", "version must be 0.0")
    .describe("Always 0.0"),
  os: z
    .enum(["linux", "windows"], { message: "os must be linux or windows" })
    .refine((os) => os === "linux", "os: windows is not supported; Landline agents run Linux")
    .describe("Target operating system; Landline agents run Linux, so always linux"),
  files: z.array(fileMappingSchema).nullish().describe("Files Install copies from the bundle"),
  file_exists_behavior: z
    .enum(fileExistsBehaviors, { message: "file_exists_behavior must be DISALLOW, OVERWRITE or RETAIN" })
    .optional()
    .describe("What Install does with files already at a destination"),
  permissions: z.array(permissionSchema).nullish().describe("Permissions Install applies to copied files"),
  hooks: hooksSchema.nullish().describe("Scripts to run per lifecycle event"),
});
export type AppSpec = z.infer<typeof appSpecSchema>;
export type HookScript = z.infer<typeof hookScriptSchema>;
export type FileMapping = z.infer<typeof fileMappingSchema>;
export type PermissionSpec = z.infer<typeof permissionSchema>;

export type AppSpecError = {
  /** File the error is in, e.g. appspec.yml. */
  file: string;
  /** 1-based line, when known. */
  line: number | null;
  /** 1-based column, when known. */
  column: number | null;
  /** Dotted field path, e.g. hooks.AfterInstall[0].timeout. */
  field: string;
  /** One-line explanation of the problem. */
  message: string;
};

export type ParseAppSpecResult = { ok: true; appSpec: AppSpec } | { ok: false; errors: AppSpecError[] };

/** What parseAppSpec needs to know about a bundle to check that files sources and hook scripts exist in it. */
export type BundleListing = {
  /** Kind of the entry at a normalized path relative to the bundle root ("" is the root), following symlinks; null when absent. */
  kindOf(path: string): "file" | "directory" | null;
};

/** A files source or hook location as a normalized bundle path ("" is the whole bundle), or null when it leaves the bundle. */
export function toBundlePath(appSpecPath: string): string | null {
  const parts = appSpecPath.split("/").filter((s) => s !== "" && s !== ".");
  return parts.includes("..") ? null : parts.join("/");
}

type BundleIssue = { path: PropertyKey[]; message: string };

function checkAgainstBundle(appSpec: AppSpec, bundle: BundleListing): BundleIssue[] {
  const issues: BundleIssue[] = [];
  for (const [i, mapping] of (appSpec.files ?? []).entries()) {
    const path = toBundlePath(mapping.source);
    if (path === null) issues.push({ path: ["files", i, "source"], message: `${mapping.source} points outside the bundle` });
    else if (bundle.kindOf(path) === null) issues.push({ path: ["files", i, "source"], message: `${mapping.source} is not in the bundle` });
  }
  for (const [event, scripts] of Object.entries(appSpec.hooks ?? {})) {
    for (const [i, script] of (scripts ?? []).entries()) {
      const path = toBundlePath(script.location);
      const kind = path === null ? null : bundle.kindOf(path);
      if (kind === "file") continue;
      const problem =
        path === null
          ? `${script.location} points outside the bundle`
          : kind === "directory"
            ? `${script.location} is a directory, not a script`
            : `${script.location} is not in the bundle (CodeDeploy would fail only when the hook runs; Landline checks scripts at upload)`;
      issues.push({ path: ["hooks", event, i, "location"], message: problem });
    }
  }
  return issues;
}

/** Formats an error as "appspec.yml:12:5 hooks.AfterInstall[0].timeout: message". */
export function formatAppSpecError(e: AppSpecError): string {
  const where = e.line === null ? e.file : `${e.file}:${e.line}${e.column === null ? "" : `:${e.column}`}`;
  return e.field ? `${where} ${e.field}: ${e.message}` : `${where}: ${e.message}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, p) => (typeof p === "number" ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)), "");
}

function locate(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): { line: number | null; column: number | null } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) {
      // A mapping or list value is reported at its key, where a reader looks for it.
      const at = (depth > 0 && isCollection(node) ? keyNodeOf(doc, path.slice(0, depth)) : null) ?? node;
      const pos = lineCounter.linePos(at.range![0]);
      return { line: pos.line, column: pos.col };
    }
    // Otherwise a missing key: the loop goes on to the parent.
  }
  return { line: null, column: null };
}

function keyNodeOf(doc: Document, path: readonly PropertyKey[]): Node | null {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1) as unknown[], true);
  if (!isMap(parent)) return null;
  const name = path[path.length - 1];
  const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === name);
  return pair && isNode(pair.key) && pair.key.range ? pair.key : null;
}

/**
 * Where an upper bound of the document's nesting first passes MAX_NESTING_DEPTH, or null. Per line, block
 * depth is at most the indentation plus the indicators on the line ("- - - x" nests three times on one
 * line), and flow depth at most the unclosed brackets so far; brackets inside strings only overcount.
 */
function findExcessiveNesting(text: string): { line: number; column: number } | null {
  let flow = 0;
  let line = 1;
  let lineStart = 0;
  let indent = 0;
  let indicators = 0;
  let inIndent = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") {
      line += 1;
      lineStart = i + 1;
      indent = 0;
      indicators = 0;
      inIndent = true;
      continue;
    }
    if (inIndent && c === " ") {
      indent += 1;
    } else {
      inIndent = false;
      if (c === "[" || c === "{") flow += 1;
      else if ((c === "]" || c === "}") && flow > 0) flow -= 1;
      else if ((c === "-" || c === "?" || c === ":") && (text[i + 1] === " " || text[i + 1] === "\n" || i + 1 === text.length)) indicators += 1;
    }
    if (indent + indicators + flow > MAX_NESTING_DEPTH) return { line, column: i - lineStart + 1 };
  }
  return null;
}

/** The yaml library refuses an alias it cannot or will not expand; this names where the first alias is. */
function describeAliasProblem(doc: Document, lineCounter: LineCounter, file: string, reason: string): AppSpecError {
  let found: { node: Node; path: PropertyKey[] } | null = null;
  visit(doc, {
    Alias(_key, node, ancestors) {
      found = { node, path: fieldPathOf([...ancestors, node]) };
      return visit.BREAK;
    },
  });
  const message = /excessive alias/i.test(reason)
    ? `the appspec expands aliases (*name) too much (more than ${MAX_ALIAS_COUNT}); refused as a possible "billion laughs" document`
    : `an alias cannot be resolved: ${reason.split("\n")[0]}`;
  const at = found as { node: Node; path: PropertyKey[] } | null;
  if (!at?.node.range) return { file, line: null, column: null, field: "", message };
  const pos = lineCounter.linePos(at.node.range[0]);
  return { file, line: pos.line, column: pos.col, field: formatPath(at.path), message };
}

/** The field path (keys and list indexes) of the last node in an ancestor chain from visit(). */
function fieldPathOf(chain: readonly unknown[]): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let i = 0; i < chain.length - 1; i++) {
    const node = chain[i];
    if (isPair(node)) path.push(isScalar(node.key) ? String(node.key.value) : String(node.key));
    else if (isSeq(node)) path.push(node.items.indexOf(chain[i + 1] as never));
  }
  return path;
}

function isMissing(value: unknown, path: readonly PropertyKey[]): boolean {
  let at: unknown = value;
  for (const key of path) {
    if (at === null || typeof at !== "object") return true;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at === undefined;
}

/**
 * Parses and validates appspec text; errors name file, line, column and field. With a bundle listing it
 * also checks that every files source and hook script exists in the bundle.
 */
export function parseAppSpec(text: string, file = "appspec.yml", bundle?: BundleListing): ParseAppSpecResult {
  if (text.length > MAX_APPSPEC_BYTES) {
    return { ok: false, errors: [{ file, line: null, column: null, field: "", message: `the appspec is larger than ${MAX_APPSPEC_BYTES} bytes` }] };
  }
  const deep = findExcessiveNesting(text);
  if (deep) return { ok: false, errors: [{ file, ...deep, field: "", message: `the appspec nests deeper than ${MAX_NESTING_DEPTH} levels` }] };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, logLevel: "error" });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((err) => {
        const pos = lineCounter.linePos(err.pos[0]);
        return { file, line: pos.line, column: pos.col, field: "", message: err.message.split("\n")[0] };
      }),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    return { ok: false, errors: [describeAliasProblem(doc, lineCounter, file, err.message)] };
  }
  if (value === null || value === undefined || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, errors: [{ file, line: 1, column: 1, field: "", message: "the appspec must be a mapping with at least version and os" }] };
  }
  const parsed = appSpecSchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => ({
        file,
        ...locate(doc, lineCounter, issue.path),
        field: formatPath(issue.path),
        message: issue.path.length > 0 && isMissing(value, issue.path) ? "is required" : issue.message,
      })),
    };
  }
  const bundleIssues = bundle ? checkAgainstBundle(parsed.data, bundle) : [];
  if (bundleIssues.length > 0) {
    return {
      ok: false,
      errors: bundleIssues.map((issue) => ({ file, ...locate(doc, lineCounter, issue.path), field: formatPath(issue.path), message: issue.message })),
    };
  }
  return { ok: true, appSpec: parsed.data };
}
