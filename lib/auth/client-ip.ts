/**
 * The client's IP for rate limiting and the audit trail. X-Forwarded-For is a list
 * the client can pre-fill; only the LAST entry was added by the proxy in front of us
 * (Next's own server locally, CloudFront/Lambda URL on AWS), so that is the one used.
 */
export function clientIpFrom(headers: Headers | Record<string, string | string[] | undefined>): string | null {
  const get = (name: string): string | undefined => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const v = headers[name] ?? headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(",") : v;
  };
  const forwarded = get("x-forwarded-for");
  const last = forwarded?.split(",").map((s) => s.trim()).filter(Boolean).at(-1);
  const ip = last ?? get("x-real-ip")?.trim();
  // Bounded, so a forged header cannot bloat the attempts table.
  return ip ? ip.slice(0, 64) : null;
}

export function userAgentFrom(headers: Headers | Record<string, string | string[] | undefined>): string | null {
  const v = headers instanceof Headers ? headers.get("user-agent") : headers["user-agent"];
  const ua = Array.isArray(v) ? v[0] : v;
  return ua ? ua.slice(0, 256) : null;
}
