/**
 * Issue 16 item 5: scheduling that cannot mislead. A production certificate is offered only
 * the windows the rules allow — the others are greyed out with the reason; after a refusal
 * (the window was cancelled between the page and the click) the choice is still there; the
 * booking is confirmed in the viewer's zone and UTC (and only once when the viewer's zone
 * is UTC); the calendar is picked by app then environment and its cell names the booked
 * certificate. Serial; the booking is cancelled at the end (journeys share one portal).
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import { openConfirm, signedInPage } from "../helpers/auth";
import { acmeChain, TempFiles } from "../submissions/material";
import { formatInZone, formatInZones, localDate, zonedToUtc } from "../../lib/scheduling/time";

const files = new TempFiles();
const state: { appId?: string; submissionId?: string; subject?: string } = {};
const TZ = "Europe/Paris";
const SCOPE = "self-signed-allowed/production";

test.describe.configure({ mode: "serial" });
test.afterAll(() => files.remove());

const as = (browser: Browser, email: string): Promise<Page> => signedInPage(browser, email);

/** A Paris wall-clock time `days` from today (Paris), as the window form takes it and as an instant. */
function parisDay(days: number, time: string): { date: string; time: string; at: Date } {
  const today = localDate(new Date(), TZ);
  const [y, m, d] = today.split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
  const [hour, minute] = time.split(":").map(Number) as [number, number];
  const [yy, mm, dd] = date.split("-").map(Number) as [number, number, number];
  return { date, time, at: zonedToUtc({ year: yy, month: mm, day: dd, hour, minute }, TZ) };
}

// Tomorrow is always sooner than production's two business days after today's approval.
// The offered windows sit on a day of their own (8 to 17 days ahead), so reruns do not collide.
const ahead = 8 + (Date.now() % 10);
const soon = parisDay(1, "08:15");
const fine = parisDay(ahead, "08:00");
const race = parisDay(ahead, "10:00");
const calendar = (date: string) => `/support/windows?${new URLSearchParams({ scope: SCOPE, view: "week", start: date, tz: TZ })}`;

/** Approves with whichever decision form the review page has (one form with outcomes, or a form per outcome). */
async function approve(reviewer: Page, submissionId: string): Promise<void> {
  await reviewer.goto(`/reviews/${submissionId}`);
  const decision = reviewer.getByRole("form", { name: "Your decision" });
  if ((await decision.count()) > 0) {
    await decision.getByRole("radio", { name: "Approve" }).check();
    await decision.getByRole("button", { name: "Approve" }).click();
  } else {
    await reviewer.getByRole("form", { name: "Approve" }).getByRole("button", { name: "Approve" }).click();
  }
  // The first approval answers in the form; the last one leaves nothing to decide.
  const answered = (await decision.count()) > 0 ? decision.getByRole("status") : reviewer.getByRole("form", { name: "Approve" }).getByRole("status");
  await expect(answered.or(reviewer.getByText("This submission is approved; there is nothing to decide.")).first()).toBeVisible();
}

async function addWindow(support: Page, w: { date: string; time: string }, capacity: number): Promise<void> {
  await support.goto(calendar(w.date));
  const form = support.getByRole("form", { name: "Add a one-off window" });
  await form.getByLabel("Date").fill(w.date);
  await form.getByLabel("Start (local)").fill(w.time);
  await form.getByLabel("Time zone").selectOption(TZ);
  await form.getByLabel("Capacity").fill(String(capacity));
  await form.getByRole("button", { name: "Add window" }).click();
  await expect(form.getByRole("status")).toContainText("Window added:");
}

