import { spawn, type ChildProcess } from "node:child_process";

export type ShellProcess = {
  process: ChildProcess;
  output: () => string;
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  /** Signals the whole process group (the shell and what it started) and waits for the shell to exit. */
  kill: () => Promise<void>;
};

/** Runs a command line as a user pasting it into a terminal would: `sh -c`, in its own process group. */
export function runShellCommand(command: string, cwd: string): ShellProcess {
  const child = spawn("sh", ["-c", command], { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    process: child,
    output: () => output,
    waitForOutput: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const check = () => {
          if (pattern.test(output)) return resolve();
          if (exited()) return reject(new Error(`command exited with ${child.exitCode ?? child.signalCode} before printing ${pattern}:\n${output}`));
          if (Date.now() > deadline) return reject(new Error(`command did not print ${pattern} within ${timeoutMs} ms:\n${output}`));
          setTimeout(check, 100);
        };
        check();
      }),
    kill: () =>
      new Promise((resolve) => {
        if (exited()) return resolve();
        child.once("exit", () => resolve());
        try {
          process.kill(-child.pid!, "SIGTERM");
        } catch {
          resolve();
        }
      }),
  };
}
