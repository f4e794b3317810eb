/**
 * Issue 16 item 1: destructive actions confirm, name what they affect and say what happens
 * next. Token revocation (the revoked token's secret leaves the screen), window
 * cancellation, enablement cancellation and the partner's key-compromise revocation, each
 * a two-step form whose confirmation the server checks too. Serial: one certificate goes
 * through booking, cancellation, immediate enablement and revocation.
 */
import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import { openConfirm, signedInPage } from "../helpers/auth";
import { acmeChain, TempFiles } from "../submissions/material";
import { formatInZone } from "../../lib/scheduling/time";

const files = new TempFiles();
const state: { appId?: string; submissionId?: string; subject?: string } = {};

test.describe.configure({ mode: "serial" });
test.afterAll(() => files.remove());

const as = (browser: Browser, email: string): Promise<Page> => signedInPage(browser, email);

/** Submits a form without the browser's own `required` check: the server must refuse on its own. */
async function submitUnchecked(form: Locator, button: string): Promise<void> {
  await form.evaluate((f) => ((f as HTMLFormElement).noValidate = true));
  await form.getByRole("button", { name: button }).click();
}

// A window on its own day (3 to 20 days ahead), so reruns and other specs do not collide.
const daysAhead = 3 + (Date.now() % 18);
const startsAt = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + daysAhead, 14, 0));
const windowDate = startsAt.toISOString().slice(0, 10);
const calendar = `/support/windows?${new URLSearchParams({ scope: "self-signed-allowed/stage", view: "week", start: windowDate, tz: "UTC" })}`;

test("token revocation asks first, says what happens, and the revoked token's secret leaves the screen", async ({ browser }) => {
  const partner = await as(browser, "partner@acme.test");
  await partner.goto("/tokens");
  const name = `ux-token-${Date.now().toString(36)}`;
  await partner.getByLabel("Token name").fill(name);
  await partner.getByRole("button", { name: "Create token" }).click();
  await expect(partner.getByTestId("new-token")).toContainText("certdesk_");

  const row = partner.getByRole("row").filter({ hasText: name });
  const form = await openConfirm(partner, row.getByRole("form", { name: `Revoke token ${name}`, includeHidden: true }));
  await expect(form).toContainText(`Revoke the token “${name}”?`);
  await expect(form).toContainText("cannot be undone");
  // The server checks the confirmation too.
  await submitUnchecked(form, `Revoke ${name}`);
  await expect(form.getByRole("alert")).toHaveText("Tick the box to confirm the revocation.");
  await expect(row).not.toContainText("Revoked");

  await form.getByRole("checkbox").check();
  await form.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(partner.getByTestId("success-notice")).toContainText("Token revoked. Calls with it are refused from now on.");
  await expect(partner.getByTestId("success-notice")).toContainText("Next step");
  await expect(partner.getByRole("row").filter({ hasText: name })).toContainText("Revoked");
  await expect(partner.getByTestId("new-token")).toHaveCount(0);
});

test("window cancellation names the window and confirms", async ({ browser }) => {
  const support = await as(browser, "support@certdesk.test");
  await support.goto(calendar);
  const addWindow = support.getByRole("form", { name: "Add a one-off window" });
  await addWindow.getByLabel("Date").fill(windowDate);
  await addWindow.getByLabel("Start (local)").fill("15:00");
  await addWindow.getByLabel("Time zone").selectOption("UTC");
  await addWindow.getByRole("button", { name: "Add window" }).click();
  const at = new Date(startsAt.getTime() + 3_600_000);
  await expect(addWindow.getByRole("status")).toHaveText(`Window added: ${formatInZone(at, "UTC")}.`);

  await support.goto(calendar);
  const form = await openConfirm(support, support.getByRole("form", { name: `Cancel window ${formatInZone(at, "UTC")}`, includeHidden: true }));
  await expect(form).toContainText(`Cancel the window of ${formatInZone(at, "UTC")}?`);
  await form.getByLabel("Reason for cancelling the window").fill("Change freeze");
  await submitUnchecked(form, "Cancel this window");
  await expect(form.getByRole("alert")).toContainText("Tick the box to confirm the cancellation.");
  // React resets the form after an action: the reason is typed again.
  await form.getByLabel("Reason for cancelling the window").fill("Change freeze");
  await form.getByRole("checkbox").check();
  await form.getByRole("button", { name: "Cancel this window" }).click();
  await expect(support.getByTestId("success-notice")).toContainText("Window cancelled. Partners can no longer book it.");
  // The redirect kept the calendar on the same week and zone.
  await expect(support).toHaveURL(/start=/);
  await expect(support.getByRole("form", { name: `Cancel window ${formatInZone(at, "UTC")}`, includeHidden: true })).toHaveCount(0);
});

