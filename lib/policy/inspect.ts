/**
 * Adapter from lib/pki to the views the rules read. The only file of lib/policy that
 * knows pki's shapes.
 */
import { fingerprintSha256, inspectCertificate, inspectCsr, type CertificateInfo, type SubjectAttributes } from "../pki/inspect";
import { publicTrustAnchors } from "../pki/node-roots";
import { validatePath, type StatusChecker } from "../pki/validate";
import { toPemString } from "./pem";
import type { CertView, CsrView, PathOutcome } from "./views";

function attrs(a: SubjectAttributes): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(a)) if (typeof v === "string") out[k] = [v];
  return out;
}

export function viewFromInfo(info: CertificateInfo, der: Uint8Array): CertView {
  return {
    der,
    subject: info.subject,
    issuer: info.issuer,
    commonNames: info.subjectAttributes.CN !== undefined ? [info.subjectAttributes.CN] : [],
    organizations: info.subjectAttributes.O !== undefined ? [info.subjectAttributes.O] : [],
    issuerCommonNames: info.issuerAttributes.CN !== undefined ? [info.issuerAttributes.CN] : [],
    issuerOrganizations: info.issuerAttributes.O !== undefined ? [info.issuerAttributes.O] : [],
    ...(info.subjectAttributes.organizationIdentifier !== undefined ? { organizationIdentifier: info.subjectAttributes.organizationIdentifier } : {}),
    serialNumber: info.serialNumber,
    notBefore: new Date(info.notBefore),
    notAfter: new Date(info.notAfter),
    publicKey: info.publicKey,
    signatureAlgorithm: info.signatureAlgorithm,
    isCa: info.basicConstraints?.ca === true,
    ...(info.keyUsage ? { keyUsage: info.keyUsage } : {}),
    ...(info.extendedKeyUsage ? { extendedKeyUsage: info.extendedKeyUsage } : {}),
    fingerprintSha256: info.fingerprintSha256,
    spkiSha256: info.spkiSha256,
    selfIssued: info.selfIssued,
    selfSigned: info.selfSigned,
    ...(info.psd2 ? { psd2: { roles: info.psd2.roles.map((r) => r.name || r.oid), ncaName: info.psd2.ncaName, ncaId: info.psd2.ncaId } } : {}),
    info: info as unknown as Record<string, unknown>,
  };
}

/** Throws on unreadable input; the engine turns that into CERTIFICATE_MALFORMED. */
export function viewCertificate(der: Uint8Array): CertView {
  return viewFromInfo(inspectCertificate(der), der);
}

export async function viewCsr(der: Uint8Array, crypto: Crypto): Promise<CsrView> {
  const info = await inspectCsr(der, crypto);
  return {
    der,
    subject: info.subject,
    attributes: attrs(info.subjectAttributes),
    publicKey: info.publicKey,
    signatureAlgorithm: info.signatureAlgorithm,
    signatureValid: info.signatureValid,
    spkiSha256: info.spkiSha256,
    info: info as unknown as Record<string, unknown>,
  };
}

/** Anchors looked up by fingerprint (for their DER) and by subject + key (a re-issued root is the same anchor). */
export type AnchorIndex = {
  has(cert: CertView): boolean;
  der(fingerprint: string): Uint8Array | undefined;
};

const anchorCache = new WeakMap<readonly (string | Uint8Array)[], AnchorIndex>();

function toDer(input: string | Uint8Array): Uint8Array | undefined {
  try {
    if (typeof input !== "string") return input;
    const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(input);
    return m ? new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ""), "base64")) : undefined;
  } catch {
    return undefined;
  }
}

/** Indexes a list of anchors once per list (the public store is one frozen array). */
export async function anchorIndex(anchors: readonly (string | Uint8Array)[]): Promise<AnchorIndex> {
  const cached = anchorCache.get(anchors);
  if (cached) return cached;
  const byFp = new Map<string, Uint8Array>();
  const bySubjectKey = new Set<string>();
  for (const a of anchors) {
    const der = toDer(a);
    if (!der) continue;
    try {
      const info = inspectCertificate(der);
      byFp.set(info.fingerprintSha256, der);
      bySubjectKey.add(`${info.subject}|${info.spkiSha256}`);
    } catch {
      // An unreadable anchor cannot anchor anything; validatePath ignores it the same way.
    }
  }
  const index: AnchorIndex = {
    has: (c) => byFp.has(c.fingerprintSha256) || bySubjectKey.has(`${c.subject}|${c.spkiSha256}`),
    der: (fp) => byFp.get(fp),
  };
  anchorCache.set(anchors, index);
  return index;
}

export function publicTrustAnchorList(): readonly string[] {
  return publicTrustAnchors();
}

export type ValidateChainOptions = {
  leaf: CertView;
  intermediates: CertView[];
  anchors: readonly (string | Uint8Array)[];
  at: Date;
  requiredEku?: string[];
  crls?: readonly (string | Uint8Array)[];
  statusChecker?: StatusChecker;
  crypto?: Crypto;
};

/** Runs pki's validatePath; the path comes back as views carrying DER where we have it. */
export async function validateChain(opts: ValidateChainOptions): Promise<PathOutcome> {
  const result = await validatePath({
    leaf: opts.leaf.der,
    intermediates: opts.intermediates.map((c) => c.der),
    trustAnchors: opts.anchors,
    at: opts.at,
    ...(opts.requiredEku ? { requiredEku: opts.requiredEku } : {}),
    ...(opts.crls ? { crls: opts.crls } : {}),
    ...(opts.statusChecker ? { statusChecker: opts.statusChecker } : {}),
    ...(opts.crypto ? { crypto: opts.crypto } : {}),
  });
  const known = new Map<string, Uint8Array>([opts.leaf, ...opts.intermediates].map((c) => [c.fingerprintSha256, c.der]));
  const anchorIdx = await anchorIndex(opts.anchors);
  const path = result.path.map((info) => viewFromInfo(info, known.get(info.fingerprintSha256) ?? anchorIdx.der(info.fingerprintSha256) ?? findAnchorDer(opts.anchors, info.fingerprintSha256)));
  return { ok: result.ok, path, findings: result.findings };
}

function findAnchorDer(anchors: readonly (string | Uint8Array)[], fp: string): Uint8Array {
  for (const a of anchors) {
    const der = toDer(a);
    if (der && fingerprintSha256(der) === fp) return der;
  }
  return new Uint8Array(0);
}

export function pemOf(der: Uint8Array): string {
  return toPemString(der, "CERTIFICATE");
}
