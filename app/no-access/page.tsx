import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/session";
import { SignOutButton } from "@/app/_components/sign-out-button";

export const metadata: Metadata = { title: "No role yet" };
export const dynamic = "force-dynamic";

/** A signed-in user without any membership: nothing to show until an admin adds a role. */
export default async function NoAccessPage() {
  const user = await requireUser();
  return (
    <main id="main" className="main" tabIndex={-1}>
      <h1>No role yet</h1>
      <p>
        You are signed in as {user.email}, but your account has no role in any organisation yet. Ask an administrator to add you.
      </p>
      <SignOutButton />
    </main>
  );
}
