import path from "node:path";
import { bundleCli, REPO_ROOT } from "./bundle-cli";

const out = await bundleCli();
console.log(`built ${path.relative(REPO_ROOT, out)}`);
