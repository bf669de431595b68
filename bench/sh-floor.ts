import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import * as tar from "tar";
import { median } from "./latency-histogram";

function runSh(script: string, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", [script], { cwd, stdio: "ignore" });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`sh ${script} exited with ${code}`))));
  });
}

/**
 * The least work a deployment of `bundle` to one host can do: hash it once, unpack it once and run its
 * hook scripts one after another with sh. Median milliseconds of `runs`.
 */
export async function measureShFloor(bundle: string, scripts: readonly string[], runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "landline-bench-floor-"));
    try {
      const started = performance.now();
      const hash = createHash("sha256");
      await pipeline(fs.createReadStream(bundle), hash);
      hash.digest("hex");
      await tar.x({ file: bundle, cwd: dir });
      for (const script of scripts) await runSh(script, dir);
      times.push(performance.now() - started);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return median(times);
}
