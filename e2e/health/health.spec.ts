import { expect, test } from "@playwright/test";
import { signIn } from "../helpers/auth";

test("/api/health reports database, storage and keyring up, without secrets", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body).toMatchObject({
    status: "ok",
    database: { ok: true },
    storage: { ok: true },
    keyring: { ok: true },
  });
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/S3RVER|secret|password|BEGIN/i);
});

test("pages carry the security headers", async ({ page }) => {
  const response = await page.goto("/signin");
  const headers = response!.headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-powered-by"]).toBeUndefined();
});

test("sign-in, sign-out and refused access are audited, and the chain verifies", async ({ page }) => {
  await signIn(page, "partner@globex.test");
  expect((await page.goto("/admin/users"))?.status()).toBe(403);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/signedOut=1/);

  await signIn(page, "admin@certdesk.test");
  await page.goto("/admin/audit");
  await expect(page.getByRole("heading", { level: 1, name: "Audit trail" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("Chain verified");
  const row = (action: string, who: string) => page.getByRole("row").filter({ hasText: action }).filter({ hasText: who }).first();
  await expect(row("access.refused", "partner@globex.test")).toContainText("refused");
  await expect(row("auth.sign-out", "partner@globex.test")).toContainText("success");
  await expect(row("auth.sign-in", "admin@certdesk.test")).toContainText("success");
});
