/**
 * Live revocation checking for the engine's `statusChecker` seam: OCSP first when the
 * certificate names a responder, its CRL distribution point otherwise (or when OCSP gives
 * no usable answer). Network access goes through an injected fetcher (lib/pki-fetch's
 * SSRF-safe one in production), so lib/pki stays pure and tests can point at local servers.
 *
 * Every check is also recorded as a {@link RevocationCheck} (status, source, URL, why, when)
 * for the reviewer's page and the daily re-check.
 */
import type { PkiRequest, PkiResponse } from "../pki-fetch/fetch";
import { PkiFetchError } from "../pki-fetch/fetch";
import { type ResponseCache, cacheExpiry } from "../pki-fetch/cache";
import { type ParsedCertificate, nameToString, parseCertificate } from "../pki/certificate";
import { toHex } from "../pki/der";
import { describeCertificate } from "../pki/inspect";
import type { RevocationStatus, StatusChecker } from "../pki/validate";
import { verifyCrl } from "./crl-check";
import { type CertIdHash, buildOcspRequest, verifyOcspResponse } from "./ocsp";

export type Fetcher = (url: string, req: PkiRequest) => Promise<PkiResponse>;

/** Why a status could not be learned; quoted in REVOCATION_UNKNOWN findings. */
export type UnknownWhy = "no URL" | "unreachable" | "refused address" | "bad signature" | "stale" | "malformed" | "not known to the responder" | "unsupported";

export type RevocationCheck = {
  fingerprintSha256: string;
  subject: string;
  status: "good" | "revoked" | "unknown";
  source: "ocsp" | "crl" | "none";
  url?: string;
  why?: UnknownWhy;
  /** Human-readable sentence: what was asked and what came back. */
  detail: string;
  revokedAt?: Date;
  reason?: string;
  checkedAt: Date;
  nextUpdate?: Date;
};

export type RevocationCheckerOptions = {
  fetch: Fetcher;
  cache?: ResponseCache;
  now: () => Date;
  crypto?: Crypto;
  /** CertID hash for OCSP requests (default SHA-256; some old responders only know SHA-1). */
  ocspHash?: CertIdHash;
};

export type RevocationChecker = {
  statusChecker: StatusChecker;
  /** Checks one certificate against its issuer (DER or PEM). */
  check(cert: Uint8Array | string, issuer: Uint8Array | string): Promise<RevocationCheck>;
  /** Every check made by this checker, in order (one per certificate and issuer). */
  readonly results: RevocationCheck[];
};

