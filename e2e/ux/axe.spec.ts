/**
 * Issue 16: axe (axe-core through @axe-core/playwright, all rules, every impact) on the main
 * pages of every persona, plus the phone width (390 px) for the partner's upload and
 * environment pages and the reviewer's queue. Zero violations is the bar; no rule is
 * disabled. A failure lists each violation with its rule, impact and the elements.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { signIn } from "../helpers/auth";
import { acmeChain } from "../submissions/material";

type Persona = "partner@acme.test" | "partner@globex.test" | "reviewer1@certdesk.test" | "support@certdesk.test" | "admin@certdesk.test";
const PHONE = { width: 390, height: 844 };
const state: { acmeCheckout?: string; submissionId?: string } = {};

// Up to eight pages a test, each analysed in full: more than the default minute on two shared cores.
test.describe.configure({ mode: "serial", timeout: 180_000 });

async function as(browser: Browser, email: Persona, viewport?: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ timezoneId: "UTC", ...(viewport ? { viewport } : {}) });
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

/** Runs axe on the page as it is now; fails with a readable list of every violation. */
async function expectNoViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const lines = results.violations.map((v) => `${v.id} (${v.impact ?? "?"}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(" | ")}`);
  expect(lines, `axe on ${what} (${page.url()})`).toEqual([]);
}

async function audit(page: Page, paths: string[]): Promise<void> {
  for (const path of paths) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBeLessThan(400);
    await expectNoViolations(page, path);
  }
}

async function appId(request: APIRequestContext, name: string): Promise<string> {
  const response = await request.get("/api/v1/apps", { headers: { authorization: "Bearer certdesk_demo_acme" } });
  const { apps } = (await response.json()) as { apps: { id: string; name: string }[] };
  return apps.find((a) => a.name === name)!.id;
}

test.beforeAll(async ({ request }) => {
  state.acmeCheckout = await appId(request, "Acme Checkout");
  // A submission in review (signature purpose of Acme Checkout's stage), so the submission and review pages have content.
  const chain = await acmeChain(`axe${Date.now().toString(36)}`);
  const response = await request.post(`/api/v1/apps/${state.acmeCheckout}/environments/stage/submissions`, {
    headers: { authorization: "Bearer certdesk_demo_acme" },
    multipart: { files: { name: "chain.pem", mimeType: "application/x-pem-file", buffer: Buffer.from(chain.pem) }, purpose: "signature" },
  });
  if (response.status() === 201) state.submissionId = ((await response.json()) as { id: string }).id;
});

test("sign-in page (anonymous)", async ({ page }) => {
  await page.goto("/signin");
  await expectNoViolations(page, "sign-in");
});

test("partner: apps, environments, upload, submission, tokens, notifications", async ({ browser }) => {
  const page = await as(browser, "partner@acme.test");
  const env = `/apps/${state.acmeCheckout}/environments`;
  const paths = ["/apps", `/apps/${state.acmeCheckout}`, `${env}/stage`, `${env}/production`, `${env}/stage/submissions/new`, "/tokens", "/notifications", "/help", "/help/findings"];
  if (state.submissionId) paths.push(`${env}/stage/submissions/${state.submissionId}`);
  await audit(page, paths);
  // The two-step confirmation, opened, is checked too.
  await page.goto("/tokens");
  const summary = page.locator("details.danger-confirm summary").first();
  if ((await summary.count()) > 0) {
    await summary.click();
    await expectNoViolations(page, "tokens with a revocation confirmation open");
  }
});

test("partner (Globex, provider-ca-csr): upload page with the program summary and openssl commands", async ({ browser }) => {
  const page = await as(browser, "partner@globex.test");
  await page.goto("/apps");
  await page.getByRole("link", { name: /^Sandbox environment of Globex Cards/ }).click();
  await expectNoViolations(page, "Globex Cards sandbox");
  await page.getByRole("link", { name: "New submission" }).click();
  await page.getByText("How to make them with openssl").click();
  await expectNoViolations(page, "Globex Cards upload with commands open");
});

test("reviewer: queue, a review page, notifications", async ({ browser }) => {
  const page = await as(browser, "reviewer1@certdesk.test");
  await audit(page, ["/reviews", "/notifications", `/apps/${state.acmeCheckout}`, "/help"]);
  // Our own submission when the slot was free, else the first one in the queue.
  await page.goto("/reviews");
  const first = page.locator('main a[href^="/reviews/"]').first();
  const review = state.submissionId ? `/reviews/${state.submissionId}` : (await first.count()) > 0 ? await first.getAttribute("href") : null;
  expect(review, "a submission to review").toBeTruthy();
  await audit(page, [review!]);
});

test("support: enablements, schedule, windows, expiring", async ({ browser }) => {
  const page = await as(browser, "support@certdesk.test");
  await audit(page, ["/support", "/support/schedule", "/support/windows", "/support/windows?view=month", "/support/expiring"]);
});

test("admin: overview, apps, audit, organisations, outbox, programs, a program, users", async ({ browser }) => {
  const page = await as(browser, "admin@certdesk.test");
  await audit(page, ["/admin", "/admin/apps", "/admin/audit", "/admin/organisations", "/admin/outbox", "/admin/programs", "/admin/programs/self-signed-allowed", "/admin/users"]);
});

test("phone (390 px): the partner's upload and environment pages, the reviewer's queue", async ({ browser }) => {
  const partner = await as(browser, "partner@acme.test", PHONE);
  await audit(partner, [`/apps/${state.acmeCheckout}/environments/stage`, `/apps/${state.acmeCheckout}/environments/stage/submissions/new`]);
  const reviewer = await as(browser, "reviewer1@certdesk.test", PHONE);
  await audit(reviewer, ["/reviews"]);
});
