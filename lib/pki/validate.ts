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
import { bytesEqual } from "./der";
import type { Finding, FindingCode, Severity } from "./findings";
import { type CertificateInfo, describeCertificate } from "./inspect";
import { type PeerName, leafMatchesPeerName, nameConstraintViolation } from "./names";
import { type SignatureCheck, verifyCertificateSignature, verifySignature } from "./signature";

export type CertificateInput = string | Uint8Array;

export type RevocationStatus = { status: "good" | "revoked" | "unknown"; reason?: string };

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
  /** Certificates trusted by name and key. Their own validity is checked; their other extensions are not. */
  trustAnchors: readonly CertificateInput[];
  /** Validation time. */
  at: Date;
  /** The leaf must carry one of these EKU OIDs (when it has an EKU extension), and issuers must not exclude them. */
  requiredEku?: readonly string[];
  peerName?: PeerName;
  /** Maximum number of intermediates between leaf and trust anchor. */
  maxDepth?: number;
  /** CRLs (PEM or DER) to honour. */
  crls?: readonly CertificateInput[];
  statusChecker?: StatusChecker;
  crypto?: Crypto;
  /** Refinements used by conformance harnesses; defaults suit client-certificate onboarding. */
  profile?: ValidationProfile;
};

export type ValidationProfile = {
  /** Accept anyExtendedKeyUsage on the leaf in place of the required EKU (RFC 5280 yes; webpki no). Default false. */
  leafAnyEkuSatisfies?: boolean;
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

function label(node: Node): string {
  return node.position === 0 ? "The leaf certificate" : node.anchor && node.position < 0 ? "The trust anchor" : `Certificate ${node.position}`;
}

const iso = (d: Date) => d.toISOString();

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
    if (path.length - 1 > maxIntermediates) {
      // Depth counts intermediates (the leaf and anchor excluded), like OpenSSL's -verify_depth.
      tooLong ??= [...path];
      return false;
    }
    const candidates = bySubject.get(cur.cert.issuer.key) ?? [];
    if (candidates.length === 0) deadEnds.push(cur);
    // Prefer candidates whose key identifier matches, but try every one (RFC 4158 §3.5).
    const ordered = cur.cert.authorityKeyId
      ? [...candidates].sort((a, b) => Number(!skiMatches(cur.cert, b.cert)) - Number(!skiMatches(cur.cert, a.cert)))
      : candidates;
    for (const cand of ordered) {
      if (completePaths >= MAX_COMPLETE_PATHS || signatureChecks >= MAX_SIGNATURE_CHECKS) {
        budgetExhausted = true;
        return false;
      }
      // Loop protection: a certificate (same name and key) never appears twice in one path.
      if (path.some((p) => p.cert === cand.cert || (p.cert.subject.key === cand.cert.subject.key && bytesEqual(p.cert.spki, cand.cert.spki)))) {
        continue;
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
  }
  const path = best ? best.path : [leaf];
  return { ok: ok && !findings.some((f) => f.severity === "error"), path: path.map((n) => describeCertificate(n.cert)), findings };
}

function derKey(cert: ParsedCertificate): string {
  // Fast identity for caches: signature bytes are unique per certificate in practice; the TBS length disambiguates.
  return `${cert.tbs.length}:${Buffer.from(cert.signature.buffer, cert.signature.byteOffset, Math.min(cert.signature.length, 64)).toString("base64")}:${cert.der.length}`;
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
  return n.anchor ? (n.position >= 0 ? `certificate ${n.position} (a trust anchor)` : "trust anchor") : `certificate ${n.position}`;
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
        finding("CHAIN_INCOMPLETE", n, `The issuer of ${label(n).toLowerCase()} ("${nameToString(n.cert.issuer)}") was not uploaded and is not a trusted root.`, {
          fix: "Add the intermediate CA certificate(s) between your certificate and the root, e.g. from your CA's repository.",
        }),
      );
    }
  }
  if (out.length === 0) out.push(finding("CHAIN_INCOMPLETE", ctx.leaf, "No path to a trusted root could be built."));
  return out;
}

