import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, signIn } from "../helpers/auth";

const HOMES = [
  { email: "partner@acme.test", path: "/apps", heading: "Developer apps" },
  { email: "partner@globex.test", path: "/apps", heading: "Developer apps" },
  { email: "reviewer1@certdesk.test", path: "/reviews", heading: "Review queue" },
  { email: "reviewer2@certdesk.test", path: "/reviews", heading: "Review queue" },
  { email: "support@certdesk.test", path: "/support", heading: "Enablements" },
  { email: "admin@certdesk.test", path: "/admin", heading: "Administration" },
] as const;

for (const home of HOMES) {
  test(`${home.email} signs in and lands on ${home.path}`, async ({ page }) => {
    await signIn(page, home.email);
    await expect(page).toHaveURL(new RegExp(`${home.path}$`));
    await expect(page.getByRole("heading", { level: 1, name: home.heading })).toBeVisible();
    // The current section is marked for assistive technology.
    await expect(page.getByRole("navigation", { name: "Main" }).locator('[aria-current="page"]')).toHaveCount(1);
  });
}

test("the partner home shows each app's environments with a certificate status", async ({ page }) => {
  await signIn(page, "partner@acme.test");
  await expect(page.getByRole("heading", { level: 2, name: "Acme Checkout" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Acme Treasury Gateway" })).toBeVisible();
  // Only Acme's apps: Globex's are another tenant's.
  await expect(page.getByText("Globex Payouts")).toHaveCount(0);
  const cells = page.locator(".env-cell");
  await expect(cells).toHaveCount(4);
  await expect(cells.first()).toContainText("No certificate");
  await cells.first().click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Acme");
  await expect(page.getByRole("heading", { level: 2, name: "Submissions" })).toBeVisible();
});

test("a wrong password gets a clear message that does not say which part was wrong", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("E-mail address").fill("partner@acme.test");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator(`p[role="alert"]`)).toHaveText("The e-mail address or password is incorrect. Check both and try again.");
  await expect(page).toHaveURL(/\/signin/);

  // An unknown e-mail gets exactly the same answer (no account enumeration).
  await page.getByLabel("E-mail address").fill("nobody@acme.test");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator(`p[role="alert"]`)).toHaveText("The e-mail address or password is incorrect. Check both and try again.");
});

test("repeated failures from one browser slow that browser down for the e-mail, with a 'try again in N minutes' message", async ({ page }) => {
  // An address no account has: the limiter counts it the same way (no user enumeration), and no
  // other journey is locked out by it.
  const email = "locked-out@certdesk.test";
  await page.goto("/signin");
  for (let i = 0; i < 5; i++) {
    await page.getByLabel("E-mail address").fill(email);
    await page.getByLabel("Password").fill(`wrong-${i}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator(`p[role="alert"]`)).toContainText("incorrect");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
  }
  // Now even the right password is refused FROM THIS SOURCE until its delay has passed
  // (issue 10: progressive per-source delay; other sources are not affected).
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator(`p[role="alert"]`)).toHaveText(/Too many failed sign-in attempts\. Try again in 1 minute\./);
});

test("signed-out visitors are sent to sign-in and come back where they were going", async ({ page }) => {
  await page.goto("/admin/users");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fadmin%2Fusers/);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in to Certdesk" })).toBeVisible();
  await page.getByLabel("E-mail address").fill("admin@certdesk.test");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole("cell", { name: "partner@globex.test" })).toBeVisible();
});

test("a signed-out visitor of / goes to sign-in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin$/);
});

test("keyboard-only sign-in works, with a skip link and visible focus", async ({ page }) => {
  await page.goto("/signin");
  // The e-mail field has focus on arrival; everything else is reachable with Tab.
  await expect(page.getByLabel("E-mail address")).toBeFocused();
  await page.keyboard.type("support@certdesk.test");
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Password")).toBeFocused();
  await page.keyboard.type(DEMO_PASSWORD);
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/support$/);

  // First Tab on a portal page reaches the skip link, which moves focus to the content.
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to main content" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
});

test("sign-out ends the session", async ({ page }) => {
  await signIn(page, "partner@globex.test");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin\?signedOut=1/);
  await expect(page.getByRole("status")).toHaveText("You have been signed out.");
  await page.goto("/apps");
  await expect(page).toHaveURL(/\/signin/);
});
