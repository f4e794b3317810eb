/**
 * Issue 16 item 7: phones and narrow windows. At 390 × 844 the partner's apps grid,
 * environment page, upload page and certificate page never scroll sideways, the primary
 * link of every row stays on screen (cards, or a column that does not scroll away), long
 * subjects wrap into a few lines, and axe reports nothing at that size. At 1366 px the
 * audit trail's table fits its container and its page links keep the filters.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import { signedInPage, signIn } from "../helpers/auth";
import { acmeChain } from "../submissions/material";

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 900 };
const ACME = { authorization: "Bearer certdesk_demo_acme" };
const state: { appId?: string; submissionId?: string; subject?: string } = {};

test.describe.configure({ mode: "serial" });

const as = (browser: Browser, email: string, viewport: { width: number; height: number }): Promise<Page> => signedInPage(browser, email, { viewport });

async function expectNoViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const lines = results.violations.map((v) => `${v.id} (${v.impact ?? "?"}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(" | ")}`);
  expect(lines, `axe on ${what} at 390 px (${page.url()})`).toEqual([]);
}

/** The page itself never scrolls sideways (tables may, inside their own region). */
async function expectNoSidewaysScroll(page: Page, what: string): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${what}: page width at 390 px`).toBeLessThanOrEqual(PHONE.width);
}

/** Visible and wholly on screen, not scrolled away to the right inside a table region. */
async function expectOnScreen(link: Locator, what: string): Promise<void> {
  await expect(link, what).toBeVisible();
  const box = await link.boundingBox();
  expect(box, what).not.toBeNull();
  expect(box!.x, `${what}: left edge`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${what}: right edge`).toBeLessThanOrEqual(PHONE.width);
}

/** How many lines an element's text takes. */
async function lines(element: Locator): Promise<number> {
  return element.evaluate((el) => {
    const lineHeight = parseFloat(getComputedStyle(el).lineHeight);
    return Math.round(el.getBoundingClientRect().height / lineHeight);
  });
}

test.beforeAll(async ({ request }) => {
  const response = await request.get("/api/v1/apps", { headers: ACME });
  const { apps } = (await response.json()) as { apps: { id: string; name: string }[] };
  state.appId = apps.find((a) => a.name === "Acme Checkout")!.id;
  // A draft (it holds no review slot, and a later upload may replace it) whose long subject
  // gives the environment page a certificate row and the certificate page something to wrap.
  const label = `narrow ${Date.now().toString(36)} partner app`;
  const chain = await acmeChain(label);
  const upload = await request.post(`/api/v1/apps/${state.appId}/environments/stage/submissions`, {
    headers: ACME,
    multipart: { files: { name: "chain.pem", mimeType: "application/x-pem-file", buffer: Buffer.from(chain.pem) }, purpose: "mtls", draft: "true" },
  });
  expect(upload.status(), await upload.text()).toBe(201);
  state.submissionId = ((await upload.json()) as { id: string }).id;
  state.subject = `Acme Payments ${label} Client`;
});

test.afterAll(async ({ request }) => {
  // Leave the slot as it was: discard the draft.
  if (state.submissionId) await request.post(`/api/v1/submissions/${state.submissionId}/withdraw`, { headers: ACME });
});

test("phone: the apps grid keeps every environment link on screen", async ({ browser }) => {
  const page = await as(browser, "partner@acme.test", PHONE);
  await page.goto("/apps");
  await expectNoSidewaysScroll(page, "apps grid");
  const cells = page.getByRole("link", { name: / environment of / });
  expect(await cells.count()).toBeGreaterThan(0);
  for (const cell of await cells.all()) await expectOnScreen(cell, `apps grid: ${await cell.innerText()}`);
  await expectNoViolations(page, "apps grid");
});

test("phone: the environment page shows each certificate as a card with its link, and the subject wraps into a few lines", async ({ browser }) => {
  const page = await as(browser, "partner@acme.test", PHONE);
  await page.goto(`/apps/${state.appId}/environments/stage`);
  await expectNoSidewaysScroll(page, "environment page");

  const certificates = page.getByRole("region", { name: "Client certificates", exact: true });
  const rows = certificates.locator("tbody tr");
  expect(await rows.count()).toBeGreaterThan(0);
  for (const row of await rows.all()) await expectOnScreen(row.getByRole("link").first(), "certificate row's subject link");
  const ours = certificates.getByRole("link", { name: new RegExp(state.subject!) });
  await expectOnScreen(ours, "the long subject");
  // The card gives the subject the full width (a squeezed column folded it into seven lines).
  const [cell, region] = [await ours.locator("xpath=ancestor::td[1]").boundingBox(), await certificates.boundingBox()];
  expect(cell!.width, "the subject cell's width").toBeGreaterThanOrEqual(region!.width * 0.9);
  expect(await lines(ours), "the long subject's lines").toBeLessThanOrEqual(4);
  // The other columns read as labelled lines of the card, not as a squeezed column.
  await expect(certificates.locator("tbody tr").filter({ hasText: state.subject! }).locator('td[data-label="SHA-256 fingerprint"]')).toBeVisible();

  const submissions = page.getByRole("region", { name: "Submissions", exact: true });
  for (const row of await submissions.locator("tbody tr").all()) await expectOnScreen(row.getByRole("link").first(), "submission row's link");
  await expectNoViolations(page, "environment page");
});

