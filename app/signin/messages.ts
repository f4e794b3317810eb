/**
 * Sign-in error codes (from next-auth's redirect or our authorize()) → what the user
 * reads. A fixed table: the `error` query parameter is attacker-controlled, so its
 * text is never shown as such.
 */
export const RATE_LIMITED_PREFIX = "RATE_LIMITED:";

export function signInErrorMessage(code: string): string {
  if (code.startsWith(RATE_LIMITED_PREFIX)) {
    const minutes = Number.parseInt(code.slice(RATE_LIMITED_PREFIX.length), 10);
    const n = Number.isFinite(minutes) && minutes > 0 && minutes < 1000 ? minutes : 15;
    return `Too many failed sign-in attempts. Try again in ${n} minute${n === 1 ? "" : "s"}.`;
  }
  switch (code) {
    case "CredentialsSignin":
      // Same message for an unknown e-mail and a wrong password: no account enumeration.
      return "The e-mail address or password is incorrect. Check both and try again.";
    case "AccessDenied":
      return "Your company account is not registered with Certdesk, or its e-mail address is not verified. Ask your administrator for access.";
    case "SessionRequired":
      return "Please sign in to continue.";
    default:
      return "Sign-in did not work. Please try again.";
  }
}
