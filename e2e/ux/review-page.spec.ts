/**
 * Issue 16 item 6: the review page serves the reviewer — the evidence comes first and the
 * decision last, and once a reviewer has approved a production submission (two approvals
 * needed), Approve is disabled in their decision form and says when they approved. The
 * submission is withdrawn at the end, so the slot is free for the next journey.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import { signedInPage } from "../helpers/auth";
import { submitGlobexCardsCsrs } from "../helpers/globex";
import { TempFiles } from "../submissions/material";

const files = new TempFiles();
const label = `ux${Date.now().toString(36)}`;
test.afterAll(() => files.remove());

const as = (browser: Browser, email: string): Promise<Page> => signedInPage(browser, email);

test("evidence first, decision last; after approving, Approve is disabled with the time", async ({ browser }) => {
  const partner = await as(browser, "partner@globex.test");
  const submissionId = (await submitGlobexCardsCsrs(partner, files, label)).split("/").pop()!;

  const reviewer = await as(browser, "reviewer1@certdesk.test");
  await reviewer.goto(`/reviews/${submissionId}`);
  const headings = await reviewer.getByRole("main").getByRole("heading", { level: 2 }).allTextContents();
  expect(headings.at(-1)).toBe("Decision");
  expect(headings.indexOf("Findings")).toBeGreaterThanOrEqual(0);
  expect(headings.indexOf("Findings")).toBeLessThan(headings.indexOf("Decision"));
  // A skip link leads straight to the decision for a reviewer who has read the evidence.
  await expect(reviewer.getByRole("link", { name: "Go to the decision" })).toHaveAttribute("href", "#decision");

  // Issue 16: one decision form; Approve is an outcome of it.
  const approve = reviewer.getByRole("form", { name: "Your decision" });
  await expect(approve.getByRole("radio", { name: "Approve" })).toBeEnabled();
  await approve.getByRole("radio", { name: "Approve" }).check();
  await approve.getByRole("button", { name: "Approve" }).click();
  await expect(approve.getByRole("status")).toBeVisible();
  await reviewer.reload();
  await expect(reviewer.getByRole("form", { name: "Your decision" }).getByRole("radio", { name: "Approve" })).toBeDisabled();
  await expect(reviewer.getByTestId("approve-note")).toHaveText(/^You approved at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\.$/);

  // The second reviewer can still approve.
  const second = await as(browser, "reviewer2@certdesk.test");
  await second.goto(`/reviews/${submissionId}`);
  await expect(second.getByRole("form", { name: "Your decision" }).getByRole("radio", { name: "Approve" })).toBeEnabled();
  await expect(second.getByTestId("approve-note")).toHaveCount(0);

  // Leave the slot as it was (e2e/ux/reviewer.spec.ts uploads into it next): the partner withdraws.
  await partner.reload();
  await partner.getByRole("button", { name: "Withdraw submission" }).click();
  await expect(partner.getByTestId("submission-status")).toHaveText(/Withdrawn/);
});
