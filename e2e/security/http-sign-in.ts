import { expect, type APIRequestContext } from "@playwright/test";

/**
 * Signs an API request context in through next-auth's own credentials endpoint (CSRF token
 * cookie + form post), the way the sign-in form does, without a browser. The context keeps
 * the session cookie for the requests that follow.
 */
export async function signInOverHttp(request: APIRequestContext, email: string, password = "certdesk-demo"): Promise<void> {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const response = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true", callbackUrl: "/" },
    maxRedirects: 0,
    failOnStatusCode: false,
  });
  expect(response.status(), `sign-in of ${email}`).toBeLessThan(400);
  const session = (await (await request.get("/api/auth/session")).json()) as { user?: { email?: string } };
  expect(session.user?.email, `session of ${email}`).toBe(email);
}
