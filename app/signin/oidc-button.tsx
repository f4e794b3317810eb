"use client";
import { signIn } from "next-auth/react";
import { useState } from "react";

export function OidcButton({ callbackUrl }: { callbackUrl: string }) {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      className="button"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signIn("oidc", { callbackUrl });
      }}
    >
      {pending ? "Redirecting…" : "Sign in with your company account"}
    </button>
  );
}
