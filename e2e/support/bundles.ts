import { zipBuffer } from "../../server/test/test-archives";

const EVENTS = ["ApplicationStop", "BeforeInstall", "AfterInstall", "ApplicationStart", "ValidateService"] as const;
type HookEvent = (typeof EVENTS)[number];

/**
 * A bundle whose every hook runs scripts/hook.sh: it prints "<tag> <event> on <host>", then runs the
 * shell snippet given for that event (if any). Snippets see $LIFECYCLE_EVENT, $LANDLINE_HOST_NAME, $PROOF_DIR.
 */
export function hookBundle(tag: string, perEvent: Partial<Record<HookEvent, string>> = {}, timeoutSeconds = 300): Promise<Buffer> {
  const hooks = EVENTS.map((e) => `  ${e}:\n    - location: scripts/hook.sh\n      timeout: ${timeoutSeconds}\n`).join("");
  const cases = Object.entries(perEvent)
    .map(([event, snippet]) => `  ${event})\n${snippet}\n    ;;`)
    .join("\n");
  const script = `#!/bin/sh\necho "${tag} $LIFECYCLE_EVENT on $LANDLINE_HOST_NAME"\ncase "$LIFECYCLE_EVENT" in\n${cases}\n  *) ;;\nesac\n`;
  return zipBuffer([
    { name: "appspec.yml", body: `version: 0.0\nos: linux\nhooks:\n${hooks}` },
    { name: "scripts/hook.sh", body: script },
  ]);
}

/** Snippet that prints `line`, then waits until `file` exists. */
export function waitForFile(line: string, file: string): string {
  return `    echo "${line}"\n    while [ ! -f "${file}" ]; do sleep 0.1; done\n    echo "released"`;
}
