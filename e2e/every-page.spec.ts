import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, signIn, type BrowserSession } from "./support/browser";
import { hookBundle, waitForFile } from "./support/bundles";
import { apiAs, startAgent, startStack, TEST_ADMIN, uploadBundle, waitFor, type ApiSession, type Stack } from "./support/stack";

/**
 * Journey: every page at desktop (1440x900) and phone (390x844) sizes, in light and dark. On each: axe finds no
 * serious or critical violation, nothing scrolls sideways on a phone (only the log's own content may), and a
 * screenshot is written for review outside the checkout (LANDLINE_SCREENSHOT_DIR, default <tmp>/landline-screenshots).
 */
const OUT = process.env.LANDLINE_SCREENSHOT_DIR ?? path.join(os.tmpdir(), "landline-screenshots");
const HOSTS = ["tour-web-1", "tour-web-2", "tour-web-3"];
const sizes = { desktop: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } } as const;
let stack: Stack;
let session: ApiSession;
let pages: { name: string; path: string; ready: (page: Page) => Promise<unknown> }[] = [];

const chatty = (event: string) =>
  `    for i in 1 2 3 4 5 6 7 8; do printf '\\033[2m%s\\033[0m \\033[1;34minfo\\033[0m ${event} step %s of 8 with a long line of output that a phone cannot show in one row \\033[32mok\\033[0m\\n' "$(date +%T)" "$i"; done`;

async function deployAndWait(revisionId: string, status: string): Promise<string> {
  const { deploymentId } = await session.api.deployments.create.mutate({ applicationName: "storefront", deploymentGroupName: "production", revisionId });
  await waitFor(`${deploymentId} to be ${status}`, async () => (await session.api.deployments.get.query({ deploymentId })).status === status, 90_000);
  return deploymentId;
}

