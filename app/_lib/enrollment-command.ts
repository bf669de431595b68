import type { HostTag } from "@/server/contracts/resources";

/** Quotes a shell word only when it needs it. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9._:/=,@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function agentArgs(origin: string, token: string, hostName: string, tags: HostTag[]): string {
  const args = ["--server", origin, "--enroll", token];
  if (hostName) args.push("--name", hostName);
  if (tags.length > 0) args.push("--tags", tags.map((t) => `${t.key}=${t.value}`).join(","));
  return args.map(shellWord).join(" ");
}

/** The agent run from a Landline checkout. */
export function checkoutCommand(origin: string, token: string, hostName: string, tags: HostTag[]): string {
  return `npm run agent -- ${agentArgs(origin, token, hostName, tags)}`;
}

/** The standalone agent: one file downloaded from this server (the enrollment token authorizes it), needing only Node.js. */
export function standaloneCommand(origin: string, token: string, hostName: string, tags: HostTag[]): string {
  const download = `curl -fsSLo landline-agent.mjs -H ${shellWord(`Authorization: Bearer ${token}`)} ${shellWord(`${origin}/api/agent/download`)}`;
  return `${download}\nnode landline-agent.mjs ${agentArgs(origin, token, hostName, tags)}`;
}

/** "env=prod, role=web" -> tags; returns an error message for the first bad entry. */
export function parseTagList(text: string): { tags: HostTag[]; error: string | null } {
  const tags: HostTag[] = [];
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const eq = part.indexOf("=");
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? "" : part.slice(eq + 1);
    if (!key) return { tags, error: `"${part}" has no key` };
    if (tags.some((t) => t.key === key)) return { tags, error: `tag key ${key} appears twice` };
    tags.push({ key, value });
  }
  return { tags, error: null };
}
