/**
 * Same-origin checks for cookie-authenticated state changes (issue 10, item 10). A
 * cross-site form or fetch POST carries the victim's cookie; the browser's `Origin`
 * header is what tells it apart, compared with the portal's CONFIGURED public URL
 * (`CERTDESK_PUBLIC_URL`) — never with Host or X-Forwarded-Host, which a client
 * (or a misconfigured proxy passing them through) controls.
 * Pure: proxy.ts, route handlers and tests use the same function.
 */

/**
 * Whether `origin` (an Origin header value) is the portal's own origin.
 *
 * @example
 * isOwnOrigin("https://certdesk.example-bank.com", "https://certdesk.example-bank.com/") // true
 * isOwnOrigin("null", "https://certdesk.example-bank.com") // false
 */
export function isOwnOrigin(origin: string | null | undefined, publicUrl: string): boolean {
  if (!origin || origin === "null") return false;
  try {
    const ours = new URL(publicUrl);
    const theirs = new URL(origin);
    // An Origin header is scheme://host[:port] and nothing else.
    if (theirs.username || theirs.password || (theirs.pathname !== "/" && theirs.pathname !== "") || theirs.search || theirs.hash) return false;
    return theirs.origin === ours.origin;
  } catch {
    return false;
  }
}

/** The configured public URL as the Next bundle sees it (lib/config's default when unset). */
export function publicUrlFromEnv(env: Record<string, string | undefined> = process.env): string {
  const value = env.CERTDESK_PUBLIC_URL?.trim();
  return value ? value : "http://localhost:3000";
}