beforeAll(async () => {
  stack = await startStack();
  session = await apiAs(stack.server.url);
  await Promise.all(
    HOSTS.map((name, i) =>
      startAgent(stack, session.api, name, [
        { key: "env", value: "prod" },
        { key: "zone", value: `z${i + 1}` },
      ]),
    ),
  );
  await session.api.applications.create.mutate({ applicationName: "storefront" });
  await session.api.deploymentGroups.create.mutate({
    applicationName: "storefront",
    deploymentGroupName: "production",
    deploymentConfigName: "CodeDeployDefault.OneAtATime",
    onPremisesTagSet: [[{ type: "KEY_AND_VALUE", key: "env", value: "prod" }]],
    autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] },
  });
  await session.api.deploymentGroups.create.mutate({
    applicationName: "storefront",
    deploymentGroupName: "staging",
    deploymentConfigName: "CodeDeployDefault.AllAtOnce",
    onPremisesTagSet: [[{ type: "KEY_AND_VALUE", key: "zone", value: "z1" }]],
  });
  const url = stack.server.url;
  const v1 = await uploadBundle(url, session, "storefront", await hookBundle("storefront-v1", { BeforeInstall: chatty("BeforeInstall") }), "v1.0.0");
  const succeededId = await deployAndWait(v1, "Succeeded");
  const broken = await uploadBundle(
    url,
    session,
    "storefront",
    await hookBundle("storefront-v2", {
      AfterInstall: `${chatty("AfterInstall")}\n    echo "Error: migration 0042_add_orders failed: column \\"total\\" does not exist" >&2\n    exit 3`,
    }),
    "v1.1.0 with the orders migration",
  );
  const failedId = await deployAndWait(broken, "Failed");
  await waitFor(
    "the rollback to finish",
    async () => {
      const rollbackId = (await session.api.deployments.get.query({ deploymentId: failedId })).rollbackInfo?.rollbackDeploymentId;
      return rollbackId ? ["Succeeded", "Failed"].includes((await session.api.deployments.get.query({ deploymentId: rollbackId })).status) : false;
    },
    90_000,
  );
  const held = await uploadBundle(
    url,
    session,
    "storefront",
    await hookBundle("storefront-v3", { AfterInstall: waitForFile("warming caches…", path.join(stack.workDir, "never")) }, 3600),
    "v1.1.1",
  );
  const { deploymentId: liveId } = await session.api.deployments.create.mutate({
    applicationName: "storefront",
    deploymentGroupName: "production",
    revisionId: held,
    description: "Ship the checkout fix",
  });
  await waitFor(
    "the live deployment's first host to wait in AfterInstall",
    async () => (await session.api.deployments.listTargets.query({ deploymentId: liveId })).some((t) => t.currentEvent === "AfterInstall"),
    90_000,
  );
  await session.api.apiTokens.create.mutate({ name: "ci", role: "viewer" }).catch(() => undefined);
  // A host of the staging group whose agent has gone away: the review dialog must warn about it.
  const spare = await startAgent(stack, session.api, "tour-spare", [{ key: "zone", value: "z1" }]);
  await spare.kill();
  await waitFor("tour-spare to be offline", async () => (await session.api.hosts.get.query({ hostName: "tour-spare" })).status === "Offline", 30_000);

  const text = (t: string | RegExp) => (page: Page) => page.getByText(t).first().waitFor();
  const heading = (t: string | RegExp) => (page: Page) => page.getByRole("heading", { name: t }).first().waitFor();
  pages = [
    { name: "overview", path: "/", ready: text("What runs where") },
    { name: "applications", path: "/applications", ready: text("storefront") },
    { name: "application", path: "/applications/storefront", ready: heading("storefront") },
    { name: "group", path: "/applications/storefront/groups/production", ready: text("What each host runs") },
    { name: "new-group", path: "/applications/storefront/groups/new", ready: heading(/New deployment group/) },
    { name: "deploy", path: "/applications/storefront/deploy?group=production", ready: heading("Start a deployment") },
    { name: "deployments", path: "/deployments", ready: text(liveId) },
    {
      name: "deployment-live",
      path: `/deployments/${liveId}`,
      ready: (p) => p.getByTestId("log-view").getByText("warming caches").first().waitFor({ timeout: 60_000 }),
    },
    { name: "deployment-failed", path: `/deployments/${failedId}`, ready: (p) => p.getByTestId("failure-diagnostics").first().waitFor() },
    { name: "deployment-succeeded", path: `/deployments/${succeededId}`, ready: (p) => p.getByTestId("log-view").getByText("step 8 of 8").first().waitFor() },
    { name: "hosts", path: "/hosts", ready: text("tour-web-1") },
    { name: "host", path: "/hosts/tour-web-1", ready: text("Deployment history") },
    { name: "deployment-configs", path: "/deployment-configs", ready: text("CodeDeployDefault.HalfAtATime") },
    { name: "audit-log", path: "/audit-log", ready: text("deploymentGroups.create") },
    { name: "account", path: "/settings/account", ready: heading(/Account/) },
    { name: "api-tokens", path: "/settings/api-tokens", ready: heading(/API tokens/) },
    { name: "enrollment-tokens", path: "/settings/enrollment-tokens", ready: heading(/Enrollment tokens/) },
    { name: "users", path: "/settings/users", ready: heading(/Users/) },
    {
      name: "missing-deployment",
      path: "/deployments/d-NOPE00000",
      ready: async (p) => {
        await text(/does not exist/)(p);
        // Trying again cannot make a missing deployment appear.
        expect(await p.getByRole("button", { name: "Try again" }).count()).toBe(0);
      },
    },
  ];
  fs.mkdirSync(OUT, { recursive: true });
});

afterAll(async () => {
  await stack?.stop();
});

