import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, signIn, type BrowserSession } from "./support/browser";
import { hookBundle, waitForFile } from "./support/bundles";
import { apiAs, startAgent, startStack, uploadBundle, type ApiSession, type Stack } from "./support/stack";

/**
 * Journey 4: a viewer follows deployments but is offered nothing it may not do: no deploy, stop,
 * roll back or upload. The server refuses those calls anyway.
 */
const VIEWER = { email: "vera@example.com", password: "viewer-password-1" };
let stack: Stack;
let admin: ApiSession;
let browser: BrowserSession;
let deploymentId: string;
let releaseFile: string;

beforeAll(async () => {
  stack = await startStack();
  admin = await apiAs(stack.server.url);
  releaseFile = path.join(stack.workDir, "release");
  await admin.api.users.create.mutate({ email: VIEWER.email, password: VIEWER.password, role: "viewer", name: "Vera Viewer" });
  await startAgent(stack, admin.api, "view-1", [{ key: "env", value: "e2e" }]);
  await admin.api.applications.create.mutate({ applicationName: "catalog" });
  await admin.api.deploymentGroups.create.mutate({
    applicationName: "catalog",
    deploymentGroupName: "production",
    onPremisesTagSet: [[{ type: "KEY_AND_VALUE", key: "env", value: "e2e" }]],
  });
  const revisionId = await uploadBundle(
    stack.server.url,
    admin,
    "catalog",
    await hookBundle("catalog-v1", { AfterInstall: waitForFile("catalog waiting", releaseFile) }),
    "v1",
  );
  ({ deploymentId } = await admin.api.deployments.create.mutate({ applicationName: "catalog", deploymentGroupName: "production", revisionId }));
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("viewer role", () => {
  it("sees deployments live but is offered no deploy, stop, rollback or upload", async () => {
    const url = stack.server.url;
    const { page } = browser;
    await signIn(page, url, VIEWER.email, VIEWER.password);
    const nav = page.getByRole("complementary", { name: "Main navigation" });
    expect(await nav.getByRole("link", { name: "Users" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: "Audit log" }).count()).toBe(0);

    await page.goto(`${url}/deployments`);
    await page.getByRole("link", { name: deploymentId }).click();
    await page.getByTestId("log-view").getByText("catalog waiting").first().waitFor({ timeout: 60_000 });
    expect(await page.getByTestId("deployment-status").innerText()).toContain("In progress");
    expect(await page.getByRole("button", { name: "Stop", exact: true }).count()).toBe(0);

    fs.writeFileSync(releaseFile, "go");
    await page.getByTestId("deployment-status").getByText("Succeeded").waitFor({ timeout: 60_000 });
    await page.getByRole("button", { name: "All logs" }).waitFor();
    expect(await page.getByRole("button", { name: "Roll back" }).count()).toBe(0);

    await page.goto(`${url}/applications/catalog`);
    await page.getByRole("tab", { name: /Deployment groups/ }).waitFor();
    expect(await page.getByRole("link", { name: "Deploy", exact: true }).count()).toBe(0);
    expect(await page.getByRole("link", { name: "New deployment group" }).count()).toBe(0);
    await page.getByRole("tab", { name: /Revisions/ }).click();
    await page.getByRole("table", { name: "Revisions" }).waitFor();
    expect(await page.getByTestId("revision-dropzone").count()).toBe(0);
    expect(await page.getByRole("link", { name: "Deploy", exact: true }).count()).toBe(0);

    await page.goto(`${url}/applications/catalog/deploy`);
    await page.getByText("Your role cannot start deployments").waitFor();
    await page.goto(`${url}/hosts`);
    await page.getByRole("heading", { name: "Hosts" }).waitFor();
    expect(await page.getByRole("button", { name: "Add a host" }).count()).toBe(0);
    expect(browser.problems).toEqual([]);

    const viewer = await apiAs(url, VIEWER.email, VIEWER.password);
    await expect(viewer.api.deployments.stop.mutate({ deploymentId })).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    await expect(viewer.api.deployments.rollback.mutate({ deploymentId })).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    const upload = await fetch(`${url}/api/revisions?application=catalog`, {
      method: "POST",
      headers: { cookie: viewer.cookie, "content-type": "application/zip", origin: url },
      body: new Uint8Array(await hookBundle("nope")),
    });
    expect(upload.status).toBe(403);
  });
});