test("a production certificate is approved, and support plans three windows for it", async ({ browser }) => {
  test.setTimeout(180_000);
  const partner = await as(browser, "partner@acme.test");
  await partner.goto("/apps");
  const href = await partner.getByRole("link", { name: /^Production environment of Acme Checkout/ }).getAttribute("href");
  state.appId = href!.split("/")[2];
  // Earlier journeys (reviews, submissions) leave Acme Checkout's production mTLS slot in review:
  // free it as its partner would, through the API, so this upload can be sent.
  await partner.goto(`/apps/${state.appId}/environments/production`);
  const inReview = partner.getByTestId("attempts").locator("tr", { hasText: "In review" }).filter({ hasText: "(mtls)" });
  const ids = await inReview.locator('a[href*="/submissions/"]').evaluateAll((links) => links.map((a) => a.getAttribute("href")!.split("/").pop()!));
  for (const id of ids) {
    const withdrawn = await partner.request.post(`/api/v1/submissions/${id}/withdraw`, { headers: { authorization: "Bearer certdesk_demo_acme" } });
    expect(withdrawn.ok()).toBe(true);
  }
  await partner.goto(`/apps/${state.appId}/environments/production/submissions/new`);
  const label = `uxsched${Date.now().toString(36)}`;
  const chain = await acmeChain(label);
  state.subject = `Acme Payments ${label} Client`;
  await partner.getByLabel("Choose files").setInputFiles([files.write("sched.pem", chain.pem)]);
  await partner.getByRole("button", { name: "Upload and check" }).click();
  await expect(partner.getByText("Accepted", { exact: true })).toBeVisible();
  await partner.getByRole("button", { name: "Submit for review" }).click();
  await expect(partner.getByTestId("submission-status")).toHaveText("In review");
  state.submissionId = partner.url().split("/").pop()!;
  // Production needs two reviewers.
  await approve(await as(browser, "reviewer1@certdesk.test"), state.submissionId);
  await approve(await as(browser, "reviewer2@certdesk.test"), state.submissionId);
  await expect(async () => {
    await partner.reload();
    await expect(partner.getByTestId("submission-status")).toHaveText(/Approved/, { timeout: 1_000 });
  }).toPass({ timeout: 30_000, intervals: [1_000] });

  const support = await as(browser, "support@certdesk.test");
  // One booking per app environment: clear what other journeys may have left in Acme Checkout's production.
  await support.goto(`/support/schedule?tz=UTC`);
  const leftover = () => support.getByRole("region", { name: "Booked enablements", exact: true }).getByRole("row").filter({ hasText: "Acme Checkout — Production" });
  while ((await leftover().count()) > 0) {
    const form = await openConfirm(support, leftover().first().getByRole("form", { name: "Cancel Acme Checkout Production", includeHidden: true }));
    await form.getByLabel("Reason for cancelling (the partner sees it)").fill("Making room");
    await form.getByRole("checkbox").check();
    await form.getByRole("button", { name: "Cancel this enablement" }).click();
    await expect(support.getByTestId("success-notice")).toBeVisible();
    await support.goto(`/support/schedule?tz=UTC`);
  }
  await addWindow(support, soon, 3);
  await addWindow(support, fine, 1);
  await addWindow(support, race, 1);
});

