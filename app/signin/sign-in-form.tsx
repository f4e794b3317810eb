"use client";
import { signIn } from "next-auth/react";
import { useRef, useState, type FormEvent } from "react";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { signInErrorMessage } from "./messages";

export function SignInForm({ callbackUrl, initialError }: { callbackUrl: string; initialError?: string }) {
  const [error, setError] = useState<string | undefined>(initialError);
  const [pending, setPending] = useState(false);
  const alertRef = useRef<HTMLParagraphElement>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(undefined);
    try {
      const result = await signIn("credentials", {
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
        redirect: false,
        callbackUrl,
      });
      if (!result || result.error || !result.ok) {
        setError(signInErrorMessage(result?.error ?? "unknown"));
        setPending(false);
        // Move focus to the message so screen-reader and keyboard users hear it at once.
        requestAnimationFrame(() => alertRef.current?.focus());
        return;
      }
      // A full navigation, so the server renders the portal with the new session cookie.
      // Checked again here against the page's own origin: this is the line an open
      // redirect would go through.
      window.location.assign(safeCallbackPath(callbackUrl, window.location.origin));
    } catch {
      setError("Sign-in did not work. Check your connection and try again.");
      setPending(false);
    }
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate={false}>
      {error ? (
        <p className="alert alert--error" role="alert" tabIndex={-1} ref={alertRef} id="signin-error">
          {error}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="email">E-mail address</label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          aria-describedby={error ? "signin-error" : undefined}
        />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
      </div>
      <button type="submit" className="button" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
