/**
 * Issue 16 item 2: the upload page speaks the app's program. For each of the four example
 * programs the partner's New submission page shows the summary generated from the program
 * data (lib/policy/program-summary), only the program's purposes, and the openssl commands.
 */
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "../helpers/auth";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseProgram } from "../../lib/policy/program";
import { summarizeProgram } from "../../lib/policy/program-summary";

const CASES = [
  { partner: "partner@acme.test", app: "Acme Checkout", env: "Stage", program: "self-signed-allowed" },
  { partner: "partner@acme.test", app: "Acme Treasury Gateway", env: "Sandbox", program: "ca-chain" },
  { partner: "partner@globex.test", app: "Globex Payouts", env: "STAGE", program: "s2s-zip" },
  { partner: "partner@globex.test", app: "Globex Cards", env: "Sandbox", program: "provider-ca-csr" },
] as const;

/** Playwright's loader refuses JSON imports without an import attribute: read the program file itself. */
function loadExampleProgram(id: string) {
  const file = path.join(import.meta.dirname, "../../lib/policy/programs", `${id}.json`);
  return parseProgram(JSON.parse(readFileSync(file, "utf8")));
}

async function openUpload(page: Page, app: string, env: string): Promise<void> {
  await page.goto("/apps");
  await page.getByRole("link", { name: new RegExp(`^${env}\\b.* environment of ${app}`) }).first().click();
  await page.getByRole("link", { name: "New submission" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "New submission" })).toBeVisible();
}

for (const c of CASES) {
  test(`${c.program}: the upload page summarises the program from its data`, async ({ page }) => {
    const program = loadExampleProgram(c.program);
    const summary = summarizeProgram(program);
    await signIn(page, c.partner);
    await openUpload(page, c.app, c.env);
    const region = page.getByTestId("program-summary");
    await expect(region.getByRole("heading", { name: `What ${program.name} asks for` })).toBeVisible();
    await expect(region).toContainText(summary.headline);
    for (const item of summary.items) {
      await expect(region.getByRole("term").filter({ hasText: item.label })).toHaveCount(1);
      await expect(region.getByRole("definition").filter({ hasText: item.text })).toHaveCount(1);
    }
    // The commands are one click away.
    await region.getByText(/^How to make (it|them) with openssl$/).click();
    for (const command of summary.commands) await expect(region.getByText(command.command, { exact: true })).toBeVisible();
    // The purpose picker offers only the program's purposes.
    await expect(page.getByLabel("Purpose").locator("option")).toHaveCount(summary.purposes.length);
    // The drop zone repeats the headline instead of generic text.
    await expect(page.getByTestId("dropzone")).toContainText(summary.headline);
  });
}

test("provider-ca-csr says it in the partner's words, with both openssl commands", async ({ page }) => {
  await signIn(page, "partner@globex.test");
  await openUpload(page, "Globex Cards", "Sandbox");
  const region = page.getByTestId("program-summary");
  await expect(region).toContainText("Upload two CSRs, mTLS and signature, each from its own RSA 2048 key.");
  await expect(region).not.toContainText("Root certificate");
  await region.getByText("How to make them with openssl").click();
  await expect(region.getByText(/^openssl req -new -newkey rsa:2048 -nodes -keyout mtls\.key -out mtls\.csr/)).toBeVisible();
  await expect(region.getByText(/^openssl req -new -newkey rsa:2048 -nodes -keyout signature\.key -out signature\.csr/)).toBeVisible();
});

test("self-signed-allowed: the company-name rule applies to a self-signed root only", async ({ page }) => {
  await signIn(page, "partner@acme.test");
  await openUpload(page, "Acme Checkout", "Stage");
  await expect(page.getByTestId("program-summary")).toContainText("so must the root's CN when the chain is self-signed (a public CA's root is exempt)");
  await expect(page.getByTestId("program-summary")).toContainText("PEM as files or inside one .zip. DER or PKCS#7 files must be converted to PEM first.");
});