/** Validates one complete path (leaf first, anchor last). */
async function evaluatePath(path: Node[], opts: ValidatePathOptions, crypto: Crypto): Promise<Finding[]> {
  const out: Finding[] = [];
  const at = opts.at.getTime();
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
    if (isAnchor && !isLeaf) continue; // A trust anchor is trusted as name + key; its extensions are not re-judged.

    if (c.duplicateExtensions.length) {
      out.push(finding("CERTIFICATE_MALFORMED", node, `${label(node)} repeats extension(s) ${c.duplicateExtensions.join(", ")} (RFC 5280 §4.2).`));
    }
    if (c.malformedExtensions.length) {
      out.push(finding("CERTIFICATE_MALFORMED", node, `${label(node)} has undecodable extension(s) ${c.malformedExtensions.join(", ")}.`));
    }
    if (c.sigAlgMismatch) {
      out.push(finding("CERTIFICATE_MALFORMED", node, `${label(node)} names different signature algorithms inside and outside the signed part (RFC 5280 §4.1.1.2).`));
    }
    const unknownCritical = c.extensions.filter((e) => e.critical && !UNDERSTOOD_EXTENSIONS.has(e.oid)).map((e) => e.oid);
    if (unknownCritical.length) {
      out.push(finding("CHAIN_CRITICAL_EXTENSION", node, `${label(node)} has critical extension(s) this validator does not understand: ${unknownCritical.join(", ")}.`));
    }
    if (c.subject.rdns.length === 0 && !c.extensionMap.get(OID.subjectAltName)?.critical) {
      out.push(finding("CERTIFICATE_MALFORMED", node, `${label(node)} has an empty subject, so its subjectAltName must be critical (RFC 5280 §4.2.1.6).`));
    }

    if (!isLeaf) {
      // RFC 5280 §6.1.4 (k), (n): an issuer must be a CA allowed to sign certificates.
      if (c.version !== 3 || !c.basicConstraints?.ca) {
        out.push(
          finding("CHAIN_ISSUER_NOT_CA", node, `${label(node)} issues certificates but is not a CA (basicConstraints cA is ${c.basicConstraints ? "false" : "absent"}).`, {
            fix: "The chain must be issued by a CA certificate; ask your CA for the correct intermediate.",
          }),
        );
      } else if (c.keyUsage && !c.keyUsage.has("keyCertSign")) {
        out.push(finding("CHAIN_ISSUER_NOT_CA", node, `${label(node)} is a CA but its key usage does not allow keyCertSign.`));
      }
      // pathLenConstraint: non-self-issued intermediates below this CA (leaf excluded).
      const pathLength = c.basicConstraints?.pathLength;
      if (pathLength !== undefined) {
        let below = 0;
        for (let j = 1; j < i; j++) if (!isSelfIssued(path[j]!.cert)) below++;
        if (below > pathLength) {
          out.push(finding("CHAIN_PATH_LENGTH", node, `${label(node)} allows ${pathLength} intermediate CA(s) below it, but the path has ${below}.`));
        }
      }
    } else {
      // RFC 5280 §4.2.1.9: pathLenConstraint only makes sense on a CA; a leaf carrying one is malformed.
      if (c.basicConstraints && !c.basicConstraints.ca && c.basicConstraints.pathLength !== undefined) {
        out.push(finding("CERTIFICATE_MALFORMED", node, `${label(node)} sets a path length without being a CA (RFC 5280 §4.2.1.9).`));
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
      const violation = nameConstraintViolation(below.cert, nc);
      if (violation) {
        out.push(finding("CHAIN_NAME_CONSTRAINTS", below, `${label(below)} violates the name constraints of ${label(path[i]!).toLowerCase()}: ${violation}.`));
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const node = path[i]!;
    if (node.cert.extensionMap.has(OID.nameConstraints) && node.cert.nameConstraints === undefined && !(i === anchorIndex && node.anchor)) {
      // Already reported as malformed above; a CA whose constraints we cannot read must not be trusted as unconstrained.
    }
  }

  // EKU: on the leaf, and wherever an issuer constrains it (the de facto CA/B "EKU chaining").
  if (opts.requiredEku?.length) {
    const required = opts.requiredEku;
    const leafEku = path[0]!.cert.extendedKeyUsage;
    const anyOk = opts.profile?.leafAnyEkuSatisfies ?? false;
    if (leafEku && !required.some((e) => leafEku.includes(e)) && !(anyOk && leafEku.includes(OID.anyExtendedKeyUsage))) {
      out.push(
        finding("LEAF_EKU_CLIENT_AUTH", path[0], `The leaf certificate's extended key usage (${leafEku.join(", ") || "empty"}) does not include ${required.join(" or ")}.`, {
          fix: "Request a certificate with the required extended key usage (e.g. TLS Web Client Authentication, 1.3.6.1.5.5.7.3.2).",
        }),
      );
    }
    for (let i = 1; i < n; i++) {
      const node = path[i]!;
      if (i === anchorIndex && node.anchor) continue;
      const eku = node.cert.extendedKeyUsage;
      if (eku && !required.some((e) => eku.includes(e)) && !eku.includes(OID.anyExtendedKeyUsage)) {
        out.push(finding("CHAIN_EKU", node, `${label(node)} restricts extended key usage to ${eku.join(", ")}, which excludes ${required.join(" or ")}.`));
      }
    }
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
  const out: Finding[] = [];
  const crls = opts.crls?.length ? parsedCrls(opts.crls) : [];
  const at = opts.at.getTime();
  for (let i = 0; i + 1 < path.length; i++) {
    const node = path[i]!;
    const issuer = path[i + 1]!;
    if (crls.length) {
      for (const crl of crls) {
        if (crl.issuer.key !== node.cert.issuer.key) continue;
        // A CRL only counts when its issuer signed it and may sign CRLs; otherwise anyone could revoke.
        if (issuer.cert.keyUsage && !issuer.cert.keyUsage.has("cRLSign")) {
          out.push(finding("REVOCATION_UNKNOWN", node, `The CRL for ${label(node).toLowerCase()} is signed by a CA whose key usage lacks cRLSign.`));
          continue;
        }
        if (crl.unknownCriticalExtensions.length || crl.partitioned) {
          out.push(finding("REVOCATION_UNKNOWN", node, `The CRL for ${label(node).toLowerCase()} has critical extensions or a scope this validator does not support.`));
          continue;
        }
        const sig = await verifySignature({ signed: crl.tbs, signature: crl.signature, sigAlgOid: crl.sigAlgOid, sigAlgParams: crl.sigAlgParams, issuer: issuer.cert, crypto });
        if (!sig.ok) {
          out.push(finding("REVOCATION_UNKNOWN", node, `A CRL naming the issuer of ${label(node).toLowerCase()} does not verify: ${sig.reason}.`, { severity: "warning" }));
          continue;
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
          out.push(finding("REVOKED", node, `${label(node)} is revoked${status.reason ? `: ${status.reason}` : ""}.`));
          break;
        case "unknown":
          out.push(finding("REVOCATION_UNKNOWN", node, `The revocation status of ${label(node).toLowerCase()} is unknown${status.reason ? `: ${status.reason}` : ""}.`, { severity: "warning" }));
          break;
      }
    }
  }
  return out;
}
