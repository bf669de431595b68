import path from "node:path";
import { bundleProgram, REPO_ROOT } from "../server/http/program-bundle";

export { REPO_ROOT };
/** The standalone CLI: one ESM file with every dependency inlined; needs only Node 20+. */
export const CLI_BUNDLE_PATH = path.join(REPO_ROOT, "dist", "landline.mjs");
export const CLI_ENTRY = path.join(REPO_ROOT, "cli", "main.ts");

/** Bundles cli/main.ts into `outFile` (default dist/landline.mjs). */
export function bundleCli(outFile = CLI_BUNDLE_PATH): Promise<string> {
  return bundleProgram(CLI_ENTRY, outFile);
}