test("enablement cancellation confirms and sends the certificate back to Ready to schedule", async ({ browser }) => {
  test.setTimeout(120_000);
  const partner = await as(browser, "partner@acme.test");
  await partner.goto("/apps");
  const href = await partner.getByRole("link", { name: /Stage environment of Acme Checkout/ }).getAttribute("href");
  state.appId = href!.split("/")[2];
  await partner.goto(`/apps/${state.appId}/environments/stage/submissions/new`);
  const label = `ux${Date.now().toString(36)}`;
  const chain = await acmeChain(label);
  state.subject = `Acme Payments ${label} Client`;
  await partner.getByLabel("Choose files").setInputFiles([files.write("ux.pem", chain.pem)]);
  await partner.getByRole("button", { name: "Upload and check" }).click();
  await expect(partner.getByText("Accepted", { exact: true })).toBeVisible();
  await partner.getByRole("button", { name: "Submit for review" }).click();
  await expect(partner.getByTestId("submission-status")).toHaveText("In review");
  state.submissionId = partner.url().split("/").pop()!;

  const reviewer = await as(browser, "reviewer1@certdesk.test");
  await reviewer.goto(`/reviews/${state.submissionId}`);
  await reviewer.getByRole("form", { name: "Your decision" }).getByRole("button", { name: "Approve" }).click();
  await expect(reviewer.getByText("This submission is approved; there is nothing to decide.")).toBeVisible();

  const support = await as(browser, "support@certdesk.test");
  // Other journeys may have left a booking in Acme Checkout's stage: cancel those too (one booking per environment).
  await support.goto("/support/schedule?tz=UTC");
  const booked = () => support.getByRole("region", { name: "Booked enablements", exact: true }).getByRole("row").filter({ hasText: "Acme Checkout — Stage" });
  while ((await booked().count()) > 0) {
    const form = await openConfirm(support, booked().first().getByRole("form", { name: "Cancel Acme Checkout Stage", includeHidden: true }));
    await form.getByLabel("Reason for cancelling (the partner sees it)").fill("Making room");
    await form.getByRole("checkbox").check();
    await form.getByRole("button", { name: "Cancel this enablement" }).click();
    await expect(support.getByTestId("success-notice")).toBeVisible();
    await support.goto("/support/schedule?tz=UTC");
  }

  // Book ours into a new window, then cancel that booking through the confirmation.
  await support.goto(calendar);
  const addWindow = support.getByRole("form", { name: "Add a one-off window" });
  await addWindow.getByLabel("Date").fill(windowDate);
  await addWindow.getByLabel("Start (local)").fill("14:00");
  await addWindow.getByLabel("Time zone").selectOption("UTC");
  await addWindow.getByRole("button", { name: "Add window" }).click();
  await expect(addWindow.getByRole("status")).toHaveText(`Window added: ${formatInZone(startsAt, "UTC")}.`);
  await support.goto("/support/schedule?tz=UTC");
  const ready = support.getByRole("region", { name: "Ready to schedule", exact: true }).getByRole("row").filter({ hasText: state.subject });
  await ready.getByRole("combobox").selectOption({ label: `${formatInZone(startsAt, "UTC")} — 0 of 3 booked` });
  await ready.getByRole("button", { name: "Schedule" }).click();
  const mine = support.getByRole("region", { name: "Booked enablements", exact: true }).getByRole("row").filter({ hasText: state.subject });
  await expect(mine).toHaveCount(1);

  const form = await openConfirm(support, mine.getByRole("form", { name: "Cancel Acme Checkout Stage", includeHidden: true }));
  await expect(form).toContainText(new RegExp(`Cancel the enablement of CN=${state.subject}, .* for Acme Checkout — Stage\\?`));
  await expect(form).toContainText("the partner is notified");
  await form.getByLabel("Reason for cancelling (the partner sees it)").fill("Window moved by the provider");
  await submitUnchecked(form, "Cancel this enablement");
  await expect(form.getByRole("alert")).toContainText("Tick the box to confirm the cancellation.");
  await form.getByLabel("Reason for cancelling (the partner sees it)").fill("Window moved by the provider");
  await form.getByRole("checkbox").check();
  await form.getByRole("button", { name: "Cancel this enablement" }).click();
  await expect(support.getByTestId("success-notice")).toContainText("Enablement cancelled. The partner has been notified.");
  await expect(support).toHaveURL(/tz=UTC/);
  await expect(support.getByRole("region", { name: "Booked enablements", exact: true }).getByRole("row").filter({ hasText: state.subject })).toHaveCount(0);
  await expect(support.getByRole("region", { name: "Ready to schedule", exact: true }).getByRole("row").filter({ hasText: state.subject })).toHaveCount(1);
});