/** Pixels the page scrolls sideways; a log line may overflow inside its own scroller, the page itself never. */
function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.length} node(s), e.g. ${v.nodes[0]?.target.join(" ")} ${v.nodes[0]?.failureSummary?.split("\n")[1] ?? ""}`);
}

describe("every page", () => {
  for (const [size, viewport] of Object.entries(sizes)) {
    for (const scheme of ["light", "dark"] as const) {
      it(`is accessible, fits and is captured at ${size} size in ${scheme}`, async () => {
        const browser: BrowserSession = await openBrowser({ viewport, colorScheme: scheme });
        try {
          const url = stack.server.url;
          await signIn(browser.page, url, TEST_ADMIN.email, TEST_ADMIN.password);
          const findings: Record<string, string[]> = {};
          for (const p of pages) {
            await browser.page.goto(`${url}${p.path}`);
            await p.ready(browser.page);
            const problems = await seriousViolations(browser.page);
            if (size === "phone") {
              const overflow = await sidewaysOverflow(browser.page);
              if (overflow > 0) problems.push(`scrolls sideways by ${overflow} px`);
            }
            if (problems.length > 0) {
              findings[p.name] = problems;
              console.log(`${p.name} at ${size} size in ${scheme}:\n  ${problems.join("\n  ")}`);
            }
            await browser.page.screenshot({ path: path.join(OUT, `${p.name}-${size}-${scheme}.png`), fullPage: true });
          }
          expect(findings).toEqual({});
          expect(browser.problems.filter((p) => !p.includes("status of 404"))).toEqual([]);
        } finally {
          await browser.close();
        }
      }, 900_000);
    }
  }

  it("moves focus to the new page's heading after navigating with the keyboard", async () => {
    const browser = await openBrowser();
    try {
      await signIn(browser.page, stack.server.url, TEST_ADMIN.email, TEST_ADMIN.password);
      const nav = browser.page.getByRole("complementary", { name: "Main navigation" });
      await nav.getByRole("link", { name: "Hosts" }).focus();
      await browser.page.keyboard.press("Enter");
      await browser.page.waitForURL(/\/hosts$/);
      await waitFor(
        "focus on the Hosts heading",
        () => browser.page.evaluate(() => document.activeElement?.tagName === "H1" && document.activeElement.textContent === "Hosts"),
        10_000,
      );
      // An online host was "last seen" when its agent connected, which can read as hours ago; it is seen now.
      await browser.page.goto(`${stack.server.url}/hosts/tour-web-2`);
      await browser.page.getByText("Now (connected)").waitFor();
      // A new API token starts at the least role that can deploy, not at the creator's admin role.
      await browser.page.goto(`${stack.server.url}/settings/api-tokens`);
      await browser.page.getByRole("button", { name: "New token" }).click();
      expect(await browser.page.getByRole("dialog").getByLabel("Role").inputValue()).toBe("deployer");
    } finally {
      await browser.close();
    }
  });

  it("warns in the review dialog about the group's offline hosts before deploying", async () => {
    const browser = await openBrowser();
    try {
      await signIn(browser.page, stack.server.url, TEST_ADMIN.email, TEST_ADMIN.password);
      await browser.page.goto(`${stack.server.url}/applications/storefront/deploy?group=staging`);
      await browser.page.getByText("2 hosts match").waitFor();
      await browser.page.getByRole("button", { name: "Review and deploy" }).click();
      const warning = browser.page.getByRole("dialog", { name: "Start this deployment?" }).getByTestId("offline-warning");
      expect(await warning.innerText()).toMatch(
        /^1 host is offline: tour-spare\. When its turn comes, each fails unless its agent connects within the agent grace period/,
      );
    } finally {
      await browser.close();
    }
  });

  it("shows the sign-in page accessibly to a signed-out visitor", async () => {
    for (const scheme of ["light", "dark"] as const) {
      for (const [size, viewport] of Object.entries(sizes)) {
        const browser = await openBrowser({ viewport, colorScheme: scheme });
        try {
          await browser.page.goto(`${stack.server.url}/sign-in`);
          await browser.page.getByRole("button", { name: "Sign in" }).waitFor();
          expect(await seriousViolations(browser.page)).toEqual([]);
          expect(await sidewaysOverflow(browser.page)).toBe(0);
          await browser.page.screenshot({ path: path.join(OUT, `sign-in-${size}-${scheme}.png`), fullPage: true });
        } finally {
          await browser.close();
        }
      }
    }
  }, 600_000);
});
