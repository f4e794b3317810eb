/**
 * The one way Certdesk fetches URLs found in certificates (CRL distribution points, OCSP
 * responders, AIA caIssuers). Those URLs are written by whoever made the certificate, so
 * this is an SSRF boundary and is safe by construction:
 *
 * - `http:` (what RFC 5280/6960 intend) and `https:` only; no credentials in the URL.
 * - The host is parsed by the WHATWG URL parser (as browsers do: `http://2130706433/`,
 *   `http://0177.0.0.1/`, `http://0x7f.1/` are all 127.0.0.1), resolved, and EVERY resolved
 *   address is judged ({@link addressRefusal}) before any connection; the socket is then
 *   opened to that checked address (no second lookup, so DNS rebinding cannot swap it).
 * - The same holds for each redirect (at most 2).
 * - 5 s for the whole exchange, 1 MiB body cap, no cookies sent or kept, no auth headers,
 *   no connection reuse.
 * - `allowHosts` (CERTDESK_FETCH_ALLOW_HOSTS) is the only way to reach a refused address —
 *   for tests and the embedded runtime.
 */
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { type AddressRefusal, addressRefusal } from "./address";

export type ResolvedAddress = { address: string; family: 4 | 6 };
/** DNS resolution, injectable so tests can make any name resolve to any address. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export type PkiFetchOptions = {
  /** `host` or `host:port` entries that may be reached whatever their address. */
  allowHosts?: readonly string[];
  resolve?: Resolver;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
};

export type PkiRequest = {
  method?: "GET" | "POST";
  body?: Uint8Array;
  contentType?: string;
  accept?: string;
};

export type PkiResponse = { status: number; contentType: string | undefined; body: Uint8Array; url: string };

export type PkiFetchErrorKind =
  | "bad-url"
  | "refused-scheme"
  | "refused-credentials"
  | "refused-address"
  | "unreachable"
  | "timeout"
  | "too-large"
  | "http-status"
  | "too-many-redirects";

export class PkiFetchError extends Error {
  constructor(
    readonly kind: PkiFetchErrorKind,
    message: string,
    readonly url: string,
  ) {
    super(message);
    this.name = "PkiFetchError";
  }
}

export const PKI_FETCH_TIMEOUT_MS = 5_000;
export const PKI_FETCH_MAX_BYTES = 1024 * 1024;
export const PKI_FETCH_MAX_REDIRECTS = 2;

