/**
 * The scheduling journey in real Chromium: a partner's certificate is approved through the
 * real upload and review pages, support plans a window and books the certificate into it,
 * and the partner sees the date (zone named) and downloads an .ics file that parses.
 * Serial: each step builds on the one before.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { signIn } from "../helpers/auth";
import { acmeChain, TempFiles } from "../submissions/material";
import { parseIcs, unescapeIcsText } from "../../lib/scheduling/ics";
import { formatInZone, formatInZones } from "../../lib/scheduling/time";

const files = new TempFiles();
const state: { appId?: string; submissionId?: string; leafSubject?: string } = {};

// Two days ahead at 10:00 UTC: in the future whenever the suite runs, and a stage window has no lead time.
const startsAt = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 2, 10, 0));
const windowDate = startsAt.toISOString().slice(0, 10);

test.describe.configure({ mode: "serial" });
test.afterAll(() => files.remove());

async function as(browser: Browser, email: string, timezoneId = "UTC"): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true, timezoneId });
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

test("a partner's stage certificate is submitted and approved", async ({ browser }) => {
  const partner = await as(browser, "partner@acme.test");
  await partner.goto("/apps");
  const href = await partner.getByRole("link", { name: /Stage environment of Acme Checkout/ }).getAttribute("href");
  state.appId = href!.split("/")[2];
  await partner.goto(`/apps/${state.appId}/environments/stage`);
  await partner.getByRole("link", { name: "New submission" }).click();
  // A label unique to this run: the leaf's subject finds its row in support's lists.
  const label = `scheduling${Date.now().toString(36)}`;
  const chain = await acmeChain(label);
  state.leafSubject = `Acme Payments ${label} Client`;
  await partner.getByLabel("Choose files").setInputFiles([files.write("scheduling.pem", chain.pem)]);
  await partner.getByRole("button", { name: "Upload and check" }).click();
  await expect(partner.getByText("Accepted", { exact: true })).toBeVisible();
  await partner.getByRole("button", { name: "Submit for review" }).click();
  await expect(partner.getByTestId("submission-status")).toHaveText("In review");
  state.submissionId = partner.url().split("/").pop()!;

  const reviewer = await as(browser, "reviewer1@certdesk.test");
  await reviewer.goto("/reviews");
  await reviewer.locator(`a[href="/reviews/${state.submissionId}"]`).first().click();
  await reviewer.getByRole("form", { name: "Your decision" }).getByRole("button", { name: "Approve" }).click();
  await expect(reviewer.getByText("This submission is approved; there is nothing to decide.")).toBeVisible();
});

test("support plans a window and books the approved certificate into it", async ({ browser }) => {
  const support = await as(browser, "support@certdesk.test");
  await support.goto("/support");
  await support.getByRole("link", { name: "Windows calendar" }).click();
  const view = support.getByRole("form", { name: "Calendar view" });
  // Issue 16: the calendar is picked by app, then its environment.
  await view.getByLabel("App").selectOption({ label: "Acme Checkout" });
  await view.getByLabel("Environment").selectOption({ value: "self-signed-allowed/stage" });
  await view.getByLabel("Time zone").selectOption("UTC");
  await view.getByRole("button", { name: "Show" }).click();
  await expect(support.getByRole("table")).toContainText("Stage");
  const addWindow = support.getByRole("form", { name: "Add a one-off window" });
  await addWindow.getByLabel("Date").fill(windowDate);
  await addWindow.getByLabel("Start (local)").fill("10:00");
  await addWindow.getByLabel("Time zone").selectOption("UTC");
  await addWindow.getByLabel("Capacity").fill("2");
  await addWindow.getByRole("button", { name: "Add window" }).click();
  await expect(addWindow.getByRole("status")).toHaveText(`Window added: ${formatInZone(startsAt, "UTC")}.`);

  await support.goto("/support/schedule?tz=Europe/Vilnius");
  const row = support.getByRole("row").filter({ hasText: state.leafSubject! });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("New (replaces nothing)");
  await row.getByRole("combobox").selectOption({ label: `${formatInZone(startsAt, "Europe/Vilnius")} — 0 of 2 booked` });
  await row.getByRole("button", { name: "Schedule" }).click();
  // Booked: the certificate leaves "ready" and appears under the booked enablements, time in the viewer's zone.
  const booked = support.getByRole("region", { name: "Booked enablements", exact: true }).getByRole("row").filter({ hasText: state.leafSubject! });
  await expect(booked).toContainText(formatInZone(startsAt, "Europe/Vilnius"));
  await expect(support.getByRole("region", { name: "Ready to schedule", exact: true }).getByRole("row").filter({ hasText: state.leafSubject! })).toHaveCount(0);
});

test("the partner sees the date in their own zone, named, and downloads an .ics that parses", async ({ browser }) => {
  // A partner in New York: the window shows in New York time, with the zone named, and in UTC.
  const partner = await as(browser, "partner@acme.test", "America/New_York");
  await partner.goto(`/apps/${state.appId}/environments/stage`);
  const item = partner.getByTestId("scheduled-enablement").filter({ hasText: state.leafSubject! });
  await expect(item).toContainText(`enabled in the window of ${formatInZones(startsAt, "America/New_York")}`);
  const downloading = partner.waitForEvent("download");
  await partner.getByRole("link", { name: "Add to calendar (.ics)" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("certdesk-acme-checkout-stage.ics");
  const saved = path.join(files.dir, "window.ics");
  await download.saveAs(saved);
  const text = readFileSync(saved, "utf8");
  const events = parseIcs(text).filter((e) => unescapeIcsText(e.properties.DESCRIPTION ?? "").includes(state.leafSubject!));
  expect(events).toHaveLength(1);
  expect(text.split("\r\n").every((line) => Buffer.byteLength(line, "utf8") <= 75)).toBe(true);
  const stamp = startsAt.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  expect(events[0]!.properties).toMatchObject({ DTSTART: stamp, STATUS: "CONFIRMED" });
  expect(events[0]!.properties.SUMMARY).toBe("Certificate enablement: Acme Checkout (Stage)");

  // Another organisation's partner cannot fetch it: the app is "not found" for them.
  const globex = await as(browser, "partner@globex.test");
  const response = await globex.request.get(`/apps/${state.appId}/environments/stage/schedule`);
  expect(response.status()).toBe(404);
});
