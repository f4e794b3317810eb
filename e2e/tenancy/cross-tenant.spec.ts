import { expect, test, type Page } from "@playwright/test";
import { signIn } from "../helpers/auth";

/** The environment links of the signed-in partner's home. */
async function environmentLinks(page: Page): Promise<string[]> {
  await page.goto("/apps");
  const hrefs = await page.locator("a.env-cell").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  expect(hrefs.length).toBeGreaterThan(0);
  return hrefs;
}

test("a partner of Acme opening a Globex app's URL gets not-found", async ({ browser }) => {
  const globex = await browser.newPage();
  await signIn(globex, "partner@globex.test");
  const globexLinks = await environmentLinks(globex);
  // Globex's own partner can open it: the URL is real.
  await globex.goto(globexLinks[0]!);
  await expect(globex.getByRole("heading", { level: 1 })).toContainText("Globex");
  await globex.close();

  const acme = await browser.newPage();
  await signIn(acme, "partner@acme.test");
  for (const href of globexLinks) {
    const response = await acme.goto(href);
    expect(response?.status()).toBe(404);
    await expect(acme.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
    await expect(acme.getByText("Globex")).toHaveCount(0);
  }
  // A made-up id answers the same way.
  const response = await acme.goto("/apps/00000000-0000-4000-8000-000000000000/environments/production");
  expect(response?.status()).toBe(404);
  const malformed = await acme.goto("/apps/not-a-uuid/environments/production");
  expect(malformed?.status()).toBe(404);
  await acme.close();
});

test("staff can open any organisation's app; a partner cannot open staff pages", async ({ page }) => {
  await signIn(page, "partner@acme.test");
  for (const path of ["/admin", "/admin/audit", "/reviews", "/support"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(page.getByRole("heading", { level: 1, name: "No access" })).toBeVisible();
  }
  const acmeLinks = await environmentLinks(page);

  await page.context().clearCookies();
  await signIn(page, "support@certdesk.test");
  await page.goto(acmeLinks[0]!);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Acme");
});
