/**
 * AIA chasing (RFC 5280 §4.2.2.1 caIssuers): when the uploaded chain stops short of a trust
 * anchor and the last certificate says where its issuer lives, fetch it (a DER certificate
 * or a PKCS#7 "certs-only" .p7c bundle), keep only a certificate that really signed the one
 * below it, and continue — up to the program's depth.
 *
 * This is an async pre-step: it only gathers extra CANDIDATE intermediates. The pure engine
 * then receives them as input and judges the path as usual; a fetched certificate is never
 * a trust anchor (it is offered to path building like an uploaded intermediate).
 */
import { classifyBytes } from "../intake/classify";
import { type ParsedCertificate, isSelfIssued, nameToString, parseCertificate } from "../pki/certificate";
import { toHex } from "../pki/der";
import { describeCertificate } from "../pki/inspect";
import { verifyCertificateSignature } from "../pki/signature";
import { type ResponseCache, cacheExpiry } from "./cache";
import { PkiFetchError, type PkiRequest, type PkiResponse } from "./fetch";

export type AiaFetcher = (url: string, req: PkiRequest) => Promise<PkiResponse>;

export type FetchedIntermediate = {
  der: Uint8Array;
  /** The caIssuers URL it came from. */
  url: string;
  fingerprintSha256: string;
  subject: string;
  /** Subject of the certificate it issued (the one whose AIA pointed to it). */
  issued: string;
};

export type AiaOutcome = {
  fetched: FetchedIntermediate[];
  /** URLs tried without result, and why (for logs and the reviewer). */
  misses: { url: string; why: string }[];
};

/** A fetched AIA certificate may be cached this long when nothing says otherwise. */
const AIA_CACHE_MS = 24 * 3_600_000;

async function sha256Hex(crypto: Crypto, der: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", der as Uint8Array<ArrayBuffer>)));
}

function caIssuersUrls(cert: ParsedCertificate): string[] {
  return describeCertificate(cert).caIssuersUrls.filter((u) => /^https?:\/\//i.test(u));
}

/**
 * Gathers the intermediates missing between `leaf` and the trust anchors by following
 * caIssuers URLs. Never throws for bad answers: they are misses.
 *
 * @example
 * const { fetched } = await chaseAia({ leaf, intermediates, trustAnchors, fetch, maxDepth: 3, now: new Date() });
 * await checkUpload({ ..., fetchedIntermediates: fetched });
 */
export async function chaseAia(opts: {
  leaf: Uint8Array | string;
  intermediates: readonly (Uint8Array | string)[];
  trustAnchors: readonly (Uint8Array | string)[];
  fetch: AiaFetcher;
  cache?: ResponseCache;
  /** Most certificates to fetch (the program's chain depth). */
  maxDepth: number;
  now: Date;
  crypto?: Crypto;
}): Promise<AiaOutcome> {
  const crypto = opts.crypto ?? globalThis.crypto;
  const parse = (x: Uint8Array | string): ParsedCertificate | undefined => {
    try {
      return parseCertificate(x);
    } catch {
      return undefined;
    }
  };
  const known = [...opts.intermediates, ...opts.trustAnchors].map(parse).filter((c): c is ParsedCertificate => !!c);
  const anchorKeys = new Set(opts.trustAnchors.map(parse).filter((c): c is ParsedCertificate => !!c).map((c) => toHex(c.der)));
  const out: AiaOutcome = { fetched: [], misses: [] };
  let cur = parse(opts.leaf);
  const seen = new Set<string>();

  const issuerAmong = async (child: ParsedCertificate, pool: ParsedCertificate[]) => {
    for (const c of pool) if (c.subject.key === child.issuer.key && (await verifyCertificateSignature(child, c, crypto)).ok) return c;
    return undefined;
  };

  for (let steps = 0; cur && !isSelfIssued(cur) && steps < 16; steps++) {
    const key = toHex(cur.der);
    if (seen.has(key)) break; // a loop among the uploaded certificates
    seen.add(key);
    const have = await issuerAmong(cur, known);
    if (have) {
      if (anchorKeys.has(toHex(have.der))) break; // reached a trust anchor: nothing is missing
      cur = have;
      continue;
    }
    if (out.fetched.length >= opts.maxDepth) break;
    let next: ParsedCertificate | undefined;
    for (const url of caIssuersUrls(cur)) {
      let body: Uint8Array | undefined;
      const cacheKey = `aia:${url}`;
      try {
        body = await opts.cache?.get(cacheKey, opts.now).catch(() => undefined);
        if (!body) {
          body = (await opts.fetch(url, { accept: "application/pkix-cert, application/pkcs7-mime, */*" })).body;
          const until = cacheExpiry(opts.now, undefined, AIA_CACHE_MS);
          if (until) await opts.cache?.put(cacheKey, body, until).catch(() => undefined);
        }
      } catch (e) {
        out.misses.push({ url, why: e instanceof PkiFetchError ? e.message : "the fetch failed" });
        continue;
      }
      // DER certificate, PEM, or a PKCS#7 certs-only bundle: intake's classifier reads them all.
      const candidates = classifyBytes(body, { file: url })
        .items.filter((i) => i.kind === "certificate")
        .map((i) => parse(i.der))
        .filter((c): c is ParsedCertificate => !!c);
      // Only a certificate that really signed `cur` is kept: the URL's owner cannot slip anything else in.
      next = await issuerAmong(cur, candidates);
      if (next) {
        out.fetched.push({ der: next.der, url, fingerprintSha256: await sha256Hex(crypto, next.der), subject: nameToString(next.subject), issued: nameToString(cur.subject) });
        known.push(next);
        break;
      }
      out.misses.push({ url, why: candidates.length ? "no certificate there issued the one below it" : "no certificate could be read there" });
    }
    if (!next) break;
    cur = next;
  }
  return out;
}
