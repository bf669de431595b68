import { createCipheriv } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { packDirectory } from "../server/bundles/pack-directory";

/** The five scriptable in-place events, each given one no-op script. */
export const NOOP_HOOK_EVENTS = ["ApplicationStop", "BeforeInstall", "AfterInstall", "ApplicationStart", "ValidateService"] as const;

const scriptName = (event: string) => `scripts/${event.replace(/[A-Z]/g, (c, i: number) => (i ? "-" : "") + c.toLowerCase())}.sh`;

/** Writes the no-op bundle's files into `dir`: an appspec with one `exit 0` script per scriptable event. */
export function writeNoopBundleTree(dir: string): string[] {
  fs.mkdirSync(path.join(dir, "scripts"), { recursive: true });
  const hooks = NOOP_HOOK_EVENTS.map((event) => `  ${event}:\n    - location: ${scriptName(event)}\n      timeout: 30\n`).join("");
  fs.writeFileSync(path.join(dir, "appspec.yml"), `version: 0.0\nos: linux\nhooks:\n${hooks}`);
  for (const event of NOOP_HOOK_EVENTS) fs.writeFileSync(path.join(dir, scriptName(event)), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  return NOOP_HOOK_EVENTS.map(scriptName);
}

/** A tar bundle with five no-op hooks; the same bytes every time, so re-uploads find the same revision. */
export async function packNoopBundle(workDir: string): Promise<{ file: string; scripts: string[] }> {
  const tree = path.join(workDir, "noop-bundle");
  const file = path.join(workDir, "noop-bundle.tar");
  fs.rmSync(tree, { recursive: true, force: true });
  const scripts = writeNoopBundleTree(tree);
  await packDirectory(tree, file, "tar");
  return { file, scripts };
}

/** A tar bundle of about `bytes` incompressible bytes (a fixed AES-CTR key stream) plus an appspec; built once per size. */
export async function packLargeBundle(workDir: string, bytes: number): Promise<string> {
  const file = path.join(workDir, `large-bundle-${bytes}.tar`);
  if (fs.existsSync(file) && fs.statSync(file).size > bytes) return file;
  const tree = path.join(workDir, "large-bundle");
  fs.rmSync(tree, { recursive: true, force: true });
  fs.mkdirSync(tree, { recursive: true });
  fs.writeFileSync(path.join(tree, "appspec.yml"), "version: 0.0\nos: linux\n");
  const cipher = createCipheriv("aes-256-ctr", Buffer.alloc(32, 7), Buffer.alloc(16, 0));
  const fd = fs.openSync(path.join(tree, "payload.bin"), "w");
  const zeros = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < bytes; written += zeros.length) fs.writeSync(fd, cipher.update(zeros.subarray(0, Math.min(zeros.length, bytes - written))));
  fs.closeSync(fd);
  await packDirectory(tree, file, "tar");
  fs.rmSync(tree, { recursive: true, force: true });
  return file;
}
