/**
 * Expiry and renewal in real Chromium (issue 14). A certificate minted backdated so that it
 * expires in 25 days goes through upload → review → immediate enablement in Acme Checkout's
 * stage environment; the in-process job runner (every minute) activates it and sends the
 * 30-day reminder. The partner sees `urgent` with the days left, the reminder in
 * notifications, the admin sees the e-mail in the outbox. Then Renew: a linked submission,
 * approved and enabled; both certificates are trusted during the overlap (the old one
 * "retiring", with its retirement time). Serial: each step builds on the one before.
 */
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { signIn } from "../helpers/auth";
import { acmeChain, minted, TempFiles } from "../submissions/material";
import { mintCertificate, qcStatementsExtension } from "../../lib/pki/testing/factory";

const DAY = 86_400_000;
const files = new TempFiles();
const state: { appId?: string; oldSubject?: string; oldSubmission?: string; oldCertificate?: string; newSubject?: string; newSubmission?: string } = {};

test.describe.configure({ mode: "serial" });
test.afterAll(() => files.remove());

async function as(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

async function acmeCheckout(request: APIRequestContext): Promise<string> {
  const response = await request.get("/api/v1/apps", { headers: { authorization: "Bearer certdesk_demo_acme" } });
  const { apps } = (await response.json()) as { apps: { id: string; name: string }[] };
  return apps.find((a) => a.name === "Acme Checkout")!.id;
}

/** A self-signed chain whose leaf was issued 340 days ago and expires 25 days from now (365 days in all). */
async function expiringChain(label: string) {
  const now = Date.now();
  const at = new Date(now - 341 * DAY);
  const root = await mintCertificate({ subject: `CN=Acme Payments ${label} Root CA, O=Acme Payments Ltd`, ca: true, at, notBefore: at, notAfter: new Date(now + 3000 * DAY), keyLabel: `e2e:${label}:root` });
  const ica = await mintCertificate({ subject: `CN=Acme Payments ${label} Issuing CA, O=Acme Payments Ltd`, ca: true, issuer: root, at, notBefore: at, notAfter: new Date(now + 2000 * DAY), keyLabel: `e2e:${label}:ica` });
  const leaf = await mintCertificate({
    subject: `CN=Acme Payments ${label} Client, 2.5.4.97=PSDGB-FCA-654321, O=Acme Payments Ltd`,
    issuer: ica,
    at,
    notBefore: new Date(now - 340 * DAY),
    notAfter: new Date(now + 25 * DAY),
    keyLabel: `e2e:${label}:leaf`,
    extensions: [qcStatementsExtension({ roles: ["PSP_AI", "PSP_PI"], ncaName: "Financial Conduct Authority", ncaId: "GB-FCA" })],
  });
  minted.push(root, ica, leaf);
  return { pem: leaf.pem + ica.pem + root.pem, subject: `Acme Payments ${label} Client` };
}

/** Uploads on the open "New submission" page, acknowledging the given warnings, and sends for review. */
async function uploadAndSubmit(page: Page, name: string, pem: string, warnings: string[] = []): Promise<string> {
  await page.getByLabel("Choose files").setInputFiles([files.write(name, pem)]);
  await page.getByRole("button", { name: "Upload and check" }).click();
  await expect(page.getByText("Accepted", { exact: true })).toBeVisible();
  for (const code of warnings) await page.getByRole("checkbox", { name: new RegExp(code) }).check();
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByTestId("submission-status")).toHaveText("In review");
  return page.url().split("/").pop()!;
}

async function approve(browser: Browser, submissionId: string, acknowledge: string[] = [], expectLinked = false): Promise<void> {
  const reviewer = await as(browser, "reviewer1@certdesk.test");
  await reviewer.goto(`/reviews/${submissionId}`);
  if (expectLinked) await expect(reviewer.getByRole("region", { name: "Comparison with the active certificate" })).toBeVisible();
  if (expectLinked) await expect(reviewer.getByText("this submission renews it (linked)", { exact: false })).toBeVisible();
  for (const code of acknowledge) {
    await reviewer.getByLabel(`Why ${code} is acceptable`).fill("Stage only; the partner renews at once.");
    await reviewer.getByRole("button", { name: `Acknowledge ${code}` }).click();
    await expect(reviewer.getByText("Stage only; the partner renews at once.", { exact: false })).toBeVisible();
  }
  await reviewer.getByRole("form", { name: "Your decision" }).getByRole("button", { name: "Approve" }).click();
  await expect(reviewer.getByText("This submission is approved; there is nothing to decide.")).toBeVisible();
}

async function enableNow(browser: Browser, subject: string): Promise<void> {
  const support = await as(browser, "support@certdesk.test");
  await support.goto("/support/schedule");
  const row = support.getByRole("region", { name: "Ready to schedule", exact: true }).getByRole("row").filter({ hasText: subject });
  await expect(row).toHaveCount(1);
  await row.getByRole("combobox").selectOption({ value: "immediate" });
  await row.getByRole("button", { name: "Schedule" }).click();
  await expect(support.getByRole("region", { name: "Ready to schedule", exact: true }).getByRole("row").filter({ hasText: subject })).toHaveCount(0);
}

/** The in-process runner ticks every minute: reload until `check` passes. */
async function eventually(page: Page, check: () => Promise<void>): Promise<void> {
  await expect(async () => {
    await page.reload();
    await check();
  }).toPass({ timeout: 150_000, intervals: [3_000] });
}

