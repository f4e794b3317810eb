/**
 * The review journey in real Chromium: a partner submits for production, a reviewer asks
 * for changes, the partner resubmits, two different reviewers approve (the same reviewer's
 * second approval is refused), and the partner sees "Approved" and the notification.
 * Serial: each step builds on the one before.
 */
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { signIn } from "../helpers/auth";
import { acmeChain, TempFiles } from "../submissions/material";

const files = new TempFiles();
const state: { appId?: string; first?: string; second?: string } = {};

test.describe.configure({ mode: "serial" });
test.afterAll(() => files.remove());

async function as(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

/** The demo app's id, through the partner API as a partner's script would read it. */
async function acmeCheckout(request: APIRequestContext): Promise<string> {
  if (!state.appId) {
    const response = await request.get("/api/v1/apps", { headers: { authorization: "Bearer certdesk_demo_acme" } });
    expect(response.status()).toBe(200);
    const { apps } = (await response.json()) as { apps: { id: string; name: string }[] };
    state.appId = apps.find((a) => a.name === "Acme Checkout")!.id;
  }
  return state.appId;
}

/** Uploads a fresh chain to Acme Checkout → Production and sends it for review; returns the submission id. */
async function submitChain(page: Page, label: string, options: { purpose?: "signature"; leafKeyBits?: 4096; warning?: string } = {}): Promise<string> {
  await page.goto(`/apps/${state.appId}/environments/production`);
  await page.getByRole("link", { name: "New submission" }).click();
  const chain = await acmeChain(label, options.leafKeyBits ? { leafKeyBits: options.leafKeyBits } : {});
  await page.getByLabel("Choose files").setInputFiles([files.write(`${label}.pem`, chain.pem)]);
  if (options.purpose) await page.getByLabel("Purpose").selectOption(options.purpose);
  await page.getByRole("button", { name: "Upload and check" }).click();
  await expect(page.getByText("Accepted", { exact: true })).toBeVisible();
  if (options.warning) await page.getByRole("checkbox", { name: new RegExp(options.warning) }).check();
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByTestId("submission-status")).toHaveText("In review");
  return page.url().split("/").pop()!;
}

async function openReview(page: Page, submissionId: string): Promise<void> {
  await page.goto("/reviews");
  await page.locator(`a[href="/reviews/${submissionId}"]`).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Acme Checkout — Production" })).toBeVisible();
}

test("a partner submits a chain for production", async ({ browser, request }) => {
  await acmeCheckout(request);
  const partner = await as(browser, "partner@acme.test");
  state.first = await submitChain(partner, "review-first");
});

test("a reviewer requests changes; a comment is required", async ({ browser }) => {
  const reviewer = await as(browser, "reviewer1@certdesk.test");
  await openReview(reviewer, state.first!);
  await expect(reviewer.getByText("0 of 2 (by different reviewers)")).toBeVisible();
  // Issue 16: one decision form; the submit button follows the chosen outcome.
  const form = reviewer.getByRole("form", { name: "Your decision" });
  await expect(form.getByRole("button", { name: "Approve" })).toBeVisible();
  await form.getByRole("radio", { name: "Request changes" }).check();
  // The comment is required: the browser keeps the form from going out without one.
  await form.getByRole("button", { name: "Request changes" }).click();
  await expect(form.getByRole("textbox")).toHaveJSProperty("validity.valueMissing", true);
  await form.getByRole("textbox").fill("Please use the new issuing CA and send the full chain again.");
  await form.getByRole("button", { name: "Request changes" }).click();
  // The page redraws with the decision in place of the forms.
  const decision = reviewer.getByRole("region", { name: "Decision" });
  await expect(decision).toContainText("Changes requested by Rita Reviewer");
  await expect(decision.getByRole("button")).toHaveCount(0);
});

test("the partner is notified and resubmits", async ({ browser }) => {
  const partner = await as(browser, "partner@acme.test");
  await expect(partner.getByRole("link", { name: /Notifications \(\s*1\s+unread\)/ })).toBeVisible();
  await partner.getByRole("link", { name: /Notifications/ }).click();
  await expect(partner.getByRole("heading", { name: /Changes requested: Acme Checkout — Production/ })).toBeVisible();
  await expect(partner.getByText("Please use the new issuing CA and send the full chain again.")).toBeVisible();
  await partner.getByRole("button", { name: "Mark all read" }).click();
  await expect(partner.getByRole("link", { name: "Notifications", exact: true })).toBeVisible();
  state.second = await submitChain(partner, "review-second");
});

test("two different reviewers approve for production; the same reviewer's second approval is refused", async ({ browser }) => {
  const first = await as(browser, "reviewer1@certdesk.test");
  await openReview(first, state.second!);
  // The resubmission links to the submission it answers, with what was asked.
  await expect(first.getByText(/This answers an earlier submission/)).toContainText("Please use the new issuing CA and send the full chain again.");
  await first.getByRole("form", { name: "Your decision" }).getByRole("button", { name: "Approve" }).click();
  await expect(first.getByText("Your approval is recorded (1 of 2); a different reviewer must approve too.")).toBeVisible();

  await first.reload();
  await expect(first.getByText("1 of 2 (by different reviewers)")).toBeVisible();
  // Issue 16: Approve is disabled and says when; a forced second approval is still refused by the server.
  const approveForm = first.getByRole("form", { name: "Your decision" });
  await expect(approveForm.getByRole("radio", { name: "Approve" })).toBeDisabled();
  await expect(approveForm.getByTestId("approve-note")).toContainText("You approved at");
  // Forced past the disabled choice, as a crafted request would be.
  await approveForm.evaluate((f) => {
    const radio = f.querySelector<HTMLInputElement>('input[name="outcome"][value="approve"]')!;
    radio.disabled = false;
    radio.checked = true;
    (f as HTMLFormElement).requestSubmit();
  });
  await expect(approveForm.getByRole("alert")).toContainText("You already approved this submission; the next approval must come from a different reviewer");

  const second = await as(browser, "reviewer2@certdesk.test");
  await openReview(second, state.second!);
  await second.getByRole("form", { name: "Your decision" }).getByRole("button", { name: "Approve" }).click();
  await expect(second.getByRole("region", { name: "Decision" })).toContainText(/Approved by (Rita Reviewer and Ravi Reviewer|Ravi Reviewer and Rita Reviewer)/);
  await expect(second.getByText("2 of 2 (by different reviewers)")).toBeVisible();
});

