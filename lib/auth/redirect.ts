/**
 * Where to send a user after sign-in (issue 10, item 2). `callbackUrl` comes from the
 * query string, so it is attacker-controlled: a value the browser reads as another
 * origin ("/\evil.example", "/<TAB>/evil.example", "//evil.example", "javascript:…",
 * "http://localhost@evil.example") would make the portal's sign-in page a phishing aid.
 *
 * Prefix checks ("starts with / but not //") miss what URL parsers normalise away:
 * backslashes become slashes and TAB/CR/LF are dropped. So the value is RESOLVED
 * against the portal's own origin with the WHATWG URL parser — the one the browser
 * will use — and accepted only if the origin is unchanged. What is returned is the
 * parser's normalised path, never the raw input. Pure: used by the server (redirect(),
 * next-auth's redirect callback) and the browser (window.location.assign) alike.
 */

/** Longest callback we consider; anything longer is not a link a user clicked. */
const MAX_CALLBACK_LENGTH = 2048;
/** C0 controls, DEL and backslash: never part of a path we produce, often part of a bypass. */
function suspicious(value: string): boolean {
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (code <= 0x1f || code === 0x7f || ch === "\\") return true;
  }
  return false;
}

/**
 * The same-origin path (with query and fragment) `value` points to, or "/" (home)
 * when it is missing, malformed, another origin, or (unless allowed) the sign-in page.
 *
 * @example
 * safeCallbackPath("/apps?x=1", "https://certdesk.example-bank.com") // "/apps?x=1"
 * safeCallbackPath("/\\evil.example", "https://certdesk.example-bank.com") // "/"
 */
export function safeCallbackPath(value: unknown, ownOrigin: string, options: { allowSignInPage?: boolean } = {}): string {
  if (typeof value !== "string" || value === "" || value.length > MAX_CALLBACK_LENGTH) return "/";
  let base: URL;
  let target: URL;
  try {
    base = new URL(ownOrigin);
    target = new URL(value, base);
  } catch {
    return "/";
  }
  if (target.origin !== base.origin) return "/";
  // A same-origin result built from a value with controls or backslashes is still
  // refused: other parsers (a proxy, an older browser) may read it differently.
  if (suspicious(value)) return "/";
  const path = target.pathname;
  // "/.//evil.example" resolves to the path "//evil.example": as a Location header that
  // is a protocol-relative URL again. Same for encoded slashes decoded by a later hop.
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return "/";
  }
  if (path.startsWith("//") || decoded.startsWith("//") || suspicious(decoded)) return "/";
  // Coming back to the sign-in page after signing in would loop (sign-OUT goes there on purpose).
  if (!options.allowSignInPage && (path === "/signin" || path.startsWith("/signin/"))) return "/";
  return `${path}${target.search}${target.hash}`;
}
