/**
 * Path building and validation (RFC 5280 §6, with webpki/pyca practice where RFC 5280 leaves room).
 *
 * Building tries every candidate issuer (trust anchors first, then uploaded certificates),
 * with backtracking, loop protection and a work budget, and remembers why each candidate
 * was rejected. Every complete path is validated in full; the first one without errors
 * wins. When none does, the findings of the best failed path (fewest errors) plus the
 * rejected candidates are returned, so the partner learns everything that is wrong at once.
 */
import { CertificateParseError, OID, type ParsedCertificate, isSelfIssued, nameToString, parseCertificate } from "./certificate";
import { type ParsedCrl, parseCrl, serialHex } from "./crl";
import { type CrlSignerCandidate, crlStatus } from "./crl-scope";
import { bytesEqual } from "./der";
import type { Finding, FindingCode, Severity } from "./findings";
import { type CertificateInfo, describeCertificate, publicKeyInfo } from "./inspect";
import { type PeerName, leafMatchesPeerName, nameConstraintViolation } from "./names";
import { type PolicyInputs, policyPathFindings } from "./policy-tree";
import { SIGNATURE_ALGORITHMS, type SignatureCheck, verifyCertificateSignature, verifySignature } from "./signature";

const WEAK_HASHES = new Set(["MD2", "MD4", "MD5", "SHA-1"]);
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
const EC_PUBLIC_KEY = "1.2.840.10045.2.1";

export type CertificateInput = string | Uint8Array;

export type RevocationStatus = {
  status: "good" | "revoked" | "unknown";
  /** Revoked: the CRLReason (e.g. `keyCompromise`); unknown: why the status could not be learned. */
  reason?: string;
  /** Revoked: when, per the CA. */
  revokedAt?: Date;
  /** Where the answer came from (an OCSP responder or CRL URL). */
  source?: string;
};

/** What a status checker is told about a certificate: its DER and inspected facts. */
export type StatusSubject = { der: Uint8Array; info: CertificateInfo };

/**
 * The pluggable revocation seam (OCSP, cached CRLs…). Called once per non-anchor certificate
 * of the chosen path with the certificate and its issuer.
 */
export type StatusChecker = (cert: StatusSubject, issuer: StatusSubject) => Promise<RevocationStatus>;

export type ValidatePathOptions = {
  /** The end-entity certificate (PEM or DER). */
  leaf: CertificateInput;
  /** Other uploaded certificates, in upload order (positions 1…n). */
  intermediates?: readonly CertificateInput[];
  /**
   * Certificates trusted by name and key (e.g. {@link publicTrustAnchors} plus program roots).
   * Their validity period, name constraints and EKU apply; their signature, key usage and path
   * length are not judged. Unreadable entries are skipped.
   */
  trustAnchors: readonly CertificateInput[];
  /** Validation time. */
  at: Date;
  /**
   * The leaf must carry one of these EKU OIDs when it has an EKU extension (no extension = any
   * purpose, RFC 5280), and no issuer with an EKU extension may exclude them all.
   */
  requiredEku?: readonly string[];
  peerName?: PeerName;
  /** Maximum number of intermediates between leaf and trust anchor (self-issued ones not counted). Default 8. */
  maxDepth?: number;
  /** CRLs (PEM or DER) to honour. */
  crls?: readonly CertificateInput[];
  /**
   * How an undetermined revocation status counts. `soft` (default): a missing, stale, wrongly signed or
   * out-of-scope CRL is a REVOCATION_UNKNOWN warning and programs decide its weight. `strict`: every
   * non-anchor certificate needs a determined status, from the CRLs (RFC 5280 §6.3, lib/pki/crl-scope.ts) or
   * the status checker, else REVOCATION_UNKNOWN is an error (as `openssl verify -crl_check_all`, and NIST PKITS).
   */
  revocation?: { mode: "soft" | "strict" };
  statusChecker?: StatusChecker;
  crypto?: Crypto;
  /** Refinements used by conformance harnesses; defaults suit client-certificate onboarding. */
  profile?: ValidationProfile;
  /**
   * RFC 5280 §6.1.1 policy inputs (user-initial-policy-set, default {anyPolicy}; initial-explicit-policy,
   * -policy-mapping-inhibit, -any-policy-inhibit, default false). Policies are processed on every complete path.
   */
  policy?: PolicyInputs;
};

export type ValidationProfile = {
  /** Accept anyExtendedKeyUsage on the leaf in place of the required EKU (RFC 5280 yes; webpki no). Default false. */
  leafAnyEkuSatisfies?: boolean;
  /**
   * Web PKI (CA/B Forum) server-certificate rules on top of RFC 5280: the leaf must not be a CA,
   * must carry a non-critical EKU, its CN must repeat a SAN, keys must be RSA ≥ 2048 (multiple of 8)
   * or P-256/384/521, and a self-signed root's AKI must be a bare key id equal to its SKI.
   * Certdesk's programs judge keys and CA leaves with their own codes, so this is off by default.
   */
  webPki?: boolean;
  /**
   * Pedantic RFC 5280 profile checks CAs must follow but real private CAs sometimes do not:
   * AKI present on every non-self-issued certificate, SKI on every CA, DNS/e-mail SAN syntax.
   */
  strict?: boolean;
};

export type PathResult = {
  ok: boolean;
  /** The chosen path, leaf first, trust anchor last (empty when the leaf could not be read). */
  path: CertificateInfo[];
  findings: Finding[];
};

type Node = {
  cert: ParsedCertificate;
  /** Upload position; -1 for anchors that were not uploaded. */
  position: number;
  anchor: boolean;
};

type Rejection = { child: Node; candidate: Node; reason: string; code: FindingCode };

const MAX_SIGNATURE_CHECKS = 256;
const MAX_COMPLETE_PATHS = 32;
const DEFAULT_MAX_INTERMEDIATES = 8;

