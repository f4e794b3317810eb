/**
 * Issue 16 items 7–9: navigation without dead ends and help where it is needed.
 * - Every persona follows every breadcrumb on the app, environment, submission and
 *   certificate pages (and the admin's program page, the help) and never meets a 403.
 * - A verdict's finding code opens its entry in the help; /help pages pass axe.
 * - The tokens page links to the API docs, copies a new token and sets its expiry.
 * - The phone header is compact; the admin header fits one row at 1366 px.
 * Leaves the slots as it found them: the draft it creates is discarded afterwards.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { signIn } from "../helpers/auth";
import { acmeChain, TempFiles } from "../submissions/material";

type Persona = "partner@acme.test" | "reviewer1@certdesk.test" | "support@certdesk.test" | "admin@certdesk.test";
const PERSONAS: Persona[] = ["partner@acme.test", "reviewer1@certdesk.test", "support@certdesk.test", "admin@certdesk.test"];
const TOKEN = { authorization: "Bearer certdesk_demo_acme" };
const files = new TempFiles();
const state: { appId?: string; submissionId?: string; certificatePath?: string } = {};

test.describe.configure({ mode: "serial" });

async function as(browser: Browser, email: string, options: { viewport?: { width: number; height: number }; clipboard?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({
    timezoneId: "UTC",
    ...(options.viewport ? { viewport: options.viewport } : {}),
    ...(options.clipboard ? { permissions: ["clipboard-read", "clipboard-write"] } : {}),
  });
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

async function acmeCheckout(request: APIRequestContext): Promise<string> {
  const response = await request.get("/api/v1/apps", { headers: TOKEN });
  const { apps } = (await response.json()) as { apps: { id: string; name: string }[] };
  return apps.find((a) => a.name === "Acme Checkout")!.id;
}

test.beforeAll(async ({ request }) => {
  state.appId = await acmeCheckout(request);
  // A draft (blocks no slot), so there is a submission page and a certificate page to reach.
  const chain = await acmeChain(`nav${Date.now().toString(36)}`);
  const response = await request.post(`/api/v1/apps/${state.appId}/environments/stage/submissions`, {
    headers: TOKEN,
    multipart: { files: { name: "chain.pem", mimeType: "application/x-pem-file", buffer: Buffer.from(chain.pem) }, draft: "true" },
  });
  expect(response.status(), await response.text()).toBe(201);
  state.submissionId = ((await response.json()) as { id: string }).id;
});

test.afterAll(async ({ request }) => {
  files.remove();
  if (state.submissionId) await request.post(`/api/v1/submissions/${state.submissionId}/withdraw`, { headers: TOKEN });
});

const crumbLinks = (page: Page) => page.locator('nav[aria-label="Breadcrumb"] a');

for (const persona of PERSONAS) {
  test(`${persona}: every breadcrumb on the pages they reach opens (no 403)`, async ({ browser }) => {
    const page = await as(browser, persona);
    const env = `/apps/${state.appId}/environments/stage`;
    const pages = [`/apps/${state.appId}`, env, `${env}/submissions/${state.submissionId}`, `/submissions/${state.submissionId}`, "/help/findings"];
    if (persona === "partner@acme.test") pages.push(`${env}/submissions/new`);
    if (persona === "admin@certdesk.test") pages.push("/admin/programs/self-signed-allowed");
    // The certificate page, found from the environment page as a user would.
    await page.goto(env);
    const certificate = await page.locator('main a[href^="/certificates/"]').first().getAttribute("href");
    expect(certificate, "a certificate link on the environment page").toBeTruthy();
    pages.push(certificate!);

    const followed = new Set<string>();
    for (const path of pages) {
      const response = await page.goto(path);
      expect(response?.status(), `${persona} opens ${path}`).toBeLessThan(400);
      const hrefs = await crumbLinks(page).evaluateAll((links) => links.map((a) => a.getAttribute("href")!));
      if (!path.startsWith("/submissions/")) expect(hrefs.length, `breadcrumbs on ${path}`).toBeGreaterThan(0);
      for (const href of hrefs) followed.add(href);
    }
    for (const href of followed) {
      const response = await page.goto(href);
      expect(response?.status(), `${persona}: breadcrumb ${href}`).not.toBe(403);
      expect(response?.status(), `${persona}: breadcrumb ${href}`).toBeLessThan(400);
    }
    // Staff never get the partners-only /apps; the app page is in every trail.
    if (persona !== "partner@acme.test") expect([...followed]).not.toContain("/apps");
    expect([...followed]).toContain(`/apps/${state.appId}`);
    await page.context().close();
  });
}

test("the app page shows each environment with its certificates in service and latest submissions, ids linked", async ({ browser }) => {
  const page = await as(browser, "reviewer1@certdesk.test");
  await page.goto(`/apps/${state.appId}`);
  await expect(page.getByRole("heading", { level: 1, name: "Acme Checkout" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: /Stage/ })).toBeVisible();
  const latest = page.getByRole("region", { name: "Latest submissions, Stage" });
  await expect(latest.locator(`a[href$="/submissions/${state.submissionId}"]`)).toBeVisible();
  // A submission id alone resolves to its page.
  await page.goto(`/submissions/${state.submissionId}`);
  await expect(page).toHaveURL(new RegExp(`/apps/${state.appId}/environments/stage/submissions/${state.submissionId}$`));
  await page.context().close();
});

test("a finding code in a verdict opens its entry in the help", async ({ browser }) => {
  const page = await as(browser, "partner@acme.test");
  const chain = await acmeChain(`navrev${Date.now().toString(36)}`);
  await page.goto(`/apps/${state.appId}/environments/stage/submissions/new`);
  // Root first: the program wants the leaf first, so the verdict carries a finding.
  await page.getByLabel("Choose files").setInputFiles([files.write("reversed-chain.pem", chain.reversedPem)]);
  await page.getByRole("button", { name: "Upload and check" }).click();
  const code = page.locator('a[href^="/help/findings#"]').first();
  await expect(code).toBeVisible();
  const href = (await code.getAttribute("href"))!;
  const anchor = decodeURIComponent(href.split("#")[1]!);
  expect(anchor).toMatch(/^[A-Z][A-Z0-9_]+$/);
  // A stored upload (a draft or a rejected record) is discarded afterwards; it never blocks a slot.
  const stored = /\/submissions\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
  await code.click();
  await expect(page).toHaveURL(new RegExp(`/help/findings#${anchor}$`));
  await expect(page.locator(`[id="${anchor}"]`)).toBeVisible();
  await expect(page.locator(`[id="${anchor}"]`)).toHaveText(anchor);
  if (stored) await page.request.post(`/api/v1/submissions/${stored}/withdraw`, { headers: TOKEN });
  await page.context().close();
});

test("help pages render docs/ and have zero axe violations", async ({ browser }) => {
  // Nine pages, the findings reference among them (about 60 entries): axe takes a while on two cores.
  test.setTimeout(300_000);
  const page = await as(browser, "partner@acme.test");
  await page.goto("/help");
  const topics = await page.getByRole("list", { name: "Help topics" }).locator("a").evaluateAll((links) => links.map((a) => a.getAttribute("href")!));
  for (const required of ["/help/findings", "/help/programs", "/help/api", "/help/lifecycle"]) expect(topics).toContain(required);
  for (const path of ["/help", ...topics]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    const results = await new AxeBuilder({ page }).analyze();
    const lines = results.violations.map((v) => `${v.id} (${v.impact ?? "?"}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(" | ")}`);
    expect(lines, `axe on ${path}`).toEqual([]);
  }
  // Program headings carry the program's id; links between documents stay inside the help.
  await page.goto("/help/programs#ca-chain");
  await expect(page.locator('[id="ca-chain"]')).toBeVisible();
  await expect(page.locator('main a[href$=".md"]')).toHaveCount(0);
  await page.context().close();
});

test("tokens: link to the API docs, copy the new token, optional expiry shown and the token working before it (the refusal after it: app/api/v1/token-expiry.test.ts)", async ({ browser }) => {
  const page = await as(browser, "partner@acme.test", { clipboard: true });
  await page.goto("/tokens");
  await page.getByRole("link", { name: "Partner API documentation" }).click();
  await expect(page).toHaveURL(/\/help\/api$/);
  await expect(page.getByRole("heading", { level: 1, name: "Partner API" })).toBeVisible();

  // A past day is refused with a clear message.
  await page.goto("/tokens");
  await page.getByLabel("Token name").fill("nav-help past");
  await page.getByLabel("Expires after (optional)").fill("2020-01-01");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByText("The expiry date is in the past")).toBeVisible();

  const day = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const name = `nav-help ${Date.now().toString(36)}`;
  await page.getByLabel("Token name").fill(name);
  await page.getByLabel("Expires after (optional)").fill(day);
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("new-token").textContent())!.trim();
  expect(secret).toMatch(/^certdesk_/);
  await expect(page.getByText(`Expires ${day} 23:59 UTC.`)).toBeVisible();
  await page.getByRole("button", { name: "Copy token" }).click();
  await expect(page.getByText("Copied to the clipboard.")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

  // The list shows the expiry; the token works before it.
  await page.reload();
  const row = page.locator("tr", { hasText: name });
  await expect(row).toContainText(`${day} 23:59 UTC`);
  const api = await page.request.get("/api/v1/apps", { headers: { authorization: `Bearer ${secret}` } });
  expect(api.status()).toBe(200);
  await page.context().close();
});

/** Vertical extents of the header's controls: one row when every box overlaps every other vertically. */
async function headerRows(page: Page): Promise<{ boxes: { top: number; bottom: number; right: number; text: string }[]; height: number; scrollWidth: number }> {
  return page.evaluate(() => {
    const header = document.querySelector<HTMLElement>(".site-header")!;
    const boxes = [...header.querySelectorAll<HTMLElement>(".brand, .nav a, .account a, .account button")].map((e) => {
      const r = e.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, right: r.right, text: e.textContent ?? "" };
    });
    // The header's own width (the page below may have wide tables of its own).
    return { boxes, height: header.getBoundingClientRect().height, scrollWidth: header.scrollWidth };
  });
}

