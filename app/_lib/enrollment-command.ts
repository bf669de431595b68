import type { HostTag } from "@/server/contracts/resources";

/** Quotes a shell word only when it needs it. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9._:/=,@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function agentArgs(origin: string, hostName: string): string {
  const args = ["--server", origin, "--enroll-stdin"];
  if (hostName) args.push("--name", hostName);
  return args.map(shellWord).join(" ");
}

/**
 * Feeds the token through a pipe from the shell's printf, a builtin: a token in a program's arguments shows in
 * `ps` to every user of the host for as long as the program runs.
 */
function pipeToken(token: string): string {
  return `printf '%s\\n' ${shellWord(token)} |`;
}

/** The agent run from a Landline checkout. The token's own tags are the host's; it carries no --tags. */
export function checkoutCommand(origin: string, token: string, hostName: string): string {
  return `${pipeToken(token)} npm run agent -- ${agentArgs(origin, hostName)}`;
}

/** The standalone agent: one file downloaded from this server (the enrollment token authorizes it), needing only Node.js. */
export function standaloneCommand(origin: string, token: string, hostName: string): string {
  const download = `printf 'Authorization: Bearer %s\\n' ${shellWord(token)} | curl -fsSLo landline-agent.mjs -H @- ${shellWord(`${origin}/api/agent/download`)}`;
  return `${download}\n${pipeToken(token)} node landline-agent.mjs ${agentArgs(origin, hostName)}`;
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
