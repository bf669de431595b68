import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, signIn, type BrowserSession } from "./support/browser";
import { hookBundle } from "./support/bundles";
import { apiAs, startAgent, startStack, TEST_ADMIN, uploadBundle, waitFor, type Api, type ApiSession, type Stack } from "./support/stack";

/**
 * Journey 2: a deployment whose AfterInstall hook fails. The page leads with the failing event, its error
 * code and the script's last output, and links to the automatic rollback (and back).
 */
let stack: Stack;
let session: ApiSession;
let api: Api;
let browser: BrowserSession;

beforeAll(async () => {
  stack = await startStack();
  session = await apiAs(stack.server.url);
  api = session.api;
  await Promise.all(["fail-1", "fail-2"].map((name) => startAgent(stack, api, name, [{ key: "env", value: "e2e" }])));
  await api.applications.create.mutate({ applicationName: "billing" });
  await api.deploymentGroups.create.mutate({
    applicationName: "billing",
    deploymentGroupName: "production",
    deploymentConfigName: "CodeDeployDefault.AllAtOnce",
    onPremisesTagSet: [[{ type: "KEY_AND_VALUE", key: "env", value: "e2e" }]],
    autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] },
  });
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function deployAndWait(revisionId: string, status: string): Promise<string> {
  const { deploymentId } = await api.deployments.create.mutate({ applicationName: "billing", deploymentGroupName: "production", revisionId });
  await waitFor(`${deploymentId} to be ${status}`, async () => (await api.deployments.get.query({ deploymentId })).status === status, 60_000);
  return deploymentId;
}

describe("failed deployment", () => {
  it("shows the failing event, its error code, the script's output tail and the rollback link", async () => {
    const url = stack.server.url;
    const good = await uploadBundle(url, session, "billing", await hookBundle("billing-v1"), "v1");
    await deployAndWait(good, "Succeeded");
    const bad = await uploadBundle(
      url,
      session,
      "billing",
      await hookBundle("billing-v2", { AfterInstall: '    echo "applying migration 42"\n    echo "boom: relation users does not exist" >&2\n    exit 3' }),
      "v2",
    );
    const failedId = await deployAndWait(bad, "Failed");

    const { page } = browser;
    await signIn(page, url, TEST_ADMIN.email, TEST_ADMIN.password);
    await page.goto(`${url}/deployments/${failedId}`);
    await page.getByTestId("deployment-status").getByText("Failed").waitFor();

    const diagnostics = page.getByTestId("failure-diagnostics").first();
    await diagnostics.getByText("AfterInstall failed").first().waitFor();
    await diagnostics.getByText("ScriptFailed").waitFor();
    await diagnostics.getByText("scripts/hook.sh").first().waitFor();
    await diagnostics.getByText("boom: relation users does not exist").waitFor();
    await page
      .getByRole("list", { name: "Lifecycle events" })
      .getByRole("button", { name: /AfterInstall.*Failed/ })
      .waitFor();
    await page.getByTestId("target-list").getByText("failed in AfterInstall").first().waitFor();

    const rollbackId = await waitFor(
      "the rollback link",
      async () => (await api.deployments.get.query({ deploymentId: failedId })).rollbackInfo?.rollbackDeploymentId ?? undefined,
    );
    const link = page.getByTestId("rollback-info").getByRole("link", { name: rollbackId });
    await link.waitFor();
    await link.click();
    await page.waitForURL(`${url}/deployments/${rollbackId}`);
    await page.getByTestId("rollback-info").getByRole("link", { name: failedId }).waitFor();
    expect(browser.problems).toEqual([]);
  });
});