function oneRow(boxes: { top: number; bottom: number }[]): boolean {
  const lowestTop = Math.max(...boxes.map((b) => b.top));
  const highestBottom = Math.min(...boxes.map((b) => b.bottom));
  return lowestTop < highestBottom;
}

test("the admin's header fits one row at 1366 px", async ({ browser }) => {
  const page = await as(browser, "admin@certdesk.test", { viewport: { width: 1366, height: 768 } });
  await page.goto("/admin");
  const { boxes, scrollWidth } = await headerRows(page);
  expect(boxes.length).toBeGreaterThan(12);
  expect(oneRow(boxes), JSON.stringify(boxes)).toBe(true);
  expect(scrollWidth).toBeLessThanOrEqual(1366);
  await page.context().close();
});

for (const persona of ["partner@acme.test", "reviewer1@certdesk.test", "admin@certdesk.test"] as const) {
  test(`${persona}: a compact header at 390 px (two rows, the header never wider than the screen)`, async ({ browser }) => {
    const page = await as(browser, persona, { viewport: { width: 390, height: 844 } });
    const { boxes, height, scrollWidth } = await headerRows(page);
    // Brand and account on the first row, the navigation on one row below it.
    const nav = boxes.filter((b) => !/^(Certdesk|Help|Sign out)$/.test(b.text.trim()));
    const top = boxes.filter((b) => /^(Certdesk|Help|Sign out)$/.test(b.text.trim()));
    expect(top).toHaveLength(3);
    expect(oneRow(top), JSON.stringify(top)).toBe(true);
    for (const box of top) expect(box.right, box.text).toBeLessThanOrEqual(390);
    expect(oneRow(nav), JSON.stringify(nav)).toBe(true);
    expect(height).toBeLessThanOrEqual(110);
    expect(scrollWidth).toBeLessThanOrEqual(390);
    // Every navigation link is still reachable: the row scrolls.
    const last = page.locator(".nav a").last();
    await last.scrollIntoViewIfNeeded();
    await expect(last).toBeInViewport();
    await page.context().close();
  });
}