test("the partner sees the submission approved and the notification", async ({ browser }) => {
  const partner = await as(browser, "partner@acme.test");
  await partner.goto(`/apps/${state.appId}/environments/production/submissions/${state.second}`);
  await expect(partner.getByTestId("submission-status")).toHaveText(/^Approved/);
  await partner.getByRole("link", { name: /Notifications \(\s*1\s+unread\)/ }).click();
  await expect(partner.getByRole("heading", { name: /Approved: Acme Checkout — Production/ })).toBeVisible();
  await partner.getByRole("button", { name: "Mark all read" }).click();
  await expect(partner.getByRole("link", { name: "Notifications", exact: true })).toBeVisible();
});

test("the e-mails to the partner are in the admin outbox", async ({ browser }) => {
  const admin = await as(browser, "admin@certdesk.test");
  await admin.goto("/admin/outbox");
  const mails = admin.getByRole("list", { name: "E-mails" }).getByRole("listitem");
  await expect(mails.filter({ hasText: "Certdesk: Approved: Acme Checkout — Production" })).toHaveCount(1);
  await expect(mails.filter({ hasText: "Certdesk: Changes requested: Acme Checkout — Production" })).toHaveCount(1);
});

test("a warning needs a reviewer's acknowledgement with a comment before approval; a rejection needs a comment", async ({ browser }) => {
  // Production, signature purpose: a slot no other journey uses. A 4096-bit leaf is KEY_SIZE_UNEXPECTED (warning).
  const partner = await as(browser, "partner@acme.test");
  const id = await submitChain(partner, "review-warned", { purpose: "signature", leafKeyBits: 4096, warning: "KEY_SIZE_UNEXPECTED" });

  const reviewer = await as(browser, "reviewer2@certdesk.test");
  await openReview(reviewer, id);
  await expect(reviewer.getByRole("list", { name: "Before you can approve" })).toContainText("Acknowledge warning KEY_SIZE_UNEXPECTED.");
  // The partner's own acknowledgement does not count: approving is refused until a reviewer acknowledges.
  await reviewer.getByRole("form", { name: "Your decision" }).getByRole("button", { name: "Approve" }).click();
  await expect(reviewer.getByRole("form", { name: "Your decision" }).getByRole("alert")).toContainText(
    "Acknowledge each warning with a comment before approving: KEY_SIZE_UNEXPECTED.",
  );
  await reviewer.getByLabel("Why KEY_SIZE_UNEXPECTED is acceptable").fill("A 4096-bit key is stronger than the 2048 bits asked for.");
  await reviewer.getByRole("button", { name: "Acknowledge KEY_SIZE_UNEXPECTED" }).click();
  await expect(reviewer.getByText("Ravi Reviewer: “A 4096-bit key is stronger than the 2048 bits asked for.”")).toBeVisible();
  await reviewer.getByRole("form", { name: "Your decision" }).getByRole("button", { name: "Approve" }).click();
  await expect(reviewer.getByText("Your approval is recorded (1 of 2); a different reviewer must approve too.")).toBeVisible();

  // The second reviewer rejects instead; the comment is required.
  const other = await as(browser, "reviewer1@certdesk.test");
  await openReview(other, id);
  const reject = other.getByRole("form", { name: "Your decision" });
  await reject.getByRole("radio", { name: "Reject" }).check();
  await reject.getByRole("button", { name: "Reject" }).click();
  await expect(reject.getByRole("textbox")).toHaveJSProperty("validity.valueMissing", true);
  await reject.getByRole("textbox").fill("The signature key must stay at 2048 bits for the HSM.");
  await reject.getByRole("button", { name: "Reject" }).click();
  await expect(other.getByRole("region", { name: "Decision" })).toContainText("Rejected by Rita Reviewer");

  // The first reviewer's page is now out of date; deciding on it is refused, saying what happened and by whom.
  const stale = reviewer.getByRole("form", { name: "Your decision" });
  await stale.getByRole("radio", { name: "Request changes" }).check();
  await stale.getByRole("textbox").fill("Please also add the intermediate.");
  await stale.getByRole("button", { name: "Request changes" }).click();
  await expect(stale.getByRole("alert")).toContainText("This submission was already decided: now rejected by Rita Reviewer");
  await expect(stale.getByRole("alert")).toContainText("Your decision was not recorded.");
  await stale.getByRole("link", { name: "Show the current state" }).click();
  await expect(reviewer.getByRole("region", { name: "Decision" })).toContainText("This submission is rejected; there is nothing to decide.");

  await partner.goto(`/apps/${state.appId}/environments/production/submissions/${id}`);
  await expect(partner.getByTestId("submission-status")).toHaveText(/Rejected/);
});