test("phone: the upload page fits", async ({ browser }) => {
  const page = await as(browser, "partner@acme.test", PHONE);
  await page.goto(`/apps/${state.appId}/environments/stage/submissions/new`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expectNoSidewaysScroll(page, "upload page");
  await expectNoViolations(page, "upload page");
});

test("phone: the certificate page fits, its subject wraps, its links stay on screen", async ({ browser }) => {
  const page = await as(browser, "partner@acme.test", PHONE);
  await page.goto(`/apps/${state.appId}/environments/stage`);
  await page.getByRole("region", { name: "Client certificates", exact: true }).getByRole("link", { name: new RegExp(state.subject!) }).click();
  await expect(page).toHaveURL(/\/certificates\/[0-9a-f-]{36}$/);
  await expectNoSidewaysScroll(page, "certificate page");
  const subject = page.getByRole("definition").filter({ hasText: state.subject! });
  await expect(subject).toBeVisible();
  expect(await lines(subject), "the subject's lines").toBeLessThanOrEqual(4);
  for (const link of await page.getByRole("main").getByRole("link").all()) await expectOnScreen(link, `certificate page link ${await link.innerText()}`);
  await expectNoViolations(page, "certificate page");
});

test("laptop: the audit trail's table fits its container, and its pages keep the filters", async ({ browser }) => {
  // Enough sign-ins for two pages of ten, whatever ran before.
  for (let i = 0; i < 11; i++) {
    const context = await browser.newContext();
    await signIn(await context.newPage(), "partner@globex.test");
    await context.close();
  }
  const page = await as(browser, "admin@certdesk.test", LAPTOP);

  // Unfiltered, 50 a page: the widest details fit without a sideways scroll.
  await page.goto("/admin/audit");
  const region = page.getByRole("region", { name: "Audit events" });
  await expect(region.locator("caption")).toContainText(/^Showing 1–\d+ of \d+ events, newest first$/);
  const fits = () => region.evaluate((el) => el.scrollWidth <= el.clientWidth);
  expect(await fits(), "the table is no wider than its region at 1366 px").toBe(true);
  const [tableBox, regionBox] = [await region.locator("table").boundingBox(), await region.boundingBox()];
  expect(tableBox!.x + tableBox!.width).toBeLessThanOrEqual(regionBox!.x + regionBox!.width + 1);
  const shown = await region.locator("tbody tr").count();
  expect(shown).toBeLessThanOrEqual(50);

  await page.goto("/admin/audit?action=auth.sign-in&size=10");
  const caption = region.locator("caption");
  await expect(caption).toContainText(/^Showing 1–10 of \d+ events matching the filters, newest first$/);
  const total = Number((await caption.innerText()).match(/of (\d+) events/)![1]);
  expect(total).toBeGreaterThanOrEqual(11);
  expect(await fits()).toBe(true);
  const seqs = async () => (await region.locator("tbody tr td:first-child").allInnerTexts()).map(Number);
  const actions = () => region.locator('tbody td[data-label="Action"]').allInnerTexts();
  const first = await seqs();
  expect(first).toHaveLength(10);
  expect(new Set(await actions())).toEqual(new Set(["auth.sign-in"]));

  const pages = page.getByRole("navigation", { name: "Pages of audit events" });
  await expect(pages.locator('[aria-current="page"]')).toHaveText("Page 1");
  await pages.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/[?&]page=2(&|$)/);
  const url = new URL(page.url());
  expect(url.searchParams.get("action")).toBe("auth.sign-in");
  expect(url.searchParams.get("size")).toBe("10");
  await expect(caption).toContainText(new RegExp(`^Showing 11–${Math.min(20, total)} of ${total} events matching the filters`));
  const second = await seqs();
  expect(Math.max(...second)).toBeLessThan(Math.min(...first));
  expect(new Set(await actions())).toEqual(new Set(["auth.sign-in"]));
  await expect(page.getByLabel("Action (or prefix)")).toHaveValue("auth.sign-in");

  // Filtering again from page 2 keeps the size and starts at page 1.
  await page.getByLabel("Actor e-mail contains").fill("globex");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/size=10/);
  expect(new URL(page.url()).searchParams.get("page")).toBeNull();
  await expect(caption).toContainText(/^Showing 1–10 of \d+ events matching the filters/);

  await pages.getByRole("link", { name: "Page 2" }).click();
  await expect(caption).toContainText(/^Showing 11–/);
  expect(new URL(page.url()).searchParams.get("actor")).toBe("globex");
});