const UNDERSTOOD_EXTENSIONS = new Set<string>([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.subjectKeyId,
  OID.authorityKeyId,
  OID.nameConstraints,
  OID.certificatePolicies,
  OID.policyMappings,
  OID.policyConstraints,
  OID.inhibitAnyPolicy,
  OID.crlDistributionPoints,
  OID.authorityInfoAccess,
  OID.issuerAltName,
  // Decoded for PSD2 (roles, NCA); RFC 3739 allows marking it critical and some QWAC profiles do.
  OID.qcStatements,
]);

function subjectOf(node: Node): { position: number; subject: string } {
  return { position: node.position, subject: nameToString(node.cert.subject) };
}

function finding(code: FindingCode, node: Node | undefined, message: string, opts: { severity?: Severity; fix?: string } = {}): Finding {
  return {
    code,
    severity: opts.severity ?? "error",
    ...(node ? { certificate: subjectOf(node) } : {}),
    message,
    ...(opts.fix ? { fix: opts.fix } : {}),
  };
}

/** How a message names a certificate: partners recognise subjects, not indexes. */
function label(node: Node, lower = false): string {
  const the = lower ? "the" : "The";
  if (node.position === 0) return `${the} leaf certificate`;
  const subject = nameToString(node.cert.subject) || "(empty subject)";
  if (node.anchor && node.position < 0) return `${the} trust anchor "${subject}"`;
  return `${the} certificate "${subject}"`;
}

const iso = (d: Date) => d.toISOString();

const EKU_NAMES: Record<string, string> = {
  "1.3.6.1.5.5.7.3.1": "TLS server authentication",
  "1.3.6.1.5.5.7.3.2": "TLS client authentication",
  "1.3.6.1.5.5.7.3.3": "code signing",
  "1.3.6.1.5.5.7.3.4": "e-mail protection",
  "1.3.6.1.5.5.7.3.8": "time stamping",
  "1.3.6.1.5.5.7.3.9": "OCSP signing",
  "2.5.29.37.0": "any purpose",
};

/** "TLS client authentication (1.3.6.1.5.5.7.3.2)": partners read names, scripts read OIDs. */
function ekuList(oids: readonly string[]): string {
  return oids.map((o) => (EKU_NAMES[o] ? `${EKU_NAMES[o]} (${o})` : o)).join(", ");
}

/**
 * Builds a path from `leaf` through `intermediates` to one of `trustAnchors` and validates it
 * at `at`. Returns every finding; never throws for bad certificates (unreadable ones become
 * `CERTIFICATE_MALFORMED` findings).
 *
 * @example
 * const result = await validatePath({
 *   leaf: leafPem,
 *   intermediates: [issuingCaPem],
 *   trustAnchors: publicTrustAnchors(),
 *   at: new Date(),
 *   requiredEku: ["1.3.6.1.5.5.7.3.2"], // clientAuth
 * });
 * if (!result.ok) console.log(result.findings.map((f) => f.code));
 */