test("a certificate expiring in 25 days is enabled in stage; the partner sees urgent, the reminder and the e-mail", async ({ browser, request }) => {
  test.setTimeout(300_000);
  state.appId = await acmeCheckout(request);
  const label = `expiry${Date.now().toString(36)}`;
  const chain = await expiringChain(label);
  state.oldSubject = chain.subject;

  const partner = await as(browser, "partner@acme.test");
  await partner.goto(`/apps/${state.appId}/environments/stage/submissions/new`);
  state.oldSubmission = await uploadAndSubmit(partner, "expiring.pem", chain.pem, ["LEAF_EXPIRES_SOON"]);
  await approve(browser, state.oldSubmission, ["LEAF_EXPIRES_SOON"]);
  await enableNow(browser, chain.subject);

  // Activated by the next run, and reminded in the same run: urgent, 25 days left, word and colour.
  await partner.goto(`/apps/${state.appId}/environments/stage`);
  await eventually(partner, async () => {
    await expect(partner.getByRole("definition").filter({ hasText: "urgent · 25 days left" })).toBeVisible({ timeout: 1_000 });
  });
  state.oldCertificate = (await partner.getByRole("link", { name: "Certificate details and renewal" }).getAttribute("href"))!.split("/").pop();
  await partner.goto("/apps");
  await expect(partner.locator('[data-expiry-state="urgent"]').filter({ hasText: "urgent · 25 days left" }).first()).toBeVisible();

  const title = "Acme Checkout Stage: certificate expires in 25 days (urgent)";
  await eventually(partner, async () => {
    await partner.goto("/notifications");
    await expect(partner.getByText(title)).toBeVisible({ timeout: 1_000 });
  });

  // The API agrees, with the reminder listed.
  const api = await request.get(`/api/v1/certificates/${state.oldCertificate}`, { headers: { authorization: "Bearer certdesk_demo_acme" } });
  expect(await api.json()).toMatchObject({ status: "active", expiry: { state: "urgent", daysLeft: 25 }, successorId: null, remindersSent: [{ days: 30 }] });

  const admin = await as(browser, "admin@certdesk.test");
  await admin.goto("/admin/outbox");
  await expect(admin.getByRole("list", { name: "E-mails" }).getByRole("listitem").filter({ hasText: `Certdesk: ${title}` })).toHaveCount(1);
});

test("Renew opens a linked submission; approved and enabled, both are trusted during the overlap", async ({ browser }) => {
  test.setTimeout(300_000);
  const partner = await as(browser, "partner@acme.test");
  await partner.goto(`/certificates/${state.oldCertificate}`);
  await expect(partner.getByText("urgent · 25 days left").first()).toBeVisible();
  await partner.getByRole("link", { name: "Renew" }).click();
  await expect(partner).toHaveURL(new RegExp(`/apps/${state.appId}/environments/stage/submissions/new\\?replaces=${state.oldCertificate}`));
  await expect(partner.getByRole("heading", { name: "Renewal", exact: true })).toBeVisible();
  const label = `renewal${Date.now().toString(36)}`;
  const chain = await acmeChain(label);
  state.newSubject = `Acme Payments ${label} Client`;
  state.newSubmission = await uploadAndSubmit(partner, "renewal.pem", chain.pem);

  // Linked: the old certificate has a successor in review, so no more reminders.
  await partner.goto(`/certificates/${state.oldCertificate}`);
  await expect(partner.getByText("Renewal under way: a successor is in review", { exact: false })).toBeVisible();

  await approve(browser, state.newSubmission, [], true);
  await enableNow(browser, state.newSubject);

  // Both trusted during the overlap: the new one active, the old one retiring until its retirement time.
  await partner.goto(`/certificates/${state.oldCertificate}`);
  await eventually(partner, async () => {
    await expect(partner.getByRole("definition").filter({ hasText: /^retiring/ })).toBeVisible({ timeout: 1_000 });
  });
  await expect(partner.getByRole("definition").filter({ hasText: /retires/ })).toBeVisible();
  const successorLink = partner.getByRole("definition").filter({ hasText: state.newSubject }).getByRole("link");
  await expect(successorLink).toBeVisible();
  await successorLink.click();
  await expect(partner.getByRole("definition").filter({ hasText: /^active/ })).toBeVisible();
  await expect(partner.getByRole("definition").filter({ hasText: state.oldSubject! })).toBeVisible();
  await partner.goto(`/apps/${state.appId}/environments/stage`);
  const table = partner.getByRole("region", { name: "Client certificates" });
  await expect(table.getByRole("row").filter({ hasText: state.newSubject })).toContainText("active");
  await expect(table.getByRole("row").filter({ hasText: state.oldSubject! })).toContainText("retiring");
});

test("clean-up: the partner revokes both (nothing stays in service for later journeys) and reads the notices", async ({ browser }) => {
  const partner = await as(browser, "partner@acme.test");
  await partner.goto(`/apps/${state.appId}/environments/stage`);
  for (const subject of [state.newSubject!, state.oldSubject!]) {
    // The form sits in a closed <details> (issue 16's two-step confirmation): find it by its label, hidden or not.
    const form = partner.locator(`form[aria-label^="Report key compromise for "][aria-label*="${subject.replace(/"/g, '\\"')}"]`);
    // The renewal is active, so it must be revocable; the old one may already have retired.
    if (subject === state.newSubject) await expect(form).toHaveCount(1);
    else if ((await form.count()) === 0) continue;
    // Issue 16: the revocation is a two-step confirmation (open, tick, confirm).
    await partner.locator("details", { has: form }).locator("summary").click();
    await form.getByRole("checkbox").check();
    await form.getByRole("button", { name: "Report key compromise — revoke now" }).click();
    await expect(async () => {
      await partner.reload();
      await expect(form).toHaveCount(0, { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
  }
  await partner.goto("/notifications");
  const markAll = partner.getByRole("button", { name: "Mark all read" });
  if (await markAll.count()) await markAll.click();
  await expect(partner.getByRole("link", { name: /unread/ })).toHaveCount(0);
});
