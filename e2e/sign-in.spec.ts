import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, type BrowserSession } from "./support/browser";
import { startStack, TEST_ADMIN, type Stack } from "./support/stack";

/** Signing in and out: clear messages for a wrong password and for too many attempts, and a return to the page asked for. */
let stack: Stack;
let browser: BrowserSession;

beforeAll(async () => {
  stack = await startStack();
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function attempt(email: string, password: string): Promise<void> {
  const { page } = browser;
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

describe("signing in", () => {
  it("explains a wrong password and a rate limit, then returns the user to the page they asked for", async () => {
    const { page } = browser;
    const url = stack.server.url;
    await page.goto(`${url}/deployments`);
    await page.waitForURL(`${url}/sign-in?next=%2Fdeployments`);
    await page.getByRole("heading", { name: "Sign in to Landline" }).waitFor();

    await attempt("mallory@example.com", "guess-number-1");
    await page.getByRole("alert").getByText("Wrong email or password").waitFor();
    for (let i = 2; i <= 5; i++) await attempt("mallory@example.com", `guess-number-${i}`);
    await attempt("mallory@example.com", "guess-number-6");
    await page
      .getByRole("alert")
      .getByText(/Too many failed sign-ins; try again in \d+ minutes?/)
      .waitFor();

    await attempt(TEST_ADMIN.email, TEST_ADMIN.password);
    await page.waitForURL(`${url}/deployments`);
    await page.getByRole("heading", { name: "Deployments" }).waitFor();

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${url}/sign-in`);
    await page.goto(`${url}/hosts`);
    await page.waitForURL(/\/sign-in\?next=%2Fhosts/);
    // Refused sign-ins are 401/429 answers the browser reports on the console; nothing else may fail.
    expect(browser.problems.filter((p) => !/status of (401|429)/.test(p))).toEqual([]);
  });
});