export async function validatePath(opts: ValidatePathOptions): Promise<PathResult> {
  const crypto = opts.crypto ?? globalThis.crypto;
  const findings: Finding[] = [];

  let leafCert: ParsedCertificate;
  try {
    leafCert = parseCertificate(opts.leaf);
  } catch (e) {
    const why = e instanceof CertificateParseError ? e.message : "unreadable certificate";
    return { ok: false, path: [], findings: [finding("CERTIFICATE_MALFORMED", undefined, `The leaf certificate cannot be read: ${why}.`)] };
  }
  const leaf: Node = { cert: leafCert, position: 0, anchor: false };
  const uploaded: Node[] = [];
  (opts.intermediates ?? []).forEach((input, i) => {
    try {
      uploaded.push({ cert: parseCertificate(input), position: i + 1, anchor: false });
    } catch (e) {
      const why = e instanceof CertificateParseError ? e.message : "unreadable certificate";
      findings.push({ code: "CERTIFICATE_MALFORMED", severity: "error", certificate: { position: i + 1, subject: "" }, message: `Certificate ${i + 1} cannot be read: ${why}.` });
    }
  });
  const uploadedByDer = new Map<string, Node>();
  for (const n of [leaf, ...uploaded]) uploadedByDer.set(derKey(n.cert), n);

  const anchors: Node[] = [];
  const anchorDers = new Set<string>();
  for (const input of opts.trustAnchors) {
    let cert: ParsedCertificate;
    try {
      cert = parseCertificate(input);
    } catch {
      continue; // An unreadable entry in a trust store cannot anchor anything; other anchors still can.
    }
    const key = derKey(cert);
    if (anchorDers.has(key)) continue;
    anchorDers.add(key);
    const up = uploadedByDer.get(key);
    anchors.push({ cert, position: up ? up.position : -1, anchor: true });
  }

  // Candidate issuers by subject key: anchors first, so the shortest trusted path is found first.
  const bySubject = new Map<string, Node[]>();
  const add = (n: Node) => {
    const list = bySubject.get(n.cert.subject.key);
    if (list) list.push(n);
    else bySubject.set(n.cert.subject.key, [n]);
  };
  anchors.forEach(add);
  uploaded.filter((n) => !anchorDers.has(derKey(n.cert))).forEach(add);

  const sigCache = new Map<string, Promise<SignatureCheck>>();
  let signatureChecks = 0;
  const checkSig = (child: Node, issuer: Node): Promise<SignatureCheck> => {
    const k = `${derKey(child.cert)}|${derKey(issuer.cert)}`;
    let p = sigCache.get(k);
    if (!p) {
      signatureChecks++;
      p = verifyCertificateSignature(child.cert, issuer.cert, crypto);
      sigCache.set(k, p);
    }
    return p;
  };

  const maxIntermediates = opts.maxDepth ?? DEFAULT_MAX_INTERMEDIATES;
  const rejections: Rejection[] = [];
  const deadEnds: Node[] = [];
  let best: { path: Node[]; findings: Finding[]; errors: number } | undefined;
  let completePaths = 0;
  let budgetExhausted = false;
  let tooLong: Node[] | undefined;
  let longestPartial: Node[] | undefined;

  const leafIsAnchor = anchorDers.has(derKey(leafCert));

  async function search(path: Node[]): Promise<boolean> {
    const cur = path[path.length - 1]!;
    if (cur.anchor) {
      completePaths++;
      const f = await evaluatePath(path, opts, crypto);
      const errors = f.filter((x) => x.severity === "error").length;
      if (!best || errors < best.errors) best = { path: [...path], findings: f, errors };
      return errors === 0;
    }
    // Depth counts intermediates (leaf and anchor excluded); self-issued ones (key rollover) are free.
    let depth = 0;
    for (let k = 1; k < path.length; k++) if (!isSelfIssued(path[k]!.cert)) depth++;
    if (depth > maxIntermediates) {
      tooLong ??= [...path];
      return false;
    }
    const candidates = (bySubject.get(cur.cert.issuer.key) ?? []).filter(
      // Loop protection: a certificate (same name and key) never appears twice in one path.
      (cand) => !path.some((p) => p.cert === cand.cert || (p.cert.subject.key === cand.cert.subject.key && bytesEqual(p.cert.spki, cand.cert.spki))),
    );
    if (candidates.length === 0) {
      deadEnds.push(cur);
      if (!longestPartial || path.length > longestPartial.length) longestPartial = [...path];
    }
    // Prefer candidates whose key identifier matches, but try every one (RFC 4158 §3.5).
    const ordered = cur.cert.authorityKeyId
      ? [...candidates].sort((a, b) => Number(!skiMatches(cur.cert, b.cert)) - Number(!skiMatches(cur.cert, a.cert)))
      : candidates;
    for (const cand of ordered) {
      if (completePaths >= MAX_COMPLETE_PATHS || signatureChecks >= MAX_SIGNATURE_CHECKS) {
        budgetExhausted = true;
        return false;
      }
      if (cur.cert.authorityKeyId && cand.cert.subjectKeyId && !bytesEqual(cur.cert.authorityKeyId, cand.cert.subjectKeyId)) {
        rejections.push({ child: cur, candidate: cand, code: "CHAIN_INCOMPLETE", reason: "its subject key identifier does not match the authority key identifier" });
        continue;
      }
      const sig = await checkSig(cur, cand);
      if (!sig.ok) {
        rejections.push({ child: cur, candidate: cand, code: "CHAIN_SIGNATURE_INVALID", reason: sig.reason });
        continue;
      }
      path.push(cand);
      const done = await search(path);
      path.pop();
      if (done) return true;
    }
    return false;
  }

  let ok: boolean;
  if (leafIsAnchor) {
    // The leaf itself is trusted (e.g. a pinned self-signed certificate): the path is just the leaf.
    const node = anchors.find((a) => derKey(a.cert) === derKey(leafCert))!;
    const self: Node = { ...node, position: 0 };
    const f = await evaluatePath([self], opts, crypto);
    best = { path: [self], findings: f, errors: f.filter((x) => x.severity === "error").length };
    ok = best.errors === 0;
  } else {
    ok = await search([leaf]);
  }

  if (best) {
    findings.push(...best.findings);
    if (!ok) findings.push(...rejectionFindings(rejections, best.path));
  } else {
    findings.push(...noPathFindings({ leaf, deadEnds, rejections, tooLong, budgetExhausted, maxIntermediates }));
    // Everything else wrong with the certificates we could chain is reported too (an expired leaf
    // should not surface only after the partner fixes the missing intermediate).
    findings.push(...(await evaluatePath(longestPartial ?? [leaf], opts, crypto)));
  }
  const path = best ? best.path : (longestPartial ?? [leaf]);
  const infos = await Promise.all(path.map(async (n) => describeCertificate(n.cert, { selfSigned: await selfSigned(n.cert, crypto) })));
  return { ok: ok && !findings.some((f) => f.severity === "error"), path: infos, findings };
}

const selfSignedCache = new WeakMap<ParsedCertificate, Promise<boolean>>();

/** Self-signature check through the injected WebCrypto, cached per parsed certificate (anchors recur across calls). */
function selfSigned(cert: ParsedCertificate, crypto: Crypto): Promise<boolean> {
  if (!isSelfIssued(cert)) return Promise.resolve(false);
  let p = selfSignedCache.get(cert);
  if (!p) {
    p = verifyCertificateSignature(cert, cert, crypto).then((r) => r.ok);
    selfSignedCache.set(cert, p);
  }
  return p;
}

const derKeys = new WeakMap<ParsedCertificate, string>();

/**
 * Identity of a certificate for caches and de-duplication: its full DER. Anything shorter (a
 * signature prefix, a hash we do not verify) would let a forged certificate borrow the cached
 * signature result of a genuine one.
 */
function derKey(cert: ParsedCertificate): string {
  let k = derKeys.get(cert);
  if (k === undefined) {
    k = Buffer.from(cert.der.buffer, cert.der.byteOffset, cert.der.byteLength).toString("latin1");
    derKeys.set(cert, k);
  }
  return k;
}

function skiMatches(child: ParsedCertificate, issuer: ParsedCertificate): boolean {
  return !!child.authorityKeyId && !!issuer.subjectKeyId && bytesEqual(child.authorityKeyId, issuer.subjectKeyId);
}