const systemResolver: Resolver = async (hostname) => {
  const found = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** Parses `CERTDESK_FETCH_ALLOW_HOSTS`: comma-separated `host` or `host:port` (IPv6 in brackets). */
export function parseAllowHosts(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

function defaultPort(url: URL): string {
  return url.port || (url.protocol === "https:" ? "443" : "80");
}

/** Whether the URL's host (as the WHATWG parser normalised it) is on the allowlist. */
export function isAllowedHost(url: URL, allowHosts: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  const port = defaultPort(url);
  return allowHosts.some((entry) => {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    if (!m) return false;
    let h = m[1]!;
    // Normalise the entry as the URL parser would (e.g. "0x7f.1" or "[::FFFF:7f00:1]").
    try {
      h = new URL(`http://${h}/`).hostname;
    } catch {
      return false;
    }
    return h === host && (m[2] === undefined || m[2] === port);
  });
}

function refused(url: string, host: string, address: string, why: AddressRefusal): PkiFetchError {
  const shown = host === address ? address : `${host} (${address})`;
  return new PkiFetchError("refused-address", `refused to fetch ${url}: ${shown} is a ${why} address`, url);
}

/** Resolves and judges the URL's host; returns the one address to connect to. */
async function checkedAddress(url: URL, opts: PkiFetchOptions): Promise<ResolvedAddress> {
  const href = url.href;
  const bare = url.hostname.replace(/^\[|\]$/g, "");
  const allowed = isAllowedHost(url, opts.allowHosts ?? []);
  let addresses: ResolvedAddress[];
  if (net.isIP(bare)) {
    addresses = [{ address: bare, family: net.isIPv6(bare) ? 6 : 4 }];
  } else {
    try {
      addresses = await (opts.resolve ?? systemResolver)(bare);
    } catch {
      throw new PkiFetchError("unreachable", `${bare} could not be resolved`, href);
    }
    if (addresses.length === 0) throw new PkiFetchError("unreachable", `${bare} has no address`, href);
  }
  if (!allowed) {
    // Every address is judged, not just the first: a name that resolves to one public and one
    // internal address is refused rather than left to the connect order.
    for (const a of addresses) {
      if (!net.isIP(a.address)) throw new PkiFetchError("unreachable", `${bare} resolved to something that is not an IP address`, href);
      const why = addressRefusal(a.address);
      if (why) throw refused(href, bare, a.address, why);
    }
  }
  return addresses[0]!;
}

function parseUrl(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = base ? new URL(raw, base) : new URL(raw);
  } catch {
    throw new PkiFetchError("bad-url", `not a URL: ${JSON.stringify(raw.slice(0, 200))}`, raw);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new PkiFetchError("refused-scheme", `only http: and https: URLs are fetched, not ${url.protocol}`, url.href);
  if (url.username || url.password) throw new PkiFetchError("refused-credentials", "URLs with credentials are not fetched", url.href.replace(/\/\/[^@]*@/, "//"));
  return url;
}

type Once = { status: number; location?: string; contentType?: string; body: Uint8Array };

function requestOnce(url: URL, address: ResolvedAddress, req: PkiRequest, ctx: { deadline: number; maxBytes: number }): Promise<Once> {
  return new Promise<Once>((resolve, reject) => {
    const href = url.href;
    const remaining = ctx.deadline - Date.now();
    if (remaining <= 0) return reject(new PkiFetchError("timeout", `no answer from ${href} within the time limit`, href));
    const hostname = url.hostname.replace(/^\[|\]$/g, "");
    const headers: Record<string, string> = {
      host: url.host,
      "user-agent": "Certdesk-PKI-Fetch/1",
      accept: req.accept ?? "*/*",
      connection: "close",
    };
    if (req.body) {
      headers["content-type"] = req.contentType ?? "application/octet-stream";
      headers["content-length"] = String(req.body.byteLength);
    }
    const options: https.RequestOptions = {
      // The checked address itself: Node does not look a literal IP up again.
      host: address.address,
      family: address.family,
      port: Number(defaultPort(url)),
      path: `${url.pathname}${url.search}`,
      method: req.method ?? "GET",
      headers,
      agent: false,
      ...(url.protocol === "https:" && !net.isIP(hostname) ? { servername: hostname } : {}),
    };
    const mod = url.protocol === "https:" ? https : http;
    let settled = false;
    const fail = (e: PkiFetchError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      r.destroy();
      reject(e);
    };
    const timer = setTimeout(() => fail(new PkiFetchError("timeout", `no complete answer from ${href} within the time limit`, href)), remaining);
    const r = mod.request(options, (res) => {
      const status = res.statusCode ?? 0;
      const length = Number(res.headers["content-length"] ?? "0");
      if (length > ctx.maxBytes) return fail(new PkiFetchError("too-large", `${href} announced ${length} bytes; the limit is ${ctx.maxBytes}`, href));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > ctx.maxBytes) return fail(new PkiFetchError("too-large", `${href} sent more than ${ctx.maxBytes} bytes`, href));
        chunks.push(c);
      });
      res.on("end", () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const ct = res.headers["content-type"];
        resolve({ status, location: res.headers.location, contentType: typeof ct === "string" ? ct : undefined, body: new Uint8Array(Buffer.concat(chunks)) });
      });
      res.on("error", () => fail(new PkiFetchError("unreachable", `the answer from ${href} broke off`, href)));
    });
    r.on("error", (e: NodeJS.ErrnoException) => fail(new PkiFetchError("unreachable", `${href} could not be reached (${e.code ?? "connection error"})`, href)));
    r.end(req.body ? Buffer.from(req.body) : undefined);
  });
}

/**
 * Fetches a PKI URL under the rules above. Resolves with any HTTP 2xx answer; throws
 * {@link PkiFetchError} (with a `kind` the revocation findings quote) otherwise.
 *
 * @example
 * const crl = await fetchPkiUrl("http://crl.example-ca.com/issuing.crl", {}, { allowHosts: [] });
 */
export async function fetchPkiUrl(rawUrl: string, req: PkiRequest = {}, opts: PkiFetchOptions = {}): Promise<PkiResponse> {
  const deadline = Date.now() + (opts.timeoutMs ?? PKI_FETCH_TIMEOUT_MS);
  const maxBytes = opts.maxBytes ?? PKI_FETCH_MAX_BYTES;
  const maxRedirects = opts.maxRedirects ?? PKI_FETCH_MAX_REDIRECTS;
  let url = parseUrl(rawUrl);
  let request = req;
  for (let hop = 0; ; hop++) {
    const address = await checkedAddress(url, opts);
    const res = await requestOnce(url, address, request, { deadline, maxBytes });
    if ([301, 302, 303, 307, 308].includes(res.status) && res.location) {
      if (hop >= maxRedirects) throw new PkiFetchError("too-many-redirects", `${rawUrl} redirected more than ${maxRedirects} times`, url.href);
      // The next hop goes through the same scheme, credential and address checks.
      url = parseUrl(res.location, url);
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && request.method === "POST")) request = { accept: req.accept };
      continue;
    }
    if (res.status < 200 || res.status > 299) throw new PkiFetchError("http-status", `${url.href} answered HTTP ${res.status}`, url.href);
    return { status: res.status, contentType: res.contentType, body: res.body, url: url.href };
  }
}
