import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, signIn, type BrowserSession } from "./support/browser";
import { hookBundle, waitForFile } from "./support/bundles";
import { apiAs, startAgent, startStack, TEST_ADMIN, uploadBundle, waitFor, type ApiSession, type Stack } from "./support/stack";

/**
 * Journey: watching a 5-host HalfAtATime rollout. Each host's AfterInstall waits for its own release file, so
 * the journey holds the rollout at chosen moments and checks that every number on screen (the summary, the
 * counters, the overview's and the group's deployment rows) agrees with the host list at that moment.
 */
let stack: Stack;
let session: ApiSession;
let browser: BrowserSession;
const HOSTS = ["half-1", "half-2", "half-3", "half-4", "half-5"];
const statuses = ["Pending", "InProgress", "Succeeded", "Failed", "Skipped"] as const;
type Counts = Record<(typeof statuses)[number], number>;

beforeAll(async () => {
  stack = await startStack();
  session = await apiAs(stack.server.url);
  await Promise.all(HOSTS.map((name) => startAgent(stack, session.api, name, [{ key: "env", value: "half" }])));
  await session.api.applications.create.mutate({ applicationName: "catalog" });
  await session.api.deploymentGroups.create.mutate({
    applicationName: "catalog",
    deploymentGroupName: "fleet",
    deploymentConfigName: "CodeDeployDefault.HalfAtATime",
    onPremisesTagSet: [[{ type: "KEY_AND_VALUE", key: "env", value: "half" }]],
  });
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Counts by status as the host list's filter chips show them ("Succeeded 2"); absent chips count 0. */
async function hostListCounts(page: Page): Promise<Counts> {
  const chips = await page.getByRole("group", { name: "Filter hosts by status" }).getByRole("button").allInnerTexts();
  const counts: Counts = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0 };
  const labels: Record<string, keyof Counts> = {
    Pending: "Pending",
    "In progress": "InProgress",
    Succeeded: "Succeeded",
    Failed: "Failed",
    Skipped: "Skipped",
  };
  for (const chip of chips) {
    const m = /^(.*\S)\s+(\d+)$/.exec(chip.trim());
    if (m && labels[m[1]]) counts[labels[m[1]]] = Number(m[2]);
  }
  return counts;
}

async function summaryCounts(page: Page): Promise<Counts> {
  const counts = {} as Counts;
  for (const s of statuses) counts[s] = Number(await page.getByTestId(`counter-${s}`).locator("dd").innerText());
  return counts;
}

/** Waits until the host list shows `succeeded` finished hosts, then checks every other number on the page against it. */
async function expectCountsAgree(page: Page, succeeded: number): Promise<Counts> {
  const list = await waitFor(`${succeeded} succeeded hosts in the host list`, async () => {
    const c = await hostListCounts(page);
    const listed = c.Pending + c.InProgress + c.Succeeded + c.Failed + c.Skipped;
    return listed === HOSTS.length && c.Succeeded === succeeded ? c : undefined;
  });
  expect(await summaryCounts(page)).toEqual(list);
  const done = list.Succeeded + list.Failed + list.Skipped;
  expect(await page.getByTestId("hosts-done").innerText()).toBe(`${done} of 5 hosts done`);
  return list;
}

async function inProgressHosts(deploymentId: string): Promise<string[]> {
  const targets = await session.api.deployments.listTargets.query({ deploymentId });
  return targets.filter((t) => t.status === "InProgress" && t.currentEvent === "AfterInstall").map((t) => t.hostName);
}

describe("live counts", () => {
  it("keeps the summary, counters and deployment rows equal to the host list through a HalfAtATime rollout", async () => {
    const url = stack.server.url;
    const bundle = await hookBundle("catalog-v1", { AfterInstall: waitForFile("waiting for release", `$PROOF_DIR/release-$LANDLINE_HOST_NAME`) });
    const revisionId = await uploadBundle(url, session, "catalog", bundle, "held per host");

    const { page, context } = browser;
    await signIn(page, url, TEST_ADMIN.email, TEST_ADMIN.password);
    const overview = await context.newPage();
    await overview.goto(`${url}/`);
    const group = await context.newPage();
    await group.goto(`${url}/applications/catalog/groups/fleet`);

    const { deploymentId } = await session.api.deployments.create.mutate({ applicationName: "catalog", deploymentGroupName: "fleet", revisionId });
    await page.goto(`${url}/deployments/${deploymentId}`);
    const rowOn = (p: Page) => p.getByRole("listitem").filter({ has: p.getByRole("link", { name: deploymentId }) });

    let released = 0;
    const first = await waitFor(
      "the first batch to reach AfterInstall",
      async () => {
        const running = await inProgressHosts(deploymentId);
        return running.length === 2 ? running : undefined;
      },
      90_000,
    );
    const atStart = await expectCountsAgree(page, 0);
    expect(atStart).toEqual({ Pending: 3, InProgress: 2, Succeeded: 0, Failed: 0, Skipped: 0 });

    // Release hosts one at a time; after each, every number on every page follows.
    const queue = [...first];
    while (released < HOSTS.length) {
      const host = queue.shift() ?? (await waitFor("the next batch to reach AfterInstall", async () => (await inProgressHosts(deploymentId))[0], 90_000));
      fs.writeFileSync(path.join(stack.workDir, `release-${host}`), "go");
      released++;
      const counts = await expectCountsAgree(page, released);
      for (const p of [overview, group]) await rowOn(p).getByText(`${counts.Succeeded}/5 succeeded`).waitFor({ timeout: 15_000 });
      // The group's "What each host runs" follows each host as it succeeds, not only when the deployment ends.
      await group
        .getByRole("table", { name: "Hosts and their revisions" })
        .getByRole("row")
        .filter({ hasText: host })
        .getByText(revisionId)
        .waitFor({ timeout: 15_000 });
    }
    await page.getByTestId("deployment-status").getByText("Succeeded").waitFor({ timeout: 60_000 });
    expect(await summaryCounts(page)).toEqual({ Pending: 0, InProgress: 0, Succeeded: 5, Failed: 0, Skipped: 0 });
    await overview.close();
    await group.close();
    expect(browser.problems).toEqual([]);
  });
});