function rejectionFindings(rejections: Rejection[], chosen: Node[]): Finding[] {
  // Rejections on the chosen path's own links are already explained by the path's findings.
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const r of rejections) {
    if (chosen.includes(r.candidate) && chosen.includes(r.child)) continue;
    const k = `${r.child.position}|${r.candidate.position}|${r.reason}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(
      finding(r.code, r.child, `${label(r.child)} names "${nameToString(r.candidate.cert.subject)}" as issuer, but candidate ${candidateLabel(r.candidate)} was rejected: ${r.reason}.`, {
        severity: "warning",
      }),
    );
  }
  return out;
}

function candidateLabel(n: Node): string {
  // Same-named candidates differ only by key, so say where each came from.
  return n.position >= 0 ? `uploaded certificate ${n.position}` : "a trusted root of that name";
}

function noPathFindings(ctx: {
  leaf: Node;
  deadEnds: Node[];
  rejections: Rejection[];
  tooLong?: Node[];
  budgetExhausted: boolean;
  maxIntermediates: number;
}): Finding[] {
  const out: Finding[] = [];
  if (ctx.tooLong) {
    out.push(finding("CHAIN_TOO_LONG", ctx.leaf, `No trusted path within ${ctx.maxIntermediates} intermediate certificates was found.`, { fix: "Send the shortest chain to a trusted root." }));
  }
  if (ctx.budgetExhausted) {
    out.push(finding("CHAIN_INCOMPLETE", ctx.leaf, "Path building gave up: the uploaded certificates allow too many candidate paths.", { fix: "Upload only the leaf and the intermediates of its own chain." }));
  }
  const rejected = new Set(ctx.rejections.map((r) => r.child));
  for (const r of ctx.rejections) {
    out.push(finding(r.code, r.child, `${label(r.child)} names "${nameToString(r.candidate.cert.subject)}" as issuer, but candidate ${candidateLabel(r.candidate)} was rejected: ${r.reason}.`));
  }
  const reported = new Set<Node>();
  for (const n of ctx.deadEnds) {
    if (reported.has(n) || rejected.has(n)) continue;
    reported.add(n);
    if (isSelfIssued(n.cert)) {
      out.push(
        finding("TRUST_UNTRUSTED_ROOT", n, `${label(n)} is a root ("${nameToString(n.cert.subject)}") that is not among the trusted roots.`, {
          fix: "Use a certificate issued by a CA the program trusts.",
        }),
      );
    } else {
      out.push(
        finding("CHAIN_INCOMPLETE", n, `The issuer of ${label(n, true)} ("${nameToString(n.cert.issuer)}") was not uploaded and is not a trusted root.`, {
          fix: "Add the intermediate CA certificate(s) between your certificate and the root, e.g. from your CA's repository.",
        }),
      );
    }
  }
  if (out.length === 0) out.push(finding("CHAIN_INCOMPLETE", ctx.leaf, "No path to a trusted root could be built."));
  return out;
}

/** Validates one path (leaf first; anchor last when complete, else the certificates we could chain). */
async function evaluatePath(path: Node[], opts: ValidatePathOptions, crypto: Crypto): Promise<Finding[]> {
  const out: Finding[] = [];
  // Certificates carry whole seconds; compare at that granularity (limbo validity::notafter-fractional).
  const at = Math.floor(opts.at.getTime() / 1000) * 1000;
  const n = path.length;
  const anchorIndex = n - 1;

  for (let i = 0; i < n; i++) {
    const node = path[i]!;
    const c = node.cert;
    const isLeaf = i === 0;
    const isAnchor = i === anchorIndex && node.anchor;

    // Validity at `at` — for the anchor too: an expired root no longer vouches for anything.
    if (c.notBefore.getTime() > at) {
      out.push(finding(isLeaf ? "LEAF_NOT_YET_VALID" : "CHAIN_CERT_NOT_YET_VALID", node, `${label(node)} is not valid before ${iso(c.notBefore)}.`));
    } else if (c.notAfter.getTime() < at) {
      out.push(
        finding(isLeaf ? "LEAF_EXPIRED" : "CHAIN_CERT_EXPIRED", node, `${label(node)} expired on ${iso(c.notAfter)}.`, {
          fix: isLeaf ? "Renew the certificate and upload the new one." : "Replace the expired CA certificate with its current version from your CA.",
        }),
      );
    }
    out.push(...certificateChecks(node, { isLeaf, isAnchor, profile: opts.profile ?? {} }));
    if (!isAnchor || isLeaf) {
      // Collision-prone digests: a SHA-1 signature can be forged for a colliding certificate (SHAttered, 2017).
      const hash = SIGNATURE_ALGORITHMS[c.sigAlgOid]?.hash;
      if (hash && WEAK_HASHES.has(hash) && !(isAnchor && isLeaf)) {
        out.push(finding("SIGNATURE_ALGORITHM_WEAK", node, `${label(node)} is signed with ${SIGNATURE_ALGORITHMS[c.sigAlgOid]!.name}, which is no longer accepted.`, { fix: "Ask your CA to re-issue it with a SHA-256 (or stronger) signature." }));
      }
    }

    if (!isLeaf) {
      // pathLenConstraint: non-self-issued intermediates below this CA (leaf excluded). The anchor's
      // too: RFC 5280 §6.1.1 (d) lets an implementation take it from the anchor, and OpenSSL and Go do.
      const pathLength = c.basicConstraints?.pathLength;
      if (pathLength !== undefined) {
        let below = 0;
        for (let j = 1; j < i; j++) if (!isSelfIssued(path[j]!.cert)) below++;
        if (below > pathLength) {
          out.push(finding("CHAIN_PATH_LENGTH", node, `${label(node)} allows ${pathLength} intermediate CA(s) below it, but the path has ${below}.`));
        }
      }
    }
  }

  // Name constraints of every CA (anchor included) apply to the certificates below it (§6.1.3 (b), (c)).
  for (let i = 1; i < n; i++) {
    const nc = path[i]!.cert.nameConstraints;
    if (!nc) continue;
    for (let j = 0; j < i; j++) {
      const below = path[j]!;
      // Self-issued intermediates are exempt (§6.1.3 b); the leaf never is.
      if (j > 0 && isSelfIssued(below.cert)) continue;
      const violation = nameConstraintViolation(below.cert, nc, { isLeaf: j === 0 });
      if (violation) {
        out.push(finding("CHAIN_NAME_CONSTRAINTS", below, `${label(below)} violates the name constraints of ${label(path[i]!, true)}: ${violation}.`));
      }
    }
  }

  // EKU: on the leaf, and wherever an issuer constrains it (the de facto CA/B "EKU chaining").
  if (opts.requiredEku?.length) {
    const required = opts.requiredEku;
    const leafEku = path[0]!.cert.extendedKeyUsage;
    const anyOk = opts.profile?.leafAnyEkuSatisfies ?? false;
    if (leafEku && !required.some((e) => leafEku.includes(e)) && !(anyOk && leafEku.includes(OID.anyExtendedKeyUsage))) {
      out.push(
        finding("LEAF_EKU_CLIENT_AUTH", path[0], `The leaf certificate's extended key usage (${ekuList(leafEku) || "empty"}) does not include ${required.map((o) => ekuList([o])).join(" or ")}.`, {
          fix: "Request a certificate with the required extended key usage (e.g. TLS Web Client Authentication, 1.3.6.1.5.5.7.3.2).",
        }),
      );
    }
    for (let i = 1; i < n; i++) {
      const node = path[i]!;
      // Anchors included: a root that restricts its EKU restricts everything under it.
      const eku = node.cert.extendedKeyUsage;
      if (eku && !required.some((e) => eku.includes(e)) && !eku.includes(OID.anyExtendedKeyUsage)) {
        out.push(finding("CHAIN_EKU", node, `${label(node)} restricts extended key usage to ${ekuList(eku)}, which excludes ${required.map((o) => ekuList([o])).join(" or ")}.`));
      }
    }
  }

  // A TLS client signs the handshake (CertificateVerify): with clientAuth required, a key usage that
  // is present must allow digitalSignature (RFC 5280 §4.2.1.3, RFC 8446 §4.4.3; OpenSSL's sslclient purpose).
  const leafCert = path[0]!.cert;
  if (opts.requiredEku?.includes(CLIENT_AUTH) && leafCert.keyUsage && !leafCert.keyUsage.has("digitalSignature")) {
    out.push(
      finding("LEAF_KEY_USAGE", path[0], `The leaf certificate's key usage (${[...leafCert.keyUsage].join(", ") || "empty"}) lacks digitalSignature, which a TLS client needs to sign the handshake.`, {
        fix: 'Re-issue the certificate with "keyUsage = critical, digitalSignature".',
      }),
    );
  }
  // RFC 5480 §2.1.1: ECParameters MUST be a namedCurve; explicit (specifiedCurve) parameters are forbidden
  // (and were the vehicle of CVE-2020-0601). Every certificate on the path, as OpenSSL's -x509_strict does.
  for (const node of path) {
    if (node.cert.spkiAlgOid === EC_PUBLIC_KEY && node.cert.spkiAlgParams[0] !== 0x06) {
      out.push(
        finding("KEY_ALGORITHM_NOT_ALLOWED", node, `${label(node)} has an EC public key with explicit curve parameters instead of a named curve, which RFC 5480 §2.1.1 forbids.`, {
          fix: "Generate the key on a named curve (e.g. openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve).",
        }),
      );
    }
  }

  // Certificate policies (RFC 5280 §6.1, lib/pki/policy-tree.ts) on complete paths; the anchor is not processed.
  if (n > 1 && path[anchorIndex]!.anchor) {
    for (const p of policyPathFindings(path.slice(0, anchorIndex).map((x) => ({ cert: x.cert, label: label(x) })), opts.policy)) out.push(finding(p.code, path[p.index], p.message, { fix: p.fix }));
  }

  if (opts.peerName && !leafMatchesPeerName(path[0]!.cert, opts.peerName)) {
    out.push(finding("LEAF_NAME_MISMATCH", path[0], `The leaf certificate is not valid for ${opts.peerName.kind} name "${opts.peerName.value}".`));
  }

  out.push(...(await revocationFindings(path, opts, crypto)));
  return out;
}

