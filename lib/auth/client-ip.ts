/**
 * The client's address, for sign-in throttling and the audit trail (issue 10, item 3).
 *
 * X-Forwarded-For and X-Real-IP are NEVER read: without a proxy in front, the client
 * writes them itself, and a limiter keyed on them lets anyone pick whose bucket their
 * failures land in (or get a fresh one per request). Only the configured proxy's own
 * header is believed (`CERTDESK_TRUSTED_PROXY`):
 *
 * - "none" (local): the TCP peer. `scripts/start.ts` writes it into
 *   SOCKET_ADDRESS_HEADER on every request, overwriting anything the client sent.
 * - "cloudfront" (AWS): `CloudFront-Viewer-Address` ("198.51.100.10:46532",
 *   "2001:db8::1:46532"), which CloudFront sets itself and clients cannot pre-fill
 *   (it is added by an origin request policy; a client-sent one is replaced).
 */
import { getConfig, type TrustedProxy } from "@/lib/config";

/** Set by scripts/start.ts from `req.socket.remoteAddress`; a client-sent value is overwritten. */
export const SOCKET_ADDRESS_HEADER = "x-certdesk-socket-address";
export const CLOUDFRONT_VIEWER_ADDRESS_HEADER = "cloudfront-viewer-address";

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function headerOf(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** The trusted proxy of the running configuration ("none" when it cannot be read). */
function configuredProxy(): TrustedProxy {
  try {
    return getConfig().trustedProxy;
  } catch {
    return "none";
  }
}

const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;
const IPV6 = /^[0-9a-f:.]{2,45}$/i;

/** An IPv4 or IPv6 literal, normalised ("::ffff:10.0.0.1" → "10.0.0.1"), or null. */
export function normaliseIp(value: string | undefined): string | null {
  if (!value) return null;
  let ip = value.trim().replace(/^\[|\]$/g, "");
  if (/^::ffff:/i.test(ip) && IPV4.test(ip.slice(7))) ip = ip.slice(7);
  if (IPV4.test(ip)) return ip;
  return IPV6.test(ip) && ip.includes(":") ? ip.toLowerCase() : null;
}

/** "ip:port" as CloudFront writes it (IPv6 without brackets: the port is after the last colon). */
function stripPort(value: string): string {
  const v = value.trim();
  if (v.startsWith("[")) return v.slice(1, v.indexOf("]"));
  const at = v.lastIndexOf(":");
  return at > 0 ? v.slice(0, at) : v;
}

/**
 * The client's IP as the trusted proxy (or the socket) reports it, or null when it is
 * not known. Never a client-supplied forwarding header.
 *
 * @example
 * clientIpFrom(request.headers) // "203.0.113.9"
 */
export function clientIpFrom(headers: HeaderSource, trustedProxy: TrustedProxy = configuredProxy()): string | null {
  switch (trustedProxy) {
    case "cloudfront": {
      const viewer = headerOf(headers, CLOUDFRONT_VIEWER_ADDRESS_HEADER);
      return viewer ? normaliseIp(stripPort(viewer.split(",")[0] ?? "")) : null;
    }
    case "none":
      return normaliseIp(headerOf(headers, SOCKET_ADDRESS_HEADER));
    default: {
      const never: never = trustedProxy;
      throw new Error(`unknown trusted proxy ${String(never)}`);
    }
  }
}

export function userAgentFrom(headers: HeaderSource): string | null {
  const ua = headerOf(headers, "user-agent");
  return ua ? ua.slice(0, 256) : null;
}
