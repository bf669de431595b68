#!/usr/bin/env node
// Runs the landline CLI from a checkout of the repository, compiling its TypeScript on the fly with tsx.
// The standalone single-file build for machines without the repository is dist/landline.mjs (npm run build:cli).
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
