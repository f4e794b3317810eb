/**
 * Issue 16 items 6, 7 and 10 for the reviewer: one decision form with the three outcomes
 * (the button follows the choice, the comment is required where the outcome needs one, a
 * refusal keeps the choice and the words); the uploaded files download from the review page
 * and each download shows in the audit trail; the queue says "You approved"; and at phone
 * size (390 × 844) the queue's link is on screen without sideways scrolling, with axe clean.
 * Serial; the submission it creates (Globex Cards, production) is withdrawn afterwards.
 */
import { readFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { signedInPage } from "../helpers/auth";
import { submitGlobexCardsCsrs } from "../helpers/globex";
import { TempFiles } from "../submissions/material";

const PHONE = { width: 390, height: 844 };
const files = new TempFiles();
const label = `rv${Date.now().toString(36)}`;
const state: { id?: string; partnerUrl?: string } = {};

test.describe.configure({ mode: "serial" });

const as = (browser: Browser, email: string, viewport?: { width: number; height: number }): Promise<Page> =>
  signedInPage(browser, email, { ...(viewport ? { viewport } : {}), acceptDownloads: true });

test.beforeAll(async ({ browser }) => {
  const partner = await as(browser, "partner@globex.test");
  state.partnerUrl = await submitGlobexCardsCsrs(partner, files, label);
  state.id = state.partnerUrl.split("/").pop()!;
  await partner.context().close();
});

test.afterAll(async ({ browser }) => {
  files.remove();
  // Leave the slot as it was: the partner withdraws what this journey left in review.
  if (!state.partnerUrl) return;
  const partner = await as(browser, "partner@globex.test");
  await partner.goto(state.partnerUrl);
  const withdraw = partner.getByRole("button", { name: "Withdraw submission" });
  if (await withdraw.count()) {
    await withdraw.click();
    await expect(partner.getByTestId("submission-status")).toHaveText(/Withdrawn/);
  }
  await partner.context().close();
});

test("one decision form: the button follows the outcome, a comment is required where needed, a refusal keeps the choice and words", async ({ browser }) => {
  const reviewer = await as(browser, "reviewer1@certdesk.test");
  await reviewer.goto(`/reviews/${state.id}`);
  const form = reviewer.getByRole("form", { name: "Your decision" });
  await expect(reviewer.getByRole("form", { name: /^(Approve|Request changes|Reject)$/ })).toHaveCount(0);
  await expect(form.getByRole("radio")).toHaveCount(3);
  await expect(form.getByRole("button")).toHaveCount(1);
  const comment = form.getByRole("textbox");

  await expect(form.getByRole("radio", { name: "Approve" })).toBeChecked();
  await expect(form.getByRole("button")).toHaveText("Approve");
  await expect(comment).not.toHaveAttribute("required");

  await form.getByRole("radio", { name: "Reject" }).check();
  await expect(form.getByRole("button")).toHaveText("Reject");
  await expect(comment).toHaveAttribute("required");
  await expect(form.getByText("Why is it rejected? (required)")).toBeVisible();

  await form.getByRole("radio", { name: "Request changes" }).check();
  await expect(form.getByRole("button")).toHaveText("Request changes");
  await expect(comment).toHaveAttribute("required");

  // The server checks too (a crafted request skips the browser's check): the error sits on the comment, the choice stays.
  await form.getByRole("radio", { name: "Reject" }).check();
  await comment.fill("   ");
  await form.evaluate((f) => ((f as HTMLFormElement).noValidate = true));
  await form.getByRole("button", { name: "Reject" }).click();
  await expect(form.getByRole("alert")).toHaveText("Say why it is rejected: the partner reads this comment.");
  await expect(comment).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByRole("radio", { name: "Reject" })).toBeChecked();
  await expect(form.getByRole("button")).toHaveText("Reject");
  await reviewer.reload();
  await expect(reviewer.getByText("0 of 2 (by different reviewers)")).toBeVisible();
  await reviewer.context().close();
});

test("a reviewer downloads the uploaded files; each download is in the audit trail", async ({ browser }) => {
  const reviewer = await as(browser, "reviewer1@certdesk.test");
  await reviewer.goto(`/reviews/${state.id}`);
  const list = reviewer.getByRole("list", { name: "Files to download" });
  const links = list.getByRole("link");
  expect(await links.count()).toBeGreaterThanOrEqual(2);
  const [download] = await Promise.all([reviewer.waitForEvent("download"), links.first().click()]);
  const text = readFileSync((await download.path())!, "utf8");
  expect(text).toContain("CERTIFICATE REQUEST");

  await reviewer.reload();
  const trail = reviewer.getByRole("region", { name: "Audit trail of this submission" });
  await expect(trail.getByRole("row").filter({ hasText: "submission.file.download" }).filter({ hasText: "reviewer1@certdesk.test" })).toHaveCount(1);
  await reviewer.context().close();
});

test("axe finds nothing on the review page (decision form, files, subjects)", async ({ browser }) => {
  const reviewer = await as(browser, "reviewer1@certdesk.test");
  await reviewer.goto(`/reviews/${state.id}`);
  await expect(reviewer.getByRole("form", { name: "Your decision" })).toBeVisible();
  const results = await new AxeBuilder({ page: reviewer }).analyze();
  const lines = results.violations.map((v) => `${v.id} (${v.impact ?? "?"}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(" | ")}`);
  expect(lines, "axe on the review page").toEqual([]);
  await reviewer.context().close();
});

test("after approving, the queue says 'You approved' to that reviewer only", async ({ browser }) => {
  const reviewer = await as(browser, "reviewer1@certdesk.test");
  await reviewer.goto(`/reviews/${state.id}`);
  const form = reviewer.getByRole("form", { name: "Your decision" });
  await form.getByRole("button", { name: "Approve" }).click();
  await expect(form.getByRole("status")).toHaveText("Your approval is recorded (1 of 2); a different reviewer must approve too.");

  await reviewer.goto("/reviews");
  const row = reviewer.getByRole("region", { name: "Review queue" }).getByRole("row").filter({ has: reviewer.locator(`a[href="/reviews/${state.id}"]`) });
  await expect(row).toContainText("1 of 2");
  await expect(row).toContainText("You approved");

  const other = await as(browser, "reviewer2@certdesk.test");
  await other.goto("/reviews");
  const theirs = other.getByRole("region", { name: "Review queue" }).getByRole("row").filter({ has: other.locator(`a[href="/reviews/${state.id}"]`) });
  await expect(theirs).toContainText("1 of 2");
  await expect(theirs).not.toContainText("You approved");
  await reviewer.context().close();
  await other.context().close();
});

test("phone (390 × 844): the queue's link is on screen without sideways scrolling, and axe finds nothing", async ({ browser }) => {
  const page = await as(browser, "reviewer1@certdesk.test", PHONE);
  await page.goto("/reviews");
  const card = page.getByRole("list", { name: "Review queue" }).getByRole("listitem").filter({ has: page.locator(`a[href="/reviews/${state.id}"]`) });
  const link = card.getByRole("link", { name: /Globex Cards/ });
  await expect(link).toBeVisible();
  const box = (await link.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
  await expect(card).toContainText("You approved");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

  const results = await new AxeBuilder({ page }).analyze();
  const lines = results.violations.map((v) => `${v.id} (${v.impact ?? "?"}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(" | ")}`);
  expect(lines, "axe on the review queue at 390 px").toEqual([]);

  await link.click();
  await expect(page.getByRole("heading", { level: 1, name: /Globex Cards/ })).toBeVisible();
  await page.context().close();
});
