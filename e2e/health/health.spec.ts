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

test("the audit page lists sign-ins and verifies the chain", async ({ page }) => {
  await signIn(page, "admin@certdesk.test");
  await page.goto("/admin/audit");
  await expect(page.getByRole("heading", { level: 1, name: "Audit trail" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("verified");
  await expect(page.getByRole("cell", { name: "auth.sign-in" }).first()).toBeVisible();
});
