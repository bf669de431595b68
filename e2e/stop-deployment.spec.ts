import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, signIn, type BrowserSession } from "./support/browser";
import { hookBundle } from "./support/bundles";
import { apiAs, startAgent, startStack, TEST_ADMIN, uploadBundle, waitFor, type ApiSession, type Stack } from "./support/stack";

/**
 * Journey 3: stopping a running deployment from the page. Each host's ApplicationStart hook starts a long
 * child process and records both process ids; after Stop they must be gone and the deployment Stopped.
 */
let stack: Stack;
let session: ApiSession;
let browser: BrowserSession;
const HOSTS = ["stop-1", "stop-2"];

beforeAll(async () => {
  stack = await startStack();
  session = await apiAs(stack.server.url);
  await Promise.all(HOSTS.map((name) => startAgent(stack, session.api, name, [{ key: "env", value: "e2e" }])));
  await session.api.applications.create.mutate({ applicationName: "jobs" });
  await session.api.deploymentGroups.create.mutate({
    applicationName: "jobs",
    deploymentGroupName: "workers",
    deploymentConfigName: "CodeDeployDefault.AllAtOnce",
    onPremisesTagSet: [[{ type: "KEY_AND_VALUE", key: "env", value: "e2e" }]],
  });
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Alive means present and not a zombie waiting to be reaped. */
function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function hookPids(host: string): number[] | undefined {
  const file = path.join(stack.workDir, `${host}.pids`);
  if (!fs.existsSync(file)) return undefined;
  const pids = fs.readFileSync(file, "utf8").trim().split(/\s+/).map(Number);
  return pids.length === 2 && pids.every((p) => p > 0) ? pids : undefined;
}

describe("stopping a deployment", () => {
  it("kills the running hooks on every host and ends Stopped", async () => {
    const url = stack.server.url;
    const bundle = await hookBundle("jobs-v1", {
      ApplicationStart: '    sleep 600 &\n    echo "$$ $!" > "$PROOF_DIR/$LANDLINE_HOST_NAME.pids"\n    echo "long task started"\n    wait',
    });
    const revisionId = await uploadBundle(url, session, "jobs", bundle, "long running");
    const { deploymentId } = await session.api.deployments.create.mutate({ applicationName: "jobs", deploymentGroupName: "workers", revisionId });

    const { page } = browser;
    await signIn(page, url, TEST_ADMIN.email, TEST_ADMIN.password);
    await page.goto(`${url}/deployments/${deploymentId}`);
    await page.getByTestId("log-view").getByText("long task started").first().waitFor({ timeout: 60_000 });
    const pids = await waitFor("both hosts' hooks to record their process ids", () => {
      const all = HOSTS.map(hookPids);
      return all.every(Boolean) ? (all.flat() as number[]) : undefined;
    });
    expect(pids.every(isRunning)).toBe(true);

    await page.getByRole("button", { name: "Stop", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: `Stop ${deploymentId}?` });
    await dialog.getByLabel("Roll back the hosts already updated").setChecked(false);
    await dialog.getByRole("button", { name: "Stop deployment" }).click();

    await page.getByTestId("deployment-status").getByText("Stopped").waitFor({ timeout: 30_000 });
    await waitFor("the hook processes to be killed", () => pids.every((pid) => !isRunning(pid)), 15_000);
    expect(await page.getByRole("button", { name: "Stop", exact: true }).count()).toBe(0);
    expect((await session.api.deployments.get.query({ deploymentId })).status).toBe("Stopped");
    expect(browser.problems).toEqual([]);
  });
});