const usableUrls = (urls: readonly string[]) => urls.filter((u) => /^https?:\/\//i.test(u));

function fetchWhy(e: unknown): { why: UnknownWhy; detail: string } {
  if (e instanceof PkiFetchError) {
    switch (e.kind) {
      case "refused-address":
      case "refused-scheme":
      case "refused-credentials":
      case "bad-url":
        return { why: "refused address", detail: e.message };
      case "too-large":
      case "http-status":
      case "timeout":
      case "unreachable":
      case "too-many-redirects":
        return { why: "unreachable", detail: e.message };
    }
  }
  return { why: "unreachable", detail: "the fetch failed" };
}

/**
 * @example
 * const checker = createRevocationChecker({ fetch: (url, req) => fetchPkiUrl(url, req, { allowHosts }), now: () => new Date() });
 * const verdict = await checkUpload({ ..., statusChecker: checker.statusChecker });
 * checker.results; // what was checked, where, and when
 */
export function createRevocationChecker(opts: RevocationCheckerOptions): RevocationChecker {
  const crypto = opts.crypto ?? globalThis.crypto;
  const results: RevocationCheck[] = [];
  const memo = new Map<string, Promise<RevocationCheck>>();

  async function fetchCached(key: string, url: string, req: PkiRequest): Promise<{ body: Uint8Array; cached: boolean }> {
    const hit = await opts.cache?.get(key, opts.now()).catch(() => undefined);
    if (hit) return { body: hit, cached: true };
    const res = await opts.fetch(url, req);
    return { body: res.body, cached: false };
  }

  async function viaOcsp(cert: ParsedCertificate, issuer: ParsedCertificate, url: string, base: Omit<RevocationCheck, "status" | "source" | "detail">): Promise<RevocationCheck> {
    const now = opts.now();
    const req = await buildOcspRequest({ cert, issuer, hash: opts.ocspHash ?? "SHA-256", crypto });
    const key = `ocsp:${url}:${toHex(cert.serial)}:${toHex(issuer.publicKeyBits).slice(0, 64)}`;
    let got: { body: Uint8Array; cached: boolean };
    try {
      got = await fetchCached(key, url, { method: "POST", body: req.der, contentType: "application/ocsp-request", accept: "application/ocsp-response" });
    } catch (e) {
      return { ...base, status: "unknown", source: "ocsp", url, ...fetchWhy(e) };
    }
    // A cached answer was judged with its own nonce when it was fetched; it is re-verified now without one.
    const v = await verifyOcspResponse({ der: got.body, cert, issuer, ...(got.cached ? {} : { nonce: req.nonce }), now, crypto });
    if (v.kind === "unusable") {
      const why: UnknownWhy = v.why === "bad signature" || v.why === "nonce mismatch" ? "bad signature" : v.why === "stale" ? "stale" : "malformed";
      return { ...base, status: "unknown", source: "ocsp", url, why, detail: `the OCSP response from ${url} was not used: ${v.detail}` };
    }
    const until = cacheExpiry(now, v.nextUpdate);
    if (!got.cached && until) await opts.cache?.put(key, got.body, until).catch(() => undefined);
    const times = v.nextUpdate ? { nextUpdate: v.nextUpdate } : {};
    switch (v.kind) {
      case "good":
        return { ...base, ...times, status: "good", source: "ocsp", url, detail: `OCSP responder ${url} answered good` };
      case "revoked":
        return { ...base, ...times, status: "revoked", source: "ocsp", url, revokedAt: v.revokedAt, ...(v.reason ? { reason: v.reason } : {}), detail: `OCSP responder ${url} answered revoked` };
      case "unknown":
        return { ...base, ...times, status: "unknown", source: "ocsp", url, why: "not known to the responder", detail: `OCSP responder ${url} does not know this certificate` };
    }
  }

  async function viaCrl(cert: ParsedCertificate, issuer: ParsedCertificate, url: string, base: Omit<RevocationCheck, "status" | "source" | "detail">): Promise<RevocationCheck> {
    const now = opts.now();
    const key = `crl:${url}`;
    let got: { body: Uint8Array; cached: boolean };
    try {
      got = await fetchCached(key, url, { accept: "application/pkix-crl, application/x-pkcs7-crl, */*" });
    } catch (e) {
      return { ...base, status: "unknown", source: "crl", url, ...fetchWhy(e) };
    }
    const v = await verifyCrl({ der: got.body, cert, issuer, now, crypto });
    if (v.kind === "unusable") {
      const why: UnknownWhy = v.why === "wrong issuer" ? "bad signature" : v.why;
      return { ...base, status: "unknown", source: "crl", url, why, detail: `the CRL from ${url} was not used: ${v.detail}` };
    }
    const until = cacheExpiry(now, v.nextUpdate);
    if (!got.cached && until) await opts.cache?.put(key, got.body, until).catch(() => undefined);
    const times = v.nextUpdate ? { nextUpdate: v.nextUpdate } : {};
    if (v.kind === "revoked") return { ...base, ...times, status: "revoked", source: "crl", url, revokedAt: v.revokedAt, ...(v.reason ? { reason: v.reason } : {}), detail: `the CRL at ${url} lists it` };
    return { ...base, ...times, status: "good", source: "crl", url, detail: `the CRL at ${url} does not list it` };
  }

  async function run(certInput: Uint8Array | string, issuerInput: Uint8Array | string): Promise<RevocationCheck> {
    const cert = parseCertificate(certInput);
    const issuer = parseCertificate(issuerInput);
    const info = describeCertificate(cert);
    const base = { fingerprintSha256: info.fingerprintSha256, subject: nameToString(cert.subject), checkedAt: opts.now() };
    const ocsp = usableUrls(info.ocspUrls);
    const crls = usableUrls(info.crlUrls);
    if (!ocsp.length && !crls.length) {
      return { ...base, status: "unknown", source: "none", why: "no URL", detail: "the certificate names no http OCSP responder or CRL distribution point" };
    }
    let first: RevocationCheck | undefined;
    for (const url of ocsp.slice(0, 1)) {
      const r = await viaOcsp(cert, issuer, url, base);
      if (r.status !== "unknown") return r;
      first ??= r;
    }
    for (const url of crls.slice(0, 2)) {
      const r = await viaCrl(cert, issuer, url, base);
      if (r.status !== "unknown") return r;
      first ??= r;
    }
    return first!;
  }

  const check = (cert: Uint8Array | string, issuer: Uint8Array | string): Promise<RevocationCheck> => {
    const key = `${typeof cert === "string" ? cert : toHex(cert)}|${typeof issuer === "string" ? issuer : toHex(issuer)}`;
    let p = memo.get(key);
    if (!p) {
      p = run(cert, issuer).then((r) => {
        results.push(r);
        return r;
      });
      memo.set(key, p);
    }
    return p;
  };

  const statusChecker: StatusChecker = async (subject, issuer): Promise<RevocationStatus> => {
    const r = await check(subject.der, issuer.der);
    switch (r.status) {
      case "good":
        return { status: "good" };
      case "revoked":
        return { status: "revoked", ...(r.reason ? { reason: r.reason } : {}), ...(r.revokedAt ? { revokedAt: r.revokedAt } : {}), source: r.source === "none" ? undefined : r.url };
      case "unknown":
        return { status: "unknown", reason: `${r.why ?? "unknown"} — ${r.detail}` };
    }
  };

  return { statusChecker, check, results };
}
