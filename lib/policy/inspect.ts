/**
 * Adapter from lib/pki to the views the rules read. The only file of lib/policy that
 * knows pki's shapes.
 */
import { LruCache, certificateIdentity, describeCertificate, inspectCsr, parseCertificate, publicTrustAnchors, validatePath, type CertificateInfo, type PolicyInputs, type StatusChecker, type SubjectAttributes } from "../pki";
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
  // Same bytes → same parse (lib/pki caches parses by content), and the view carries the parse's
  // own DER: one object per distinct certificate, so pki's per-object caches (descriptions,
  // signature results, self-signature checks) serve every later upload of the same CA.
  const cert = parseCertificate(der);
  return viewFromInfo(describeCertificate(cert), cert.der);
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

// Injected anchors (trustAnchors option: the CLI, tests, benches) arrive as a fresh array per call:
// short lists are also looked up by content, so the same root is not re-indexed on every upload.
const anchorsByContent = new LruCache<string, AnchorIndex>(64);
const CONTENT_KEYED_MAX_ANCHORS = 16;

function contentKey(anchors: readonly (string | Uint8Array)[]): string | undefined {
  if (anchors.length > CONTENT_KEYED_MAX_ANCHORS) return undefined;
  return anchors.map((a) => (typeof a === "string" ? `s${a}` : `b${Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("latin1")}`)).join("\u0000");
}

/** Indexes a list of anchors once per list (the public store is one frozen array) or, for short lists, once per content. */
export async function anchorIndex(anchors: readonly (string | Uint8Array)[]): Promise<AnchorIndex> {
  const cached = anchorCache.get(anchors);
  if (cached) return cached;
  const key = contentKey(anchors);
  const byContent = key === undefined ? undefined : anchorsByContent.get(key);
  if (byContent) {
    anchorCache.set(anchors, byContent);
    return byContent;
  }
  const byFp = new Map<string, Uint8Array>();
  const bySubjectKey = new Set<string>();
  for (const a of anchors) {
    try {
      // Parsed as validatePath parses the same list (which then finds the parse cached), and by
      // identity only: an anchor's full description (and its signature on itself) is made if and
      // when a path reaches it.
      const cert = parseCertificate(a);
      const info = certificateIdentity(cert);
      byFp.set(info.fingerprintSha256, cert.der);
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
  if (key !== undefined) {
    anchorsByContent.set(key, index);
  }
  return index;
}

export function publicTrustAnchorList(): readonly string[] {
  return publicTrustAnchors();
}

export type ValidateChainOptions = {
  leaf: CertView;
  intermediates: CertView[];
  /** The program's (or injected) anchors, indexed once per list by {@link anchorIndex}. */
  anchors: readonly (string | Uint8Array)[];
  /** Extra anchors for this upload only (an uploaded self-signed root), as views. */
  extraAnchors: CertView[];
  at: Date;
  requiredEku?: string[];
  crls?: readonly (string | Uint8Array)[];
  statusChecker?: StatusChecker;
  crypto?: Crypto;
  /** RFC 5280 §6.1.1 policy inputs (the program's acceptable policies); default any policy. */
  policy?: PolicyInputs;
};

/** Runs pki's validatePath; the path comes back as views carrying DER where we have it. */
export async function validateChain(opts: ValidateChainOptions): Promise<PathOutcome> {
  const result = await validatePath({
    leaf: opts.leaf.der,
    intermediates: opts.intermediates.map((c) => c.der),
    trustAnchors: opts.extraAnchors.length ? [...opts.anchors, ...opts.extraAnchors.map((c) => c.der)] : opts.anchors,
    at: opts.at,
    ...(opts.requiredEku ? { requiredEku: opts.requiredEku } : {}),
    ...(opts.crls ? { crls: opts.crls } : {}),
    ...(opts.statusChecker ? { statusChecker: opts.statusChecker } : {}),
    ...(opts.crypto ? { crypto: opts.crypto } : {}),
    ...(opts.policy ? { policy: opts.policy } : {}),
  });
  const known = new Map<string, Uint8Array>([opts.leaf, ...opts.intermediates, ...opts.extraAnchors].map((c) => [c.fingerprintSha256, c.der]));
  const anchorIdx = await anchorIndex(opts.anchors);
  const path = result.path.map((info) => viewFromInfo(info, known.get(info.fingerprintSha256) ?? anchorIdx.der(info.fingerprintSha256) ?? new Uint8Array(0)));
  return { ok: result.ok, path, findings: result.findings };
}

export function pemOf(der: Uint8Array): string {
  return toPemString(der, "CERTIFICATE");
}
