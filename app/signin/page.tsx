import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getConfig } from "@/lib/config";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "@/lib/db/seed";
import { getSessionUser } from "@/lib/auth/session";
import { homePathFor } from "@/lib/auth/access";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { OidcButton } from "./oidc-button";
import { SignInForm } from "./sign-in-form";
import { signInErrorMessage } from "./messages";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string; callbackUrl?: string; signedOut?: string }>;
}) {
  const params = await searchParams;
  const config = getConfig();
  // Resolved against our own origin; anything that leaves it goes home (issue 10).
  const callbackUrl = safeCallbackPath(params.callbackUrl, config.publicUrl);
  const user = await getSessionUser();
  if (user) redirect(callbackUrl === "/" ? homePathFor(user) : callbackUrl);
  const error = params.error ? signInErrorMessage(params.error) : undefined;

  return (
    <main id="main" className="signin" tabIndex={-1}>
      <div className="signin__panel">
        <h1>Sign in to Certdesk</h1>
        {params.signedOut && !error ? (
          <p className="alert alert--info" role="status">
            You have been signed out.
          </p>
        ) : null}
        {config.auth.credentials ? (
          <SignInForm callbackUrl={callbackUrl} initialError={error} />
        ) : null}
        {config.auth.oidc ? (
          <>
            {error && !config.auth.credentials ? (
              <p className="alert alert--error" role="alert">
                {error}
              </p>
            ) : null}
            <OidcButton callbackUrl={callbackUrl} />
          </>
        ) : null}
        {config.mode === "local" ? (
          <section className="demo-accounts" aria-labelledby="demo-heading">
            <h2 id="demo-heading" className="meta">
              Demo accounts (local mode)
            </h2>
            <p>
              Password for all: <code>{DEMO_PASSWORD}</code>
            </p>
            <ul>
              {DEMO_ACCOUNTS.map((a) => (
                <li key={a.email}>
                  <code>{a.email}</code> — {a.role}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </div>
    </main>
  );
}