const crlCache = new WeakMap<object, ParsedCrl | null>();

function parsedCrls(inputs: readonly CertificateInput[]): ParsedCrl[] {
  const out: ParsedCrl[] = [];
  for (const input of inputs) {
    const cacheKey = typeof input === "string" ? undefined : input;
    let crl = cacheKey ? crlCache.get(cacheKey) : undefined;
    if (crl === undefined) {
      try {
        crl = parseCrl(input);
      } catch {
        crl = null;
      }
      if (cacheKey) crlCache.set(cacheKey, crl);
    }
    if (crl) out.push(crl);
  }
  return out;
}

async function revocationFindings(path: Node[], opts: ValidatePathOptions, crypto: Crypto): Promise<Finding[]> {
  if (opts.revocation?.mode === "strict") return strictRevocationFindings(path, opts, crypto);
  const out: Finding[] = [];
  const crls = opts.crls?.length ? parsedCrls(opts.crls) : [];
  const at = opts.at.getTime();
  for (let i = 0; i + 1 < path.length; i++) {
    const node = path[i]!;
    const issuer = path[i + 1]!;
    if (crls.length) {
      for (const crl of crls) {
        if (crl.issuer.key !== node.cert.issuer.key) continue;
        // Signature first: a CRL the issuer did not sign (another key of the same name, a forgery)
        // says nothing about this certificate and is skipped, never trusted.
        const sig = await verifySignature({ signed: crl.tbs, signature: crl.signature, sigAlgOid: crl.sigAlgOid, sigAlgParams: crl.sigAlgParams, issuer: issuer.cert, crypto });
        if (!sig.ok) {
          out.push(finding("REVOCATION_UNKNOWN", node, `A CRL naming the issuer of ${label(node, true)} was not signed by that issuer's key (${sig.reason}); it was ignored.`, { severity: "warning" }));
          continue;
        }
        // The issuer signed it but may not sign CRLs, or the CRL breaks RFC 5280 §5.2.3: refuse rather than guess.
        if (issuer.cert.keyUsage && !issuer.cert.keyUsage.has("cRLSign")) {
          out.push(finding("REVOCATION_UNKNOWN", node, `The CRL for ${label(node, true)} is signed by a CA whose key usage lacks cRLSign.`));
          continue;
        }
        if (!crl.hasCrlNumber || crl.crlNumberCritical) {
          out.push(finding("REVOCATION_UNKNOWN", node, `The CRL for ${label(node, true)} ${crl.hasCrlNumber ? "marks cRLNumber critical" : "lacks the cRLNumber extension"} (RFC 5280 §5.2.3), so it cannot be relied on.`));
          continue;
        }
        if (crl.unknownCriticalExtensions.length || crl.partitioned) {
          // Delta and partitioned CRLs are not supported. Skipping one is safe when it does not list the
          // certificate; when it does, the issuer has claimed a revocation we cannot rule out.
          const listed = crl.revoked.has(serialHex(node.cert.serial));
          out.push(
            finding("REVOCATION_UNKNOWN", node, `A CRL for ${label(node, true)} has critical extensions or a scope (delta, partitioned) this validator does not support${listed ? " and lists this certificate" : "; it was ignored"}.`, {
              severity: listed ? "error" : "warning",
            }),
          );
          continue;
        }
        if (crl.nextUpdate && crl.nextUpdate.getTime() < at) {
          out.push(finding("REVOCATION_UNKNOWN", node, `The CRL for ${label(node, true)} is out of date (next update was due ${iso(crl.nextUpdate)}).`, { severity: "warning" }));
        }
        const entry = crl.revoked.get(serialHex(node.cert.serial));
        if (entry && entry.date.getTime() <= at) {
          out.push(finding("REVOKED", node, `${label(node)} was revoked on ${iso(entry.date)}${entry.reason !== undefined ? ` (reason code ${entry.reason})` : ""}.`));
        }
      }
    }
    if (opts.statusChecker) {
      let status: RevocationStatus;
      try {
        status = await opts.statusChecker({ der: node.cert.der, info: describeCertificate(node.cert) }, { der: issuer.cert.der, info: describeCertificate(issuer.cert) });
      } catch {
        status = { status: "unknown", reason: "the status check failed" };
      }
      switch (status.status) {
        case "good":
          break;
        case "revoked":
          // A live answer from the CA (OCSP or its CRL) has its own code, apart from a supplied CRL's REVOKED.
          out.push(
            finding(
              "REVOCATION_REVOKED",
              node,
              `${label(node)} was revoked by its CA${status.revokedAt ? ` on ${iso(status.revokedAt)}` : ""}${status.reason ? ` (reason: ${status.reason})` : ""}${status.source ? `, according to ${status.source}` : ""}.`,
              { fix: "A revoked certificate can never be used again: create a new key and CSR and have your CA issue a new certificate." },
            ),
          );
          break;
        case "unknown":
          out.push(finding("REVOCATION_UNKNOWN", node, `The revocation status of ${label(node, true)} is unknown${status.reason ? `: ${status.reason}` : ""}.`, { severity: "warning" }));
          break;
      }
    }
  }
  return out;
}

