/**
 * Judging a fetched CRL for one certificate (RFC 5280 §6.3, the subset Certdesk relies on):
 * issued and signed by the certificate's issuer (key usage cRLSign when present), complete
 * (no delta or partitioned scope, no unknown critical extension) and fresh.
 */
import type { ParsedCertificate } from "../pki/certificate";
import { type ParsedCrl, parseCrl, serialHex } from "../pki/crl";
import { verifySignature } from "../pki/signature";
import { CLOCK_SKEW_MS, CRL_REASONS } from "./ocsp";

export type CrlVerdict =
  | { kind: "good"; thisUpdate: Date; nextUpdate?: Date }
  | { kind: "revoked"; thisUpdate: Date; nextUpdate?: Date; revokedAt: Date; reason?: string }
  | { kind: "unusable"; why: "bad signature" | "stale" | "malformed" | "wrong issuer" | "unsupported"; detail: string };

/**
 * @example
 * const v = await verifyCrl({ der: crlBytes, cert, issuer, now: new Date(), crypto });
 */
export async function verifyCrl(opts: { der: Uint8Array; cert: ParsedCertificate; issuer: ParsedCertificate; now: Date; crypto: Crypto }): Promise<CrlVerdict> {
  let crl: ParsedCrl;
  try {
    crl = parseCrl(opts.der);
  } catch {
    return { kind: "unusable", why: "malformed", detail: "the answer is not a CRL" };
  }
  const { cert, issuer, now } = opts;
  if (crl.issuer.key !== cert.issuer.key) return { kind: "unusable", why: "wrong issuer", detail: "the CRL was issued by another CA than the certificate's issuer" };
  const sig = await verifySignature({ signed: crl.tbs, signature: crl.signature, sigAlgOid: crl.sigAlgOid, sigAlgParams: crl.sigAlgParams, issuer, crypto: opts.crypto });
  if (!sig.ok) return { kind: "unusable", why: "bad signature", detail: `the CRL is not signed by the issuer's key (${sig.reason})` };
  if (issuer.keyUsage && !issuer.keyUsage.has("cRLSign")) return { kind: "unusable", why: "bad signature", detail: "the issuer's key usage does not allow cRLSign" };
  if (crl.partitioned || crl.unknownCriticalExtensions.length) return { kind: "unusable", why: "unsupported", detail: "the CRL is a delta or partitioned CRL, or has critical extensions Certdesk does not support" };
  if (crl.thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) return { kind: "unusable", why: "stale", detail: `its thisUpdate ${crl.thisUpdate.toISOString()} is in the future` };
  if (crl.nextUpdate && crl.nextUpdate.getTime() < now.getTime()) return { kind: "unusable", why: "stale", detail: `its nextUpdate ${crl.nextUpdate.toISOString()} has passed` };
  const times = { thisUpdate: crl.thisUpdate, ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate } : {}) };
  const entry = crl.revoked.get(serialHex(cert.serial));
  if (entry && entry.date.getTime() <= now.getTime() + CLOCK_SKEW_MS) {
    return { kind: "revoked", ...times, revokedAt: entry.date, ...(entry.reason !== undefined ? { reason: CRL_REASONS[entry.reason] ?? `reason ${entry.reason}` } : {}) };
  }
  return { kind: "good", ...times };
}