test("key-compromise revocation names the certificate, is checked by the server, and points to a replacement", async ({ browser }) => {
  test.setTimeout(240_000);
  const support = await as(browser, "support@certdesk.test");
  await support.goto("/support/schedule?tz=UTC");
  const ready = support.getByRole("region", { name: "Ready to schedule", exact: true }).getByRole("row").filter({ hasText: state.subject! });
  await ready.getByRole("combobox").selectOption({ value: "immediate" });
  await ready.getByRole("button", { name: "Schedule" }).click();
  await expect(support.getByRole("region", { name: "Ready to schedule", exact: true }).getByRole("row").filter({ hasText: state.subject! })).toHaveCount(0);

  const partner = await as(browser, "partner@acme.test");
  const page = `/apps/${state.appId}/environments/stage`;
  const form = partner.getByRole("form", { name: new RegExp(`^Report key compromise for CN=${state.subject},`), includeHidden: true });
  // The in-process job activates it within a minute or two.
  await expect(async () => {
    await partner.goto(page);
    await expect(form).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 180_000, intervals: [3_000] });

  // One step is not enough: the form is closed until asked for.
  await expect(form).toBeHidden();
  await openConfirm(partner, form);
  await expect(form).toContainText(new RegExp(`Revoke CN=${state.subject},.* in Acme Checkout — Stage\\? This cannot be undone\\.`));
  await expect(form).toContainText("Next, upload a replacement");
  await expect(form.getByRole("button", { name: "Report key compromise — revoke now" })).toHaveClass(/button--danger/);
  await form.getByLabel("What happened (optional)").fill("laptop stolen");
  await submitUnchecked(form, "Report key compromise — revoke now");
  await expect(form.getByRole("alert")).toHaveText("Tick the box to confirm the revocation.");
  await partner.goto(page);
  await expect(form).toHaveCount(1);

  await openConfirm(partner, form);
  await form.getByRole("checkbox", { name: new RegExp(`^I understand that CN=${state.subject},.* stops working at once$`) }).check();
  await form.getByRole("button", { name: "Report key compromise — revoke now" }).click();
  const notice = partner.getByTestId("success-notice");
  await expect(notice).toContainText("Certificate revoked. The gateway no longer trusts it");
  await notice.getByRole("link", { name: "upload a replacement" }).click();
  await expect(partner).toHaveURL(new RegExp(`/apps/${state.appId}/environments/stage/submissions/new$`));
});