/** CRL signer certificates whose own path is being validated, per nested call (a recursion guard). */
const signerChain = new WeakMap<ValidatePathOptions, ReadonlySet<string>>();

/** `revocation: { mode: "strict" }`: every non-anchor certificate of the path needs a determined status. */
async function strictRevocationFindings(path: Node[], opts: ValidatePathOptions, crypto: Crypto): Promise<Finding[]> {
  const out: Finding[] = [];
  const crls = opts.crls?.length ? parsedCrls(opts.crls) : [];
  const candidates: CrlSignerCandidate[] = path.map((n) => ({ cert: n.cert, trusted: true }));
  for (const [inputs, trusted] of [[opts.trustAnchors, true], [opts.intermediates ?? [], false]] as const) {
    for (const input of inputs) {
      try {
        candidates.push({ cert: parseCertificate(input), trusted });
      } catch {
        // Unreadable certificates are reported by path building; they cannot sign CRLs.
      }
    }
  }
  const inProgress = signerChain.get(opts) ?? new Set<string>();
  const signerPathValid = async (cert: ParsedCertificate): Promise<boolean> => {
    const key = derKey(cert);
    if (inProgress.has(key) || inProgress.size >= 4) return false;
    const sub: ValidatePathOptions = { ...opts, leaf: cert.der, requiredEku: undefined, peerName: undefined, policy: undefined };
    signerChain.set(sub, new Set([...inProgress, key]));
    return (await validatePath(sub)).ok;
  };
  for (let i = 0; i + 1 < path.length; i++) {
    const node = path[i]!;
    const issuer = path[i + 1]!;
    const fromCrl = crls.length ? await crlStatus(node.cert, issuer.cert, { crls, at: opts.at, crypto, candidates, signerPathValid }) : { status: "undetermined" as const, why: "no CRL was supplied" };
    if (fromCrl.status === "revoked") {
      out.push(finding("REVOKED", node, `${label(node)} was revoked on ${iso(fromCrl.date)}${fromCrl.reason !== undefined ? ` (reason code ${fromCrl.reason})` : ""}.`));
      continue;
    }
    let checked: RevocationStatus | undefined;
    if (opts.statusChecker) {
      try {
        checked = await opts.statusChecker({ der: node.cert.der, info: describeCertificate(node.cert) }, { der: issuer.cert.der, info: describeCertificate(issuer.cert) });
      } catch {
        checked = { status: "unknown", reason: "the status check failed" };
      }
      if (checked.status === "revoked") {
        out.push(
          finding("REVOCATION_REVOKED", node, `${label(node)} was revoked by its CA${checked.revokedAt ? ` on ${iso(checked.revokedAt)}` : ""}${checked.reason ? ` (reason: ${checked.reason})` : ""}${checked.source ? `, according to ${checked.source}` : ""}.`, {
            fix: "A revoked certificate can never be used again: create a new key and CSR and have your CA issue a new certificate.",
          }),
        );
        continue;
      }
    }
    if (fromCrl.status === "good" || checked?.status === "good") continue;
    const whyNot = [fromCrl.why, checked?.reason].filter(Boolean).join("; ");
    out.push(
      finding("REVOCATION_UNKNOWN", node, `The revocation status of ${label(node, true)} could not be determined, and strict revocation checking requires it: ${whyNot}.`, {
        fix: "Supply the issuing CA's current CRL (or make its OCSP responder reachable).",
      }),
    );
  }
  return out;
}

