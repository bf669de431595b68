import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, signIn, type BrowserSession } from "./support/browser";
import { hookBundle } from "./support/bundles";
import { apiAs, startAgent, startStack, TEST_ADMIN, uploadBundle, type ApiSession, type Stack } from "./support/stack";

/**
 * A live deployment page survives the server going away: it says it is reconnecting, and when the server
 * is back it rejoins its rooms and fetches the lines written meanwhile, each exactly once, without a reload.
 */
let stack: Stack;
let session: ApiSession;
let browser: BrowserSession;

beforeAll(async () => {
  stack = await startStack();
  session = await apiAs(stack.server.url);
  await startAgent(stack, session.api, "drop-1", [{ key: "env", value: "e2e" }]);
  await session.api.applications.create.mutate({ applicationName: "resilient" });
  await session.api.deploymentGroups.create.mutate({
    applicationName: "resilient",
    deploymentGroupName: "production",
    onPremisesTagSet: [[{ type: "KEY_AND_VALUE", key: "env", value: "e2e" }]],
  });
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("connection drops", () => {
  it("resumes live updates after the server restarts, losing and repeating no log line", async () => {
    const url = stack.server.url;
    const during = path.join(stack.workDir, "during-outage");
    const finish = path.join(stack.workDir, "finish");
    const bundle = await hookBundle("resilient-v1", {
      AfterInstall: [
        '    echo "before the outage"',
        `    while [ ! -f "${during}" ]; do sleep 0.1; done`,
        '    for i in 1 2 3 4 5 6; do echo "written during the outage $i"; done',
        `    while [ ! -f "${finish}" ]; do sleep 0.1; done`,
        '    echo "after the outage"',
      ].join("\n"),
    });
    const revisionId = await uploadBundle(url, session, "resilient", bundle, "v1");
    const { deploymentId } = await session.api.deployments.create.mutate({ applicationName: "resilient", deploymentGroupName: "production", revisionId });

    const { page } = browser;
    await signIn(page, url, TEST_ADMIN.email, TEST_ADMIN.password);
    await page.goto(`${url}/deployments/${deploymentId}`);
    const log = page.getByTestId("log-view");
    await log.getByText("before the outage").first().waitFor({ timeout: 60_000 });

    await stack.server.kill();
    await page.getByText("Reconnecting…").waitFor();
    fs.writeFileSync(during, "go");
    stack.server = await stack.server.restart();
    await page.getByText("Live", { exact: true }).waitFor({ timeout: 30_000 });

    await log.getByText("written during the outage 6").waitFor({ timeout: 30_000 });
    await page.getByLabel("Search the log").fill("written during the outage");
    await page.getByText("1 / 6", { exact: true }).waitFor();
    fs.writeFileSync(finish, "go");
    await page.getByTestId("deployment-status").getByText("Succeeded").waitFor({ timeout: 60_000 });
    await log.getByText("after the outage").first().waitFor();
    await page.getByText("1 / 6", { exact: true }).waitFor();
    // A dropped connection logs a console error in Chromium; only server errors count here.
    expect(browser.problems.filter((p) => p.startsWith("HTTP") || p.startsWith("page error"))).toEqual([]);
  });
});
