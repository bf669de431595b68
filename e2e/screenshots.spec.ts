import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, signIn, type BrowserSession } from "./support/browser";
import { hookBundle, waitForFile } from "./support/bundles";
import { apiAs, startAgent, startStack, TEST_ADMIN, uploadBundle, waitFor, type ApiSession, type Stack } from "./support/stack";

/** Journey 5: screenshots of the overview, a live deployment and a failed one, saved for review. */
const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), "screenshots");
const HOSTS = ["shot-web-1", "shot-web-2", "shot-web-3"];
let stack: Stack;
let session: ApiSession;
let light: BrowserSession;
let dark: BrowserSession;

const chatty = (event: string) =>
  `    for i in 1 2 3 4 5 6 7 8; do printf '\\033[2m%s\\033[0m \\033[1;34minfo\\033[0m ${event} step %s of 8 \\033[32mok\\033[0m\\n' "$(date +%T)" "$i"; done`;

beforeAll(async () => {
  stack = await startStack();
  session = await apiAs(stack.server.url);
  await Promise.all(HOSTS.map((name, i) => startAgent(stack, session.api, name, [{ key: "env", value: "prod" }, { key: "zone", value: `z${i + 1}` }])));
  await session.api.applications.create.mutate({ applicationName: "storefront" });
  await session.api.deploymentGroups.create.mutate({
    applicationName: "storefront",
    deploymentGroupName: "production",
    deploymentConfigName: "CodeDeployDefault.AllAtOnce",
    onPremisesTagSet: [[{ type: "KEY_AND_VALUE", key: "env", value: "prod" }]],
    autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] },
  });
  light = await openBrowser();
  dark = await openBrowser({ colorScheme: "dark" });
});

afterAll(async () => {
  await light?.close();
  await dark?.close();
  await stack?.stop();
});

async function deployAndWait(revisionId: string, status: string): Promise<string> {
  const { deploymentId } = await session.api.deployments.create.mutate({ applicationName: "storefront", deploymentGroupName: "production", revisionId });
  await waitFor(`${deploymentId} to be ${status}`, async () => (await session.api.deployments.get.query({ deploymentId })).status === status, 60_000);
  return deploymentId;
}

function saved(name: string): number {
  return fs.statSync(path.join(OUT, name)).size;
}

describe("screenshots for review", () => {
  it("captures the overview, a live deployment and a failed deployment", async () => {
    const url = stack.server.url;
    fs.mkdirSync(OUT, { recursive: true });
    const releaseFile = path.join(stack.workDir, "release");
    const v1 = await uploadBundle(url, session, "storefront", await hookBundle("storefront-v1", { BeforeInstall: chatty("BeforeInstall") }), "v1.0.0");
    await deployAndWait(v1, "Succeeded");
    const broken = await uploadBundle(
      url,
      session,
      "storefront",
      await hookBundle("storefront-v2", { BeforeInstall: chatty("BeforeInstall"), AfterInstall: `${chatty("AfterInstall")}\n    echo "Error: migration 0042_add_orders failed: column \\"total\\" does not exist" >&2\n    exit 3` }),
      "v1.1.0 with the orders migration",
    );
    const failedId = await deployAndWait(broken, "Failed");
    await waitFor("the rollback to finish", async () => {
      const rollbackId = (await session.api.deployments.get.query({ deploymentId: failedId })).rollbackInfo?.rollbackDeploymentId;
      return rollbackId ? ["Succeeded", "Failed"].includes((await session.api.deployments.get.query({ deploymentId: rollbackId })).status) : false;
    }, 60_000);
    const v3 = await uploadBundle(url, session, "storefront", await hookBundle("storefront-v3", { BeforeInstall: chatty("BeforeInstall"), AfterInstall: `${chatty("AfterInstall")}\n${waitForFile("warming caches…", releaseFile)}` }), "v1.1.1");
    const { deploymentId: liveId } = await session.api.deployments.create.mutate({ applicationName: "storefront", deploymentGroupName: "production", revisionId: v3, description: "Ship the checkout fix" });

    for (const browser of [light, dark]) await signIn(browser.page, url, TEST_ADMIN.email, TEST_ADMIN.password);
    const { page } = light;
    await page.goto(`${url}/deployments/${liveId}`);
    await page.getByTestId("log-view").getByText("warming caches").first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(OUT, "deployment-live.png") });
    await dark.page.goto(`${url}/deployments/${liveId}`);
    await dark.page.getByTestId("log-view").getByText("warming caches").first().waitFor({ timeout: 60_000 });
    await dark.page.screenshot({ path: path.join(OUT, "deployment-live-dark.png") });

    await page.goto(`${url}/`);
    await page.getByRole("link", { name: liveId }).first().waitFor();
    await page.getByRole("link", { name: failedId }).first().waitFor();
    await page.screenshot({ path: path.join(OUT, "overview.png"), fullPage: true });

    await page.goto(`${url}/deployments/${failedId}`);
    await page.getByTestId("failure-diagnostics").first().getByText("does not exist").waitFor();
    await page.getByTestId("rollback-info").waitFor();
    await page.screenshot({ path: path.join(OUT, "deployment-failed.png") });

    fs.writeFileSync(releaseFile, "go");
    for (const name of ["overview.png", "deployment-live.png", "deployment-live-dark.png", "deployment-failed.png"]) expect(saved(name)).toBeGreaterThan(20_000);
    expect(light.problems).toEqual([]);
    expect(dark.problems).toEqual([]);
  });
});
