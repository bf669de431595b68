/**
 * The one test command (`npm test`): unit and integration suites, then the production build and the
 * browser journeys in real Chromium. Ends with a single "N passed, N failed" line totalling every suite.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

type SuiteResult = { name: string; passed: number; failed: number; ok: boolean };

const CHROMIUM = "/usr/bin/chromium";
const args = new Set(process.argv.slice(2));
const results: SuiteResult[] = [];

function run(cmd: string, cmdArgs: string[], env: NodeJS.ProcessEnv = {}): number {
  const r = spawnSync(cmd, cmdArgs, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env } });
  return r.status ?? 1;
}

function runVitest(name: string, config: string | null): void {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "landline-vitest-")), "report.json");
  const configArgs = config ? ["--config", config] : [];
  const status = run("npx", ["vitest", "run", ...configArgs, "--reporter=default", "--reporter=json", `--outputFile.json=${out}`]);
  let passed = 0;
  let failed = 0;
  if (fs.existsSync(out)) {
    const report = JSON.parse(fs.readFileSync(out, "utf8")) as { numPassedTests: number; numFailedTests: number; numFailedTestSuites: number };
    passed = report.numPassedTests;
    // A suite that fails to load counts as a failure even though it ran no test.
    failed = report.numFailedTests + (report.numFailedTests === 0 ? report.numFailedTestSuites : 0);
  } else {
    failed = 1;
  }
  results.push({ name, passed, failed, ok: status === 0 && failed === 0 });
}

function ensureChromium(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.getuid?.() === 0) {
    console.log("Installing Debian's chromium for the browser tests (apt-get)...");
    run("apt-get", ["update", "-qq"]);
    run("apt-get", ["install", "-y", "-qq", "chromium"], { DEBIAN_FRONTEND: "noninteractive" });
  }
  if (fs.existsSync(CHROMIUM)) return true;
  console.error(`Browser tests need ${CHROMIUM}: install it with "sudo apt-get install -y chromium".`);
  return false;
}

runVitest("unit and integration", null);

const hasE2e = fs.existsSync("e2e") && fs.readdirSync("e2e").some((f) => f.endsWith(".spec.ts"));
if (hasE2e && !args.has("--no-e2e")) {
  if (!ensureChromium()) {
    results.push({ name: "browser journeys", passed: 0, failed: 1, ok: false });
  } else if (run("npx", ["next", "build"]) !== 0) {
    console.error("next build failed; browser journeys not run");
    results.push({ name: "production build", passed: 0, failed: 1, ok: false });
  } else {
    runVitest("browser journeys", "vitest.e2e.config.ts");
  }
}

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
for (const r of results) console.log(`${r.name}: ${r.passed} passed, ${r.failed} failed${r.ok ? "" : " (suite failed)"}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