const MUST_BE_NON_CRITICAL = [OID.authorityKeyId, OID.subjectKeyId, OID.authorityInfoAccess];
const MUST_BE_CRITICAL_IN_CA = [OID.nameConstraints, OID.policyConstraints];
const LDH_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

function validDnsSan(name: string): boolean {
  const labels = name.replace(/^\*\./, "x.").split(".");
  return name.length <= 253 && labels.length >= 1 && labels.every((l) => LDH_LABEL.test(l));
}

function validMailbox(value: string): boolean {
  const at = value.indexOf("@");
  return at > 0 && at === value.lastIndexOf("@") && validDnsSan(value.slice(at + 1)) && !/[\s<>]/.test(value);
}

/** Structural checks of one certificate in its role on the path. */
function certificateChecks(node: Node, ctx: { isLeaf: boolean; isAnchor: boolean; profile: ValidationProfile }): Finding[] {
  const out: Finding[] = [];
  const c = node.cert;
  const { isLeaf, isAnchor, profile } = ctx;
  const bad = (code: FindingCode, message: string) => out.push(finding(code, node, `${label(node)} ${message}`));
  const isCa = !isLeaf;

  // Names are compared by their decoded text; a value that does not decode strictly is compared by its bytes
  // and reported, so a CA cannot make two different names look equal (U+FFFD) or smuggle non-strings.
  if (c.subject.problems.length) bad("CERTIFICATE_MALFORMED", `has a malformed subject name: ${c.subject.problems.join("; ")} (RFC 5280 §4.1.2.4).`);
  if (c.issuer.problems.length) bad("CERTIFICATE_MALFORMED", `has a malformed issuer name: ${c.issuer.problems.join("; ")} (RFC 5280 §4.1.2.4).`);
  if (c.duplicateExtensions.length) bad("CERTIFICATE_MALFORMED", `repeats extension(s) ${c.duplicateExtensions.join(", ")} (RFC 5280 §4.2).`);
  if (c.malformedExtensions.length) bad("CERTIFICATE_MALFORMED", `has undecodable extension(s) ${c.malformedExtensions.join(", ")}.`);
  if (c.sigAlgMismatch) bad("CERTIFICATE_MALFORMED", "names different signature algorithms inside and outside the signed part (RFC 5280 §4.1.1.2).");
  const unknownCritical = c.extensions.filter((e) => e.critical && !UNDERSTOOD_EXTENSIONS.has(e.oid)).map((e) => e.oid);
  if (unknownCritical.length) bad("CHAIN_CRITICAL_EXTENSION", `has critical extension(s) this validator does not understand: ${unknownCritical.join(", ")}.`);
  const wronglyCritical = MUST_BE_NON_CRITICAL.filter((oid) => c.extensionMap.get(oid)?.critical);
  if (wronglyCritical.length) bad("CHAIN_CRITICAL_EXTENSION", `marks extension(s) ${wronglyCritical.join(", ")} critical, which RFC 5280 forbids.`);
  const san = c.extensionMap.get(OID.subjectAltName);
  if (c.subject.rdns.length === 0 && san && !san.critical) bad("CERTIFICATE_MALFORMED", "has an empty subject, so its subjectAltName must be critical (RFC 5280 §4.2.1.6).");
  if (c.subject.rdns.length === 0 && !san) bad("CERTIFICATE_MALFORMED", "has neither a subject nor a subjectAltName.");
  // RFC 5280 §4.2.1.6 only says SHOULD NOT; CA/B BR 7.1.2.7.12 forbids it. OpenSSL and Go accept it.
  if (profile.webPki && c.subject.rdns.length > 0 && san?.critical) bad("CERTIFICATE_MALFORMED", "marks subjectAltName critical although its subject is not empty (CA/B BR 7.1.2.7.12).");
  // Serial numbers: positive, at most 20 octets (RFC 5280 §4.1.2.2). Not for anchors: some old roots have serial 0.
  if (!isAnchor) {
    const serial = c.serial;
    const zero = serial.every((b) => b === 0);
    if (serial.length === 0 || zero || (serial[0]! & 0x80) !== 0 || serial.length > 21 || (serial.length === 21 && serial[0] !== 0)) {
      bad("CERTIFICATE_MALFORMED", "has a serial number that is not a positive integer of at most 20 octets (RFC 5280 §4.1.2.2).");
    }
  }

  if (isCa) {
    // RFC 5280 §6.1.4 (k), (n): an issuer must be a CA allowed to sign certificates.
    const bc = c.extensionMap.get(OID.basicConstraints);
    if (c.version !== 3 || !c.basicConstraints?.ca) {
      out.push(
        finding("CHAIN_ISSUER_NOT_CA", node, `${label(node)} issues certificates but is not a CA (basicConstraints cA is ${c.basicConstraints ? "false" : "absent"}).`, {
          fix: "The chain must be issued by a CA certificate; ask your CA for the correct intermediate.",
        }),
      );
    } else if (!bc?.critical && profile.strict) {
      // Only under `strict`: RFC 5280 obliges CAs to mark it critical, but validators accept it (PKITS
      // basicConstraintsNotCriticalTest4), and one root in Node's (Mozilla's) store has it non-critical.
      bad("CHAIN_ISSUER_NOT_CA", "is a CA but does not mark basicConstraints critical (RFC 5280 §4.2.1.9).");
    } else if (c.keyUsage && !c.keyUsage.has("keyCertSign")) {
      bad("CHAIN_ISSUER_NOT_CA", "is a CA but its key usage does not allow keyCertSign.");
    }
    if (c.subject.rdns.length === 0) bad("CERTIFICATE_MALFORMED", "is a CA with an empty subject (RFC 5280 §4.1.2.6).");
    // Only under `strict`: we enforce these constraints whether or not they are critical, so a
    // non-critical one is a CA's paperwork error, not a risk (PKITS marks policyConstraints non-critical).
    const notCritical = profile.strict ? MUST_BE_CRITICAL_IN_CA.filter((oid) => c.extensionMap.has(oid) && !c.extensionMap.get(oid)!.critical) : [];
    if (notCritical.length) bad("CERTIFICATE_MALFORMED", `must mark extension(s) ${notCritical.join(", ")} critical (RFC 5280 §4.2.1.10, §4.2.1.11).`);
    if (c.nameConstraints) {
      for (const sub of [...(c.nameConstraints.permitted ?? []), ...(c.nameConstraints.excluded ?? [])]) {
        // A DNS constraint is a domain name; ".example.com" is a URI-constraint idiom RFC 5280 does not allow here.
        if (sub.kind === "DNS" && (sub.value.startsWith(".") || (sub.value !== "" && !validDnsSan(sub.value)))) {
          bad("CHAIN_NAME_CONSTRAINTS", `has a malformed DNS name constraint "${sub.value}".`);
        }
      }
    }
    if (profile.strict && !c.subjectKeyId) bad("CERTIFICATE_MALFORMED", "is a CA without a subject key identifier (RFC 5280 §4.2.1.2).");
    if (profile.webPki && isAnchor && isSelfIssued(c) && c.extensionMap.has(OID.authorityKeyId)) {
      if (!c.authorityKeyId || c.authorityKeyIdHasIssuerSerial || !c.subjectKeyId || !bytesEqual(c.authorityKeyId, c.subjectKeyId)) {
        bad("CERTIFICATE_MALFORMED", "is a root whose authority key identifier is not just its own subject key identifier.");
      }
    }
  } else {
    // RFC 5280 §4.2.1.9: pathLenConstraint only makes sense on a CA.
    if (c.basicConstraints && !c.basicConstraints.ca && c.basicConstraints.pathLength !== undefined) bad("CERTIFICATE_MALFORMED", "sets a path length without being a CA (RFC 5280 §4.2.1.9).");
    if (c.extensionMap.has(OID.nameConstraints)) bad("CERTIFICATE_MALFORMED", "is an end-entity certificate carrying name constraints (RFC 5280 §4.2.1.10).");
    if (profile.webPki) {
      // A CA certificate that also names an end-entity purpose is a mis-issued leaf (CA/B BR 7.1.2.7.8);
      // a bare CA certificate in leaf position stays acceptable, as RFC 5280 allows.
      if (c.basicConstraints?.ca && c.extendedKeyUsage) bad("LEAF_IS_CA", "is a CA certificate, not an end-entity certificate.");
      if (c.extensionMap.get(OID.extKeyUsage)?.critical) bad("LEAF_EKU_CLIENT_AUTH", "marks extended key usage critical.");
      if (c.extendedKeyUsage?.includes(OID.anyExtendedKeyUsage)) bad("LEAF_EKU_CLIENT_AUTH", "allows anyExtendedKeyUsage, which end-entity certificates must not (CA/B BR 7.1.2.7.10).");
    }
  }
  // RFC 5280 §4.2.1.9: keyCertSign without cA asserted is contradictory.
  if (c.keyUsage?.has("keyCertSign") && !c.basicConstraints?.ca) bad("CERTIFICATE_MALFORMED", "allows keyCertSign in key usage but is not a CA (RFC 5280 §4.2.1.9).");
  if (profile.webPki && isAnchor && !isLeaf && c.extendedKeyUsage) bad("CHAIN_EKU", "is a root carrying an extended key usage extension, which CA/B BR 7.1.2.1.2 forbids.");
  if (profile.strict && !isSelfIssued(c) && !isAnchor && !c.authorityKeyId) bad("CERTIFICATE_MALFORMED", "has no authority key identifier (RFC 5280 §4.2.1.1).");
  if (profile.strict) {
    for (const n of c.sans ?? []) {
      if (n.kind === "DNS" && !validDnsSan(n.value)) bad("CERTIFICATE_MALFORMED", `has a malformed DNS name "${n.value}" in subjectAltName.`);
      if (n.kind === "RFC822" && !validMailbox(n.value)) bad("CERTIFICATE_MALFORMED", `has a malformed e-mail address "${n.value}" in subjectAltName.`);
    }
  }
  if (profile.webPki) webPkiKeyChecks(node, bad);
  return out;
}

function webPkiKeyChecks(node: Node, bad: (code: FindingCode, message: string) => void): void {
  const c = node.cert;
  const key = publicKeyInfo(c.spkiAlgOid, c.spkiAlgParams, c.publicKeyBits);
  switch (key.algorithm) {
    case "RSA":
      if (key.size < 2048) bad("KEY_TOO_SMALL", `has a ${key.size}-bit RSA key; at least 2048 bits are required.`);
      else if (key.size % 8 !== 0) bad("KEY_SIZE_UNEXPECTED", `has a ${key.size}-bit RSA key, not a multiple of 8 bits.`);
      break;
    case "EC":
      if (!["P-256", "P-384", "P-521"].includes(key.curve ?? "")) bad("KEY_ALGORITHM_NOT_ALLOWED", `uses elliptic curve ${key.curve}, which is not allowed.`);
      break;
    case "Ed25519":
      break;
    default:
      bad("KEY_ALGORITHM_NOT_ALLOWED", `uses a ${key.algorithm} key, which is not allowed.`);
  }
}
