import { expect, type APIRequestContext } from "@playwright/test";

/**
 * Signs a request context in through next-auth's credentials endpoint (CSRF cookie + form
 * post), as the sign-in form does, without a browser; the context keeps the session cookie.
 */
export async function signInOverHttp(request: APIRequestContext, email: string, options: { password?: string; callbackUrl?: string } = {}): Promise<string> {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const response = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password: options.password ?? "certdesk-demo", json: "true", callbackUrl: options.callbackUrl ?? "/" },
    maxRedirects: 0,
    failOnStatusCode: false,
  });
  expect(response.status(), `sign-in of ${email}`).toBeLessThan(400);
  const body = (await response.json().catch(() => ({}))) as { url?: string };
  return body.url ?? response.headers().location ?? "";
}

/** Signs the context out through next-auth (its signOut event ends the server-side session). */
export async function signOutOverHttp(request: APIRequestContext): Promise<void> {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const response = await request.post("/api/auth/signout", {
    form: { csrfToken, json: "true", callbackUrl: "/signin?signedOut=1" },
    maxRedirects: 0,
    failOnStatusCode: false,
  });
  expect(response.status()).toBeLessThan(400);
}