test("only the windows the rules allow can be chosen; the others say why; a refusal keeps the choice; the booking is confirmed in both zones", async ({ browser }) => {
  test.setTimeout(120_000);
  const support = await as(browser, "support@certdesk.test");
  await support.goto(`/support/schedule?tz=${encodeURIComponent(TZ)}`);
  const row = support.getByRole("region", { name: "Ready to schedule", exact: true }).getByRole("row").filter({ hasText: state.subject! });
  await expect(row).toHaveCount(1);
  const select = row.getByRole("combobox", { name: "Window" });

  // Greyed out, with the reason: tomorrow is too soon for production, and production has no "immediately".
  const tooSoon = select.locator("option", { hasText: formatInZone(soon.at, TZ) });
  await expect(tooSoon).toBeDisabled();
  await expect(tooSoon).toHaveText(new RegExp(`^${formatInZone(soon.at, TZ)} — not available: too soon: production needs 2 business days after approval \\(earliest `));
  await expect(select.locator("option", { hasText: "Immediately" })).toBeDisabled();
  await expect(select.locator("option", { hasText: "Immediately" })).toContainText("production is enabled only in a window");
  await row.getByText(/greyed out — why/).click();
  await expect(row.getByRole("list", { name: /^Windows not available/ })).toContainText(`${formatInZone(soon.at, TZ)}: too soon: production needs 2 business days after approval`);
  // Offered: the two later windows, with their seats.
  await expect(select.locator("option", { hasText: formatInZone(fine.at, TZ) })).toBeEnabled();
  await expect(select.locator("option", { hasText: formatInZone(race.at, TZ) })).toHaveText(`${formatInZone(race.at, TZ)} — 0 of 1 booked`);

  // Support chooses the 10:00 window; meanwhile a colleague cancels it. The server refuses, and the choice stays.
  await select.selectOption({ label: `${formatInZone(race.at, TZ)} — 0 of 1 booked` });
  const colleague = await as(browser, "support@certdesk.test");
  await colleague.goto(calendar(race.date));
  const cancel = await openConfirm(colleague, colleague.getByRole("form", { name: `Cancel window ${formatInZone(race.at, TZ)}`, includeHidden: true }));
  await cancel.getByLabel("Reason for cancelling the window").fill("Provider change freeze");
  await cancel.getByRole("checkbox").check();
  await cancel.getByRole("button", { name: "Cancel this window" }).click();
  await expect(colleague.getByTestId("success-notice")).toContainText("Window cancelled.");

  await row.getByRole("button", { name: "Schedule" }).click();
  await expect(row.getByRole("alert")).toHaveText(`The window of ${formatInZone(race.at, TZ, { year: false })} is cancelled; choose a planned window.`);
  await expect(select.locator("option:checked")).toHaveText(`${formatInZone(race.at, TZ)} — 0 of 1 booked`);

  // Another window: booked, and confirmed with its date in the viewer's zone and in UTC.
  await select.selectOption({ label: `${formatInZone(fine.at, TZ)} — 0 of 1 booked` });
  await row.getByRole("button", { name: "Schedule" }).click();
  const notice = support.getByTestId("success-notice");
  await expect(notice).toContainText(`Booked for ${formatInZones(fine.at, TZ)}.`);
  expect(formatInZones(fine.at, TZ)).toMatch(/ Europe\/Paris \(\d{2}:\d{2} UTC\)$/);
  await expect(notice).toContainText(state.subject!);
  await expect(support).toHaveURL(/tz=Europe%2FParis/);

  // Viewed in UTC, the time is given once: never "08:00 UTC (08:00 UTC)".
  await support.goto("/support/schedule?tz=UTC");
  const booked = support.getByRole("region", { name: "Booked enablements", exact: true }).getByRole("row").filter({ hasText: state.subject! });
  await expect(booked).toContainText(formatInZone(fine.at, "UTC"));
  expect(await booked.innerText()).not.toMatch(/UTC \(/);
});

test("the calendar is picked by app then environment, and its cell names the booked certificate", async ({ browser }) => {
  const support = await as(browser, "support@certdesk.test");
  await support.goto(`/support/windows?${new URLSearchParams({ view: "week", start: fine.date, tz: TZ })}`);
  const view = support.getByRole("form", { name: "Calendar view" });
  await view.getByLabel("App").selectOption({ label: "Acme Checkout" });
  await view.getByLabel("Environment").selectOption({ label: "Production" });
  await view.getByLabel("Time zone").selectOption(TZ);
  await view.getByRole("button", { name: "Show" }).click();
  await expect(support).toHaveURL(new RegExp(`scope=${encodeURIComponent(SCOPE)}`));
  await expect(support.getByRole("table")).toContainText("Production");
  const cell = support.getByRole("list", { name: `Booked in the window of ${formatInZone(fine.at, TZ)}` });
  await expect(cell).toContainText(`Acme Checkout: ${state.subject}`);
});

test("clean-up: the journey's booking is cancelled", async ({ browser }) => {
  const support = await as(browser, "support@certdesk.test");
  await support.goto("/support/schedule?tz=UTC");
  const mine = support.getByRole("region", { name: "Booked enablements", exact: true }).getByRole("row").filter({ hasText: state.subject! });
  const form = await openConfirm(support, mine.getByRole("form", { name: "Cancel Acme Checkout Production", includeHidden: true }));
  await form.getByLabel("Reason for cancelling (the partner sees it)").fill("End of the scheduling journey");
  await form.getByRole("checkbox").check();
  await form.getByRole("button", { name: "Cancel this enablement" }).click();
  await expect(support.getByTestId("success-notice")).toContainText("Enablement cancelled.");
  await expect(support.getByRole("region", { name: "Booked enablements", exact: true }).getByRole("row").filter({ hasText: state.subject! })).toHaveCount(0);
});
