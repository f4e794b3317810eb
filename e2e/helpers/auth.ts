import { expect, type Browser, type BrowserContextOptions, type Locator, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "certdesk-demo";

/** Signs in through the real form, as a user would. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/signin/);
}

/** A page in its own browser context (UTC unless the options say otherwise), signed in as `email`. */
export async function signedInPage(browser: Browser, email: string, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ timezoneId: "UTC", ...options });
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

/** Opens a two-step form (the <details> around it) and returns the form. */
export async function openConfirm(_page: Page, form: Locator): Promise<Locator> {
  await form.locator("xpath=ancestor::details[1]").locator("summary").click();
  await expect(form).toBeVisible();
  return form;
}
