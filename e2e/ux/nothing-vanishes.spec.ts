/**
 * Issue 16 item 3, "nothing vanishes", as a partner meets it on Acme Checkout's stage (mTLS):
 * - an upload whose verdict has errors is stored as `rejected` and keeps its URL, with a status
 *   bar that shows only the path it can still take ("upload a corrected chain");
 * - the upload page says which draft a new upload supersedes, before the upload;
 * - the superseded draft stays readable, marked superseded, linking the newer upload;
 * - the environment page lists every attempt with its verdict, date and link.
 * Leaves the slot as it found it: the last draft is withdrawn afterwards (rejected and superseded
 * uploads stay as records and block nothing).
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { signIn } from "../helpers/auth";
import { acmeChain, TempFiles } from "../submissions/material";

const TOKEN = { authorization: "Bearer certdesk_demo_acme" };
const files = new TempFiles();
const run = Date.now().toString(36);
const state: { appId?: string; rejected?: string; first?: string; second?: string } = {};

test.describe.configure({ mode: "serial" });

async function acmeCheckout(request: APIRequestContext): Promise<string> {
  const response = await request.get("/api/v1/apps", { headers: TOKEN });
  expect(response.status()).toBe(200);
  const { apps } = (await response.json()) as { apps: { id: string; name: string }[] };
  return apps.find((a) => a.name === "Acme Checkout")!.id;
}

test.beforeAll(async ({ request }) => {
  state.appId = await acmeCheckout(request);
});

test.afterAll(async ({ request }) => {
  files.remove();
  // The last draft would be superseded by the next journey's upload; withdraw it so the slot is as it was.
  if (state.second) await request.post(`/api/v1/submissions/${state.second}/withdraw`, { headers: TOKEN });
});

const envPath = () => `/apps/${state.appId}/environments/stage`;

/** Uploads through the portal's upload page and returns the new submission's id (from its URL). */
async function upload(page: Page, name: string, pem: string): Promise<string> {
  await page.getByLabel("Choose files").setInputFiles([files.write(name, pem)]);
  await page.getByRole("button", { name: "Upload and check" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /Submission for Acme Checkout/ })).toBeVisible();
  const id = /\/submissions\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
  expect(id, page.url()).toBeTruthy();
  return id!;
}

async function noAxeViolations(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

test("a rejected upload is stored as Rejected, keeps its URL, and its status bar shows only what it can still take", async ({ page }) => {
  const bad = await acmeChain(`nv-bad-${run}`);
  await signIn(page, "partner@acme.test");
  await page.goto(`${envPath()}/submissions/new`);
  state.rejected = await upload(page, "reversed.pem", bad.reversedPem);

  await expect(page.getByTestId("submission-status")).toHaveText("Rejected");
  await expect(page.locator('[data-code="CHAIN_ORDER"]')).toBeVisible();
  const bar = page.getByTestId("status-path").getByRole("listitem");
  await expect(bar).toHaveText([/Uploaded/, /Rejected by the checks/]);
  await expect(page.getByTestId("status-path").locator('[aria-current="step"]')).toHaveText(/Rejected by the checks/);
  await expect(page.getByTestId("status-next")).toContainText("upload a corrected chain");
  await expect(page.getByRole("button", { name: "Submit for review" })).toHaveCount(0);
  await noAxeViolations(page);

  // The same URL answers later, in a new visit: nothing vanished.
  await page.goto(envPath());
  await page.goto(`${envPath()}/submissions/${state.rejected}`);
  await expect(page.getByTestId("submission-status")).toHaveText("Rejected");
});

test("the upload page names the draft a new upload supersedes; the superseded draft stays, and the environment page lists every attempt", async ({ page }) => {
  const first = await acmeChain(`nv-first-${run}`);
  const second = await acmeChain(`nv-second-${run}`);
  await signIn(page, "partner@acme.test");

  await page.goto(`${envPath()}/submissions/new`);
  state.first = await upload(page, "first.pem", first.pem);
  await expect(page.getByTestId("submission-status")).toHaveText("Draft");
  await expect(page.getByTestId("status-path").getByRole("listitem")).toHaveText([/Uploaded/, /Draft/, /In review/, /Approved/, /Active/]);

  // Before the next upload, the page says which draft it would supersede, with a link to it.
  await page.goto(`${envPath()}/submissions/new`);
  const notice = page.getByTestId("supersede-notice");
  await expect(notice).toContainText("This upload supersedes your unsent draft");
  await expect(notice.locator(`a[href$="/submissions/${state.first}"]`)).toBeVisible();
  // The rejected upload is no draft: it is not offered as superseded.
  await expect(notice.locator(`a[href$="/submissions/${state.rejected}"]`)).toHaveCount(0);
  await noAxeViolations(page);
  state.second = await upload(page, "second.pem", second.pem);
  await expect(page.getByTestId("submission-status")).toHaveText("Draft");
  await expect(page.getByText("This upload superseded your earlier draft")).toBeVisible();

  // The superseded draft keeps its URL, says what happened and links the newer upload.
  await page.goto(`${envPath()}/submissions/${state.first}`);
  await expect(page.getByTestId("submission-status")).toHaveText("Superseded by a newer upload");
  await expect(page.getByTestId("superseded-notice").getByRole("link", { name: "Open the newer upload" })).toHaveAttribute("href", new RegExp(`/submissions/${state.second}$`));
  await expect(page.getByRole("button", { name: "Submit for review" })).toHaveCount(0);
  await noAxeViolations(page);

  // The environment page lists all three attempts, each with its verdict, date and link.
  await page.goto(envPath());
  const attempts = page.getByTestId("attempts");
  const row = (id: string) => attempts.locator("tr", { has: page.locator(`a[href$="/submissions/${id}"]`) });
  await expect(row(state.rejected!)).toContainText("Rejected");
  await expect(row(state.rejected!)).toContainText(/\d+ errors?/);
  await expect(row(state.first!)).toContainText("Accepted");
  await expect(row(state.first!)).toContainText("Superseded by a newer upload");
  await expect(row(state.second!)).toContainText("Accepted");
  await expect(row(state.second!)).toContainText("Draft");
  for (const id of [state.rejected!, state.first!, state.second!]) await expect(row(id).locator("time")).toHaveCount(1);
  await noAxeViolations(page);
  // Each link opens its own attempt.
  await row(state.rejected!).locator(`a[href$="/submissions/${state.rejected}"]`).click();
  await expect(page).toHaveURL(new RegExp(`/submissions/${state.rejected}$`));
  await expect(page.getByTestId("submission-status")).toHaveText("Rejected");
});
