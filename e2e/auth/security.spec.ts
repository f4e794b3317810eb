/**
 * Issue 10 against the running portal: no open redirect after sign-in (item 2), a session
 * cookie replayed after sign-out is refused (item 4), and a server action or an upload from
 * a foreign Origin is a 403 — not a 500, and not let through by X-Forwarded-Host (item 10).
 * The "over HTTP" tests need no browser (Playwright's request context only); the others
 * drive Chromium.
 */
import { expect, test, type Page } from "@playwright/test";
import { E2E_BASE_URL } from "../env";
import { DEMO_PASSWORD, signIn } from "../helpers/auth";
import { signInOverHttp, signOutOverHttp } from "./http";

const ORIGIN = new URL(E2E_BASE_URL).origin;

/** Anything that reaches evil.example is answered locally, so a redirect there is visible, not a DNS error. */
async function trapEvil(page: Page): Promise<void> {
  await page.context().route(/^https?:\/\/evil\.example\//, (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<h1>evil</h1>" }));
}

const BYPASSES = ["/\\evil.example", "/\t/evil.example", "//evil.example", "/%2F/evil.example", "javascript:alert(document.domain)", "http://localhost@evil.example/"];

test("sign-in never redirects off the portal, whatever callbackUrl says", async ({ page }) => {
  await trapEvil(page);
  for (const callbackUrl of BYPASSES) {
    await page.context().clearCookies();
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    await page.getByLabel("E-mail address").fill("partner@acme.test");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page, callbackUrl).not.toHaveURL(/\/signin/);
    expect(new URL(page.url()).origin, callbackUrl).toBe(ORIGIN);
    await expect(page.getByText("evil", { exact: true })).toHaveCount(0);
  }
  // Already signed in: the sign-in page's server-side redirect() obeys the same rule.
  for (const callbackUrl of BYPASSES) {
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    expect(new URL(page.url()).origin, callbackUrl).toBe(ORIGIN);
  }
  // A genuine same-origin target is kept.
  await page.goto(`/signin?callbackUrl=${encodeURIComponent("/tokens")}`);
  await expect(page).toHaveURL(/\/tokens$/);
});

test("a session cookie replayed after sign-out is refused", async ({ page, context }) => {
  await signIn(page, "partner@globex.test");
  const saved = await context.cookies();
  expect(saved.some((c) => c.name.includes("next-auth.session-token"))).toBe(true);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin\?signedOut=1/);
  // The attacker (or a shared computer's next user) puts the old cookie back.
  await context.addCookies(saved);
  await page.goto("/apps");
  await expect(page).toHaveURL(/\/signin/);
  // Without the browser: the same cookie on a plain HTTP request lands on sign-in too.
  const response = await page.request.get("/tokens");
  expect(response.url()).toMatch(/\/signin/);
});

test("a server action from a foreign Origin is a 403, not a 500", async ({ request }) => {
  const response = await request.post("/apps", {
    headers: { origin: "http://evil.example", "x-forwarded-host": "evil.example", "next-action": "7f".repeat(21), "content-type": "text/plain;charset=UTF-8" },
    data: "[]",
    failOnStatusCode: false,
  });
  expect(response.status()).toBe(403);
});

test("an upload from a foreign Origin is refused even with a matching X-Forwarded-Host", async ({ page }) => {
  await signIn(page, "partner@acme.test");
  await page.locator(".env-cell").first().click();
  await expect(page).toHaveURL(/\/apps\/[0-9a-f-]{36}\/environments\/[a-z0-9-]+$/);
  const upload = `${new URL(page.url()).pathname}/submissions/upload`;
  const response = await page.request.post(upload, {
    headers: { origin: "http://evil.example", "x-forwarded-host": "evil.example" },
    multipart: { files: { name: "chain.pem", mimeType: "application/x-pem-file", buffer: Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n") } },
    failOnStatusCode: false,
  });
  expect(response.status()).toBe(403);
});

// ── The same checks over plain HTTP (no browser) ────────────────────────────────────

test("over HTTP: sign-in's redirects stay on the portal for every bypass", async ({ request }) => {
  for (const callbackUrl of BYPASSES) {
    // next-auth's own answer to the sign-in post (its redirect callback).
    const url = await signInOverHttp(request, "partner@acme.test", { callbackUrl });
    expect(new URL(url, ORIGIN).origin, callbackUrl).toBe(ORIGIN);
    // The sign-in page of a signed-in user redirect()s to the callback on the server.
    const response = await request.get(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`, { maxRedirects: 0, failOnStatusCode: false });
    expect(response.status(), callbackUrl).toBeGreaterThanOrEqual(300);
    expect(response.status(), callbackUrl).toBeLessThan(400);
    expect(new URL(response.headers().location ?? "", ORIGIN).origin, callbackUrl).toBe(ORIGIN);
  }
  const kept = await request.get(`/signin?callbackUrl=${encodeURIComponent("/tokens?x=1")}`, { maxRedirects: 0, failOnStatusCode: false });
  expect(kept.headers().location).toMatch(/\/tokens\?x=1$/);
});

test("over HTTP: a session cookie replayed after sign-out is refused", async ({ request, playwright }) => {
  await signInOverHttp(request, "partner@globex.test");
  expect((await request.get("/apps", { maxRedirects: 0, failOnStatusCode: false })).status()).toBe(200);
  const stolen = await request.storageState();
  await signOutOverHttp(request);
  const replay = await playwright.request.newContext({ baseURL: E2E_BASE_URL, storageState: stolen });
  try {
    const page = await replay.get("/apps", { maxRedirects: 0, failOnStatusCode: false });
    expect(page.status()).toBe(307);
    expect(page.headers().location).toMatch(/\/signin/);
    const upload = await replay.post("/apps/00000000-0000-4000-8000-000000000000/environments/stage/submissions/upload", {
      headers: { origin: ORIGIN },
      multipart: { files: { name: "c.pem", mimeType: "application/x-pem-file", buffer: Buffer.from("x") } },
      failOnStatusCode: false,
    });
    expect(upload.status()).toBe(401);
  } finally {
    await replay.dispose();
  }
});

test("over HTTP: a signed-in partner's upload with a foreign Origin and matching X-Forwarded-Host is 403", async ({ request }) => {
  await signInOverHttp(request, "partner@acme.test");
  const html = await (await request.get("/apps")).text();
  const environment = /href="(\/apps\/[0-9a-f-]{36}\/environments\/[a-z0-9-]+)"/.exec(html)?.[1];
  expect(environment).toBeTruthy();
  const chain = Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  const response = await request.post(`${environment}/submissions/upload`, {
    headers: { origin: "http://evil.example", "x-forwarded-host": "evil.example" },
    multipart: { files: { name: "chain.pem", mimeType: "application/x-pem-file", buffer: chain } },
    failOnStatusCode: false,
  });
  expect(response.status()).toBe(403);
});
