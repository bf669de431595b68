import fc from "fast-check";

const facts = {
  hostname: "web-1",
  platform: "linux",
  osRelease: "6.1.0",
  arch: "x64",
  agentVersion: "1.0.0",
  nodeVersion: "v22.12.0",
  freeDiskBytes: 1_000_000,
  rootDir: "/var/lib/landline-agent",
};
const finished = {
  commandId: "cmd-1",
  status: "Failed",
  startedAt: 1_700_000_000_000,
  finishedAt: 1_700_000_000_500,
  diagnostics: { errorCode: "ScriptFailed", scriptName: "scripts/start.sh", message: "exit 1", logTail: "boom" },
  scriptSource: { deploymentId: "d-1", revisionId: "r-1", sha256: "a".repeat(64) },
  lastLogSeq: 2,
};

/** A valid example of each payload an agent sends the server, to mutate from. */
export const validAgentPayloads = {
  handshake: { credential: "host-1.llh_0123456789abcdef", protocolVersion: 1 },
  enroll: { token: "lle_0123456789abcdef", name: "web-1", tags: [{ key: "env", value: "prod" }], facts },
  hello: { protocolVersion: 1, facts, commands: [{ commandId: "cmd-1", state: "finished", result: finished }], lastLogSeq: 2 },
  finished,
  logs: { lines: [{ seq: 1, commandId: "cmd-1", at: 1_700_000_000_000, stream: "stdout", text: "hello" }] },
  accepted: { commandId: "cmd-1", accepted: false, reason: "busy" },
} as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

function pathsOf(value: Json, prefix: Path = []): Path[] {
  const here: Path[] = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...prefix, i]))];
  if (value !== null && typeof value === "object") return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  return here;
}

const edit = fc.record({
  pick: fc.nat(),
  action: fc.constantFrom("replace", "delete", "add"),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(-1, 0, 2 ** 53 - 1, 2 ** 53 + 2, 1e308, -0, 0.5, "", "x".repeat(20_000), "\u0000", "__proto__", [], {}),
  ),
  key: fc.constantFrom("__proto__", "constructor", "extra", "seq", "commandId"),
});

/** A valid payload with values replaced, keys deleted or added anywhere in its tree, so schemas see near misses. */
export function nearMiss(valid: unknown): fc.Arbitrary<unknown> {
  return fc.array(edit, { maxLength: 3 }).map((edits) => {
    let value = JSON.parse(JSON.stringify(valid)) as Json;
    for (const { pick, action, value: replacement, key } of edits) {
      const paths = pathsOf(value);
      if (paths.length === 0) return replacement;
      const path = paths[pick % paths.length];
      const parent = path.slice(0, -1).reduce<Json>((at, k) => (at as Record<string | number, Json>)[k], value) as Record<string | number, Json>;
      const last = path[path.length - 1];
      if (action === "replace") parent[last] = replacement as Json;
      else if (action === "delete") delete parent[last];
      else if (!Array.isArray(parent)) Object.defineProperty(parent, key, { value: replacement, enumerable: true, writable: true, configurable: true });
      value = value as Json;
    }
    return value;
  });
}

/** What arrives on a socket: any JSON, or a near miss of the expected payload. */
export function socketPayload(valid: unknown): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) }, { weight: 3, arbitrary: nearMiss(valid) });
}
