import { execFile } from "node:child_process";
import path from "node:path";
import { REPO_ROOT } from "./spawn-server";

/** Runs the landline CLI (bin/landline.js) against a server with an API token; resolves with its standard output. */
export function runCli(serverUrl: string, token: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [path.join(REPO_ROOT, "bin", "landline.js"), ...args],
      { cwd: REPO_ROOT, timeout: 60_000, env: { ...process.env, LANDLINE_URL: serverUrl, LANDLINE_TOKEN: token, NO_COLOR: "1" } },
      (error, stdout, stderr) => (error && !stdout ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    ),
  );
}
