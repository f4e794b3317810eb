/**
 * Issue 16 item 10: small things seen on the way — no "Production Production" where the
 * environment's label already says it, and one landmark per name on the environment and
 * program pages (axe landmark-unique, checked on its own here).
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { signIn } from "../helpers/auth";

test("a production environment is not labelled twice, and its landmarks are unique", async ({ page }) => {
  await signIn(page, "partner@acme.test");
  await page.goto("/apps");
  await page.getByRole("link", { name: /^Production environment of Acme Checkout/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Acme Checkout — Production");
  expect(await page.getByRole("main").innerText()).not.toMatch(/Production\s+Production/);
  const results = await new AxeBuilder({ page }).withRules(["landmark-unique", "region"]).analyze();
  expect(results.violations.map((v) => v.id)).toEqual([]);
});

test("the program page has one landmark per name", async ({ page }) => {
  await signIn(page, "admin@certdesk.test");
  await page.goto("/admin/programs/self-signed-allowed");
  const results = await new AxeBuilder({ page }).withRules(["landmark-unique"]).analyze();
  expect(results.violations.map((v) => v.id)).toEqual([]);
  await expect(page.getByRole("region", { name: "Environments", exact: true })).toHaveCount(1);
  await expect(page.getByRole("region", { name: "Rules", exact: true })).toHaveCount(1);
});

test("support's schedule does not say Production twice", async ({ page }) => {
  await signIn(page, "support@certdesk.test");
  await page.goto("/support/schedule");
  expect(await page.getByRole("main").innerText()).not.toMatch(/Production\s+Production/);
});
