import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ADMIN } from "../server/test/spawn-server";
import { openBrowser, signIn, type BrowserSession } from "./support/browser";
import { startLargeDeploymentServer, type LargeDeployment, type LargeDeploymentServer } from "./support/large-deployment";

/**
 * Journey: a failed deployment to 1,000 hosts whose failed host wrote 100,000 log lines. Both lists stay
 * usable: every host is there to find, the log reaches its first and last line and finds a line by search,
 * and neither list ever puts more than a few hundred rows in the page.
 */
let stack: LargeDeploymentServer;
let d: LargeDeployment;
let browser: BrowserSession;

type PeakRows = { hostRows: number; logRows: number };
declare global {
  interface Window {
    __peakRows?: PeakRows;
  }
}

/** Runs in the page: after every DOM change, records the most host and log rows ever present at once. */
function recordPeakRows(): void {
  const peak: PeakRows = { hostRows: 0, logRows: 0 };
  window.__peakRows = peak;
  new MutationObserver(() => {
    peak.hostRows = Math.max(peak.hostRows, document.querySelectorAll("[data-testid=target-list] [role=option]").length);
    peak.logRows = Math.max(peak.logRows, document.querySelectorAll("[data-testid=log-view] [data-seq]").length);
  }).observe(document, { childList: true, subtree: true });
}

beforeAll(async () => {
  stack = await startLargeDeploymentServer();
  d = stack.deployment;
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("a deployment to 1,000 hosts with a 100,000-line log", () => {
  it("keeps both lists whole, searchable and light", async () => {
    const { page } = browser;
    const url = stack.server.url;
    await signIn(page, url, TEST_ADMIN.email, TEST_ADMIN.password);
    await page.addInitScript(recordPeakRows);
    await page.goto(`${url}/deployments/${d.deploymentId}`);

    const detail = page.getByTestId("target-detail");
    await detail.getByRole("heading", { name: d.logHostName }).waitFor();
    const log = page.getByTestId("log-view");
    // Following is on: the log ends up at its last line once every page of it is in.
    await log.getByText(d.lastLineText).waitFor({ timeout: 30_000 });
    await detail.getByText("100,000 lines").waitFor();
    await detail.getByText("Complete", { exact: true }).waitFor();

    await log.focus();
    await page.keyboard.press("Home");
    await log.getByText(d.firstLineText).waitFor();
    await page.keyboard.press("End");
    await log.getByText(d.lastLineText).waitFor();

    const search = page.getByLabel("Search the log");
    await search.fill(d.needle);
    await detail.getByText("1 / 1", { exact: true }).waitFor();
    await search.press("Enter");
    const found = log.locator("[data-seq]").filter({ hasText: d.needle });
    await found.waitFor();
    await expect(found.locator("span").first().textContent()).resolves.toBe(String(d.needleLine));

    const hostList = page.getByRole("listbox", { name: "Hosts in this deployment" });
    await page.getByRole("button", { name: "All 1000" }).waitFor();
    await page.getByRole("button", { name: `Failed ${d.failedHostCount}` }).waitFor();
    await page.getByPlaceholder("Find among 1,000 hosts").waitFor();
    await hostList.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await hostList.getByRole("option", { name: /web-1000/ }).waitFor();
    await page.getByLabel("Find a host").fill("web-0999");
    await hostList.getByRole("option", { name: /web-0999/ }).waitFor();
    await expect(hostList.getByRole("option").count()).resolves.toBe(1);
    await page.getByLabel("Find a host").fill("");
    await page.getByRole("button", { name: `Failed ${d.failedHostCount}` }).click();
    await expect.poll(() => hostList.getByRole("option").count()).toBe(d.failedHostCount);

    const peak = await page.evaluate(() => window.__peakRows!);
    expect(peak.hostRows).toBeGreaterThan(0);
    expect(peak.hostRows).toBeLessThan(200);
    expect(peak.logRows).toBeGreaterThan(0);
    expect(peak.logRows).toBeLessThan(300);
    expect(browser.problems).toEqual([]);
  });
});
