/**
 * The rule engine: an intake result + a program + per-partner parameters → a verdict
 * with every finding. Pure: time, trust anchors and the crypto provider come in.
 */
import type { Finding, FindingSubject } from "../pki/findings";
import type { IntakeItem, IntakeResult } from "../intake/types";
import type { Program, KeyAlgorithmRule } from "./program";
import type { CertView, CsrView, KeyView, PathOutcome } from "./views";
import { DAY_MS, displayName, finding, isoDay, plural } from "./messages";
import { cnContainsCompany, foldName, sameOrganization } from "./normalize";
import { anchorIndex, pemOf, publicTrustAnchorList, validateChain, viewCertificate, viewCsr } from "./inspect";
import type { StatusChecker } from "../pki";

export const EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

/** Per-partner parameters a program is evaluated with. */
export type Partner = {
  /** Legal or trading name; the company-name rule looks for it in CNs. */
  companyName?: string;
  /** eIDAS organisation identifier, e.g. `PSDLT-BOL-123456`. */
  organizationIdentifier?: string;
  /** PSD2 roles the partner needs: `PSP_AS`, `PSP_PI`, `PSP_AI`, `PSP_IC`. */
  psd2Roles?: string[];
};

export type ChainRole = "leaf" | "intermediate" | "root" | "csr" | "unrelated";

/** One certificate or CSR of the verdict, as inspected. */
export type ChainEntry = {
  role: ChainRole;
  kind: "certificate" | "csr";
  /** Position in the upload (intake order); null for a root taken from the trust store. */
  position: number | null;
  /** File name (and archive entry); null for a root from the trust store. */
  source: string | null;
  subject: string;
  /** CSRs: the purpose the program assigned (e.g. `mtls`, `signature`). */
  purpose?: string;
  /** Whole days until notAfter at the evaluation time (negative once expired). */
  daysRemaining?: number;
  /** Everything lib/pki reported about the certificate or CSR (issuer, validity, key, fingerprints…). */
  details: Record<string, unknown>;
};

export type Verdict = {
  verdict: "accepted" | "rejected";
  findings: Finding[];
  chain: ChainEntry[];
  /** The corrected PEM chain (leaf first), offered when order, duplicates, root presence or encoding were the only structural faults. */
  correctedPem?: string;
  program: { id: string; version: number };
  /** The upload must not be stored (a private key was in it, or an archive was unsafe): from intake. */
  refused: boolean;
};

export type EvaluateOptions = {
  program: Program;
  intake: IntakeResult;
  partner?: Partner;
  at: Date;
  /** Environment the upload is for (informational here; cross-record rules use it). */
  environment?: string;
  /**
   * Trust anchors as PEM strings or DER bytes. When given they REPLACE the program's
   * anchors (tests and benches inject a private root this way); otherwise the program's
   * `trustAnchors` apply (public roots by default).
   */
  trustAnchors?: readonly (string | Uint8Array)[];
  crypto?: Crypto;
  /** CRLs (DER or PEM) honoured by path validation. */
  crls?: readonly (string | Uint8Array)[];
  /** Revocation seam (OCSP, cached CRLs…), passed through to lib/pki. */
  statusChecker?: StatusChecker;
};

type CertItem = { position: number; item: IntakeItem; view: CertView };
type CsrItem = { position: number; item: IntakeItem; view: CsrView; purpose?: string };

export function sourceOf(item: IntakeItem): string {
  return item.source.entry ? `${item.source.file}:${item.source.entry}` : item.source.file;
}

function subjectOf(c: CertItem): FindingSubject {
  return { position: c.position, subject: c.view.subject, source: sourceOf(c.item) };
}

function csrSubjectOf(c: CsrItem): FindingSubject {
  return { position: c.position, subject: c.view.subject, source: sourceOf(c.item) };
}

function nameOf(c: CertView): string {
  return displayName(c.subject, c.commonNames);
}

// ---------------------------------------------------------------- keys and signatures

function keyFamily(key: KeyView): "RSA" | "EC" | "Ed25519" | "other" {
  const a = key.algorithm.toLowerCase();
  if (a.includes("rsa")) return "RSA";
  if (a === "ec" || a.includes("ecdsa") || a.includes("ecpublickey")) return "EC";
  if (a.includes("ed25519")) return "Ed25519";
  return "other";
}

const CURVE_ALIASES: Record<string, string> = {
  "p-256": "P-256", prime256v1: "P-256", secp256r1: "P-256",
  "p-384": "P-384", secp384r1: "P-384",
  "p-521": "P-521", secp521r1: "P-521",
};

function describeKey(key: KeyView): string {
  const fam = keyFamily(key);
  if (fam === "RSA") return `RSA ${key.size ?? "?"}-bit`;
  if (fam === "EC") return `EC ${key.curve ?? key.size ?? "?"}`;
  return key.algorithm;
}

function describeAllowed(rules: readonly KeyAlgorithmRule[]): string {
  return rules
    .map((r) => {
      switch (r.algorithm) {
        case "RSA":
          return r.expectedBits ? `RSA ${r.expectedBits}` : `RSA ≥ ${r.minBits}`;
        case "EC":
          return `EC ${r.curves.join("/")}`;
        case "Ed25519":
          return "Ed25519";
      }
    })
    .join(", ");
}

const NEW_KEY_FIX = {
  rsa: (bits: number) => `Generate a new key and request a new certificate: openssl genrsa -out client.key ${bits} && openssl req -new -key client.key -out client.csr`,
  ec: (curve: string) => `Generate a new key and request a new certificate: openssl ecparam -name ${curve === "P-384" ? "secp384r1" : curve === "P-521" ? "secp521r1" : "prime256v1"} -genkey -noout -out client.key && openssl req -new -key client.key -out client.csr`,
};

function keyFindings(key: KeyView, program: Program, what: string, subject: FindingSubject): Finding[] {
  const rules = program.rules.keyAlgorithms;
  const fam = keyFamily(key);
  const rule = rules.find((r) => r.algorithm === fam);
  const firstRsa = rules.find((r): r is Extract<KeyAlgorithmRule, { algorithm: "RSA" }> => r.algorithm === "RSA");
  const defaultFix = firstRsa ? NEW_KEY_FIX.rsa(firstRsa.expectedBits ?? firstRsa.minBits) : NEW_KEY_FIX.ec("P-256");
  if (!rule) {
    return [
      finding("KEY_ALGORITHM_NOT_ALLOWED", "error", `${what} has a ${describeKey(key)} key; this program accepts ${describeAllowed(rules)}.`, {
        certificate: subject,
        fix: defaultFix,
      }),
    ];
  }
  switch (rule.algorithm) {
    case "RSA": {
      const size = key.size ?? 0;
      if (size < rule.minBits) {
        return [
          finding("KEY_TOO_SMALL", "error", `${what} has an RSA ${size}-bit key; at least ${rule.minBits} bits are required.`, {
            certificate: subject,
            fix: NEW_KEY_FIX.rsa(rule.expectedBits ?? rule.minBits),
          }),
        ];
      }
      if (rule.expectedBits !== undefined && size !== rule.expectedBits) {
        return [
          finding(
            "KEY_SIZE_UNEXPECTED",
            "warning",
            `${what} has an RSA ${size}-bit key; the provider asks for ${rule.expectedBits} bits. A reviewer will confirm the provider accepts it.`,
            { certificate: subject, fix: `To match the request exactly: ${NEW_KEY_FIX.rsa(rule.expectedBits)}` },
          ),
        ];
      }
      return [];
    }
    case "EC": {
      const curve = CURVE_ALIASES[(key.curve ?? "").toLowerCase()] ?? key.curve ?? "unknown curve";
      if (!(rule.curves as readonly string[]).includes(curve)) {
        return [
          finding("KEY_ALGORITHM_NOT_ALLOWED", "error", `${what} has an EC key on ${curve}; this program accepts ${describeAllowed(rules)}.`, {
            certificate: subject,
            fix: NEW_KEY_FIX.ec(rule.curves[0] ?? "P-256"),
          }),
        ];
      }
      return [];
    }
    case "Ed25519":
      return [];
  }
}

function normalizeHash(h: string | undefined): string | undefined {
  if (!h) return undefined;
  const x = h.toUpperCase().replace(/[^A-Z0-9]/g, "");
  if (x === "SHA1") return "SHA-1";
  if (x === "MD5") return "MD5";
  if (x === "MD2" || x === "MD4") return "MD5"; // older still; refused wherever MD5 is
  return h;
}

function weakSignature(alg: { name: string; hash?: string } | undefined, program: Program): string | undefined {
  if (!alg) return undefined;
  const byHash = normalizeHash(alg.hash);
  const byName = /md5|md2|md4/i.test(alg.name) ? "MD5" : /sha-?1(?!\d)/i.test(alg.name) ? "SHA-1" : undefined;
  const hash = byHash ?? byName;
  return hash && (program.rules.refusedSignatureHashes as readonly string[]).includes(hash) ? hash : undefined;
}

// ---------------------------------------------------------------- intake-level rules

function formatFindings(program: Program, intake: IntakeResult, subjects: Map<number, string>): Finding[] {
  const out: Finding[] = [];
  const { encodings, archive } = program.rules.submission;
  const seen = new Set<string>();
  intake.items.forEach((item, position) => {
    const fmt = item.source.format;
    const family = fmt === "pem" ? "pem" : fmt === "der" ? "der" : "pkcs7";
    if ((encodings as readonly string[]).includes(family)) return;
    const where = sourceOf(item);
    const key = `${where}|${family}`;
    if (seen.has(key)) return;
    seen.add(key);
    const pemOnly = encodings.length === 1 && encodings[0] === "pem";
    const file = item.source.entry ?? item.source.file;
    const fix =
      family === "der"
        ? item.kind === "csr"
          ? `openssl req -inform DER -in "${file}" -out request.pem`
          : `openssl x509 -inform DER -in "${file}" -out certificate.pem`
        : `openssl pkcs7 -print_certs${fmt === "pkcs7-der" ? " -inform DER" : ""} -in "${file}" -out chain.pem  (then remove the "subject=/issuer=" lines if your tools mind them)`;
    const label = family === "der" ? "binary DER" : fmt === "pkcs7-der" ? "PKCS#7 (DER)" : "PKCS#7";
    out.push(
      finding(
        pemOnly ? "FORMAT_NOT_PEM" : "FORMAT_NOT_ACCEPTED",
        "error",
        `${where} is ${label}; this program accepts ${encodings.map((e) => e.toUpperCase()).join(", ")}${pemOnly ? " (X.509 ASCII Base64, '-----BEGIN CERTIFICATE-----')" : ""}.`,
        { certificate: { position, subject: subjects.get(position) ?? "", source: where }, fix },
      ),
    );
  });
  const fromArchive = intake.items.some((i) => i.source.entry !== undefined);
  if (archive === "required" && intake.items.length > 0 && !fromArchive) {
    out.push(
      finding("FORMAT_NOT_ACCEPTED", "error", "This program expects the certificate chain inside a .zip archive.", {
        fix: "zip chain.zip client-chain.pem",
      }),
    );
  }
  if (archive === "refused" && fromArchive) {
    out.push(
      finding("FORMAT_NOT_ACCEPTED", "error", "This program does not accept .zip archives; upload the PEM file itself.", {
        fix: "unzip the archive and upload the .pem file",
      }),
    );
  }
  return out;
}

// ---------------------------------------------------------------- the engine

/**
 * Evaluates an intake result under a program and returns the verdict with every finding.
 * Never throws on bad input: unreadable items become CERTIFICATE_MALFORMED findings.
 *
 * @example
 * const verdict = await evaluateUpload({ program: getExampleProgram("ca-chain")!, intake, at: new Date() });
 * if (verdict.verdict === "rejected") console.log(verdict.findings);
 */
export async function evaluateUpload(opts: EvaluateOptions): Promise<Verdict> {
  const { program, intake } = opts;
  const partner = opts.partner ?? {};
  const crypto = opts.crypto ?? globalThis.crypto;
  const findings: Finding[] = [...intake.findings];
  const chain: ChainEntry[] = [];
  const sub = program.rules.submission;

  // ---- inspect every item; an unreadable one is a finding, never an exception.
  const certs: CertItem[] = [];
  const csrs: CsrItem[] = [];
  for (const [position, item] of intake.items.entries()) {
    try {
      if (item.kind === "certificate") certs.push({ position, item, view: viewCertificate(item.der) });
      else csrs.push({ position, item, view: await viewCsr(item.der, crypto) });
    } catch (e) {
      findings.push(
        finding(
          "CERTIFICATE_MALFORMED",
          "error",
          `${item.kind === "csr" ? "The CSR" : "The certificate"} at position ${position} in ${sourceOf(item)} could not be read: ${e instanceof Error ? e.message : "unreadable"}.`,
          {
            certificate: { position, subject: "", source: sourceOf(item) },
            fix: `Check it with: openssl ${item.kind === "csr" ? "req" : "x509"} -in "${item.source.entry ?? item.source.file}" -noout -text`,
          },
        ),
      );
    }
  }

  // ---- encodings and archives, naming each item by the subject just read
  const subjects = new Map<number, string>([...certs.map((c) => [c.position, c.view.subject] as const), ...csrs.map((c) => [c.position, c.view.subject] as const)]);
  findings.push(...formatFindings(program, intake, subjects));

  // ---- submission kinds
  if (certs.length > 0 && sub.chain === "refused") {
    findings.push(
      finding(
        "FORMAT_NOT_ACCEPTED",
        "warning",
        `The upload holds ${plural(certs.length, "certificate")}; this program issues the certificates itself from your CSRs, so they were ignored.`,
        { fix: "Send only the CSR files (-----BEGIN CERTIFICATE REQUEST-----)." },
      ),
    );
  }
  if (csrs.length > 0 && sub.csr === "refused") {
    findings.push(
      finding("FORMAT_NOT_ACCEPTED", "warning", `The upload holds ${plural(csrs.length, "CSR")}; this program takes a certificate chain, so they were ignored.`, {
        fix: "Send the signed certificate chain (leaf first, root last) instead of the CSR.",
      }),
    );
  }

  let leaf: CertItem | undefined;
  let correctedPem: string | undefined;
  if (sub.chain !== "refused") {
    const outcome = await evaluateChain({ ...opts, partner, crypto, certs, findings, chain });
    leaf = outcome.leaf;
    correctedPem = outcome.correctedPem;
  }
  if (sub.csr !== "refused") evaluateCsrs({ program, partner, csrs, leaf, findings, chain });
  const result = finish(program, findings, chain, intake.refused);
  return correctedPem === undefined ? result : { ...result, correctedPem };
}

function finish(program: Program, findings: Finding[], chain: ChainEntry[], refused: boolean): Verdict {
  const merged = dedupe(findings);
  return {
    verdict: merged.some((f) => f.severity === "error") ? "rejected" : "accepted",
    findings: sortFindings(merged),
    chain,
    program: { id: program.id, version: program.version },
    refused,
  };
}

/** One problem → one finding: the same code on the same item is reported once. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}|${f.certificate?.position ?? "-"}|${f.certificate?.source ?? ""}|${f.certificate ? "" : f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

function sortFindings(findings: Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity] || a.i - b.i)
    .map((x) => x.f);
}

// ---------------------------------------------------------------- chain

type ChainContext = EvaluateOptions & {
  partner: Partner;
  crypto: Crypto;
  certs: CertItem[];
  findings: Finding[];
  chain: ChainEntry[];
};

function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}

function certEntry(c: CertView, role: ChainRole, at: Date, item?: CertItem): ChainEntry {
  return {
    role,
    kind: "certificate",
    position: item ? item.position : null,
    source: item ? sourceOf(item.item) : null,
    subject: c.subject,
    daysRemaining: daysBetween(at, c.notAfter),
    details: c.info,
  };
}

/** Picks the client certificate: a non-CA certificate that issues nothing else in the upload. */
function findLeaves(unique: CertItem[]): { leaves: CertItem[]; caOnly: boolean } {
  const issuesAnother = (x: CertItem) => unique.some((y) => y !== x && !y.view.selfIssued && y.view.issuer === x.view.subject);
  const bottoms = unique.filter((c) => !issuesAnother(c));
  const nonCa = bottoms.filter((c) => !c.view.isCa);
  if (nonCa.length > 0) return { leaves: nonCa, caOnly: false };
  if (bottoms.length === 1) {
    const only = bottoms[0]!;
    // A lone self-signed CA is what 001 forbids (CA and client roles in one certificate); a CA certificate
    // carrying clientAuth was meant as a client certificate. Any other CA-only upload lacks its leaf.
    if (only.view.selfSigned || only.view.extendedKeyUsage?.includes(EKU_CLIENT_AUTH)) return { leaves: bottoms, caOnly: false };
  }
  return { leaves: [], caOnly: unique.length > 0 };
}

async function evaluateChain(ctx: ChainContext): Promise<{ leaf?: CertItem; correctedPem?: string }> {
  const { program, at, certs, findings, chain } = ctx;
  const rules = program.rules;

  if (certs.length === 0) {
    // When intake already refused the upload or could not read it, that error is the explanation;
    // "no certificate found" on top of "a private key was in it" only buries it.
    const explained = findings.some((f) => f.severity === "error");
    if (program.rules.submission.chain === "required" && !explained) {
      findings.push(
        finding("CHAIN_NO_LEAF", "error", "No certificate was found in the upload; this program needs your client certificate chain.", {
          fix: "Upload one PEM file with the client (leaf) certificate first, then each issuer: cat client.pem intermediate.pem root.pem > client-chain.pem",
        }),
      );
    }
    return {};
  }

  // ---- duplicates: kept once, reported once per extra copy.
  const unique: CertItem[] = [];
  const byFingerprint = new Map<string, CertItem>();
  for (const c of certs) {
    const first = byFingerprint.get(c.view.fingerprintSha256);
    if (first) {
      findings.push(
        finding(
          "DUPLICATE_CERTIFICATE",
          "warning",
          `${nameOf(c.view)} at position ${c.position} is the same certificate as position ${first.position}; it is counted once.`,
          { certificate: subjectOf(c), fix: "Remove the repeated block from the file (Certdesk offers the corrected file)." },
        ),
      );
      continue;
    }
    byFingerprint.set(c.view.fingerprintSha256, c);
    unique.push(c);
  }

  // ---- the leaf
  const { leaves, caOnly } = findLeaves(unique);
  if (leaves.length === 0) {
    findings.push(
      finding(
        "CHAIN_NO_LEAF",
        "error",
        caOnly
          ? `The upload holds only CA certificates (${unique.map((c) => nameOf(c.view)).join(", ")}); the client (leaf) certificate is missing.`
          : "No client (leaf) certificate was found in the upload.",
        { fix: "Put your client certificate first in the file: cat client.pem intermediate.pem root.pem > client-chain.pem" },
      ),
    );
    for (const c of unique) chain.push(certEntry(c.view, c.view.selfSigned ? "root" : "intermediate", at, c));
    return {};
  }
  const leaf = leaves[0]!;
  const extraLeaves = leaves.slice(1);
  if (extraLeaves.length > 0) {
    findings.push(
      finding(
        "CHAIN_MULTIPLE_LEAVES",
        "error",
        `The upload holds ${leaves.length} client certificates: ${leaves.map((l) => `${nameOf(l.view)} (position ${l.position})`).join(", ")}. One upload is one chain for one client certificate.`,
        { certificate: subjectOf(extraLeaves[0]!), fix: "Upload each client certificate's chain separately." },
      ),
    );
  }
  const leafSubject = subjectOf(leaf);

  // ---- trust anchors and the path
  const anchors = ctx.trustAnchors ?? programAnchors(program);
  const anchorIdx = await anchorIndex(anchors);
  const publicIdx = await anchorIndex(publicAnchorsList());
  const uploadedRoots = unique.filter((c) => c !== leaf && !extraLeaves.includes(c) && c.view.selfSigned);
  const intermediates = unique.filter((c) => c !== leaf && !extraLeaves.includes(c) && !c.view.selfSigned);

  let outcome: PathOutcome;
  if (leaf.view.selfSigned) {
    outcome = { ok: false, path: [leaf.view], findings: [] };
  } else {
    try {
      outcome = await validateChain({
        leaf: leaf.view,
        intermediates: intermediates.map((c) => c.view),
        // Uploaded self-signed roots act as anchors so that every other check of the path runs;
        // whether such a root may terminate the chain is the program's call, made below.
        anchors,
        extraAnchors: uploadedRoots.map((r) => r.view),
        at,
        requiredEku: rules.eku === "not-checked" ? undefined : [EKU_CLIENT_AUTH],
        crls: ctx.crls,
        statusChecker: ctx.statusChecker,
        crypto: ctx.crypto,
      });
    } catch (e) {
      outcome = {
        ok: false,
        path: [leaf.view],
        findings: [
          finding("CHAIN_INCOMPLETE", "error", `The path from ${nameOf(leaf.view)} could not be built: ${e instanceof Error ? e.message : "unexpected error"}.`, {
            certificate: leafSubject,
          }),
        ],
      };
    }
  }

  const uploadedByFp = new Map(unique.map((c) => [c.view.fingerprintSha256, c]));
  const path = outcome.path;
  const terminal = path.length > 1 || leaf.view.selfSigned ? path[path.length - 1] : undefined;
  const terminalIsAnchor = terminal !== undefined && terminal.selfIssued && (anchorIdx.has(terminal) || uploadedRoots.some((r) => r.view.fingerprintSha256 === terminal.fingerprintSha256));
  const terminalTrusted = terminal !== undefined && anchorIdx.has(terminal);
  const terminalPublic = terminal !== undefined && publicIdx.has(terminal);
  const selfSignedChain = terminalIsAnchor && !terminalTrusted;
  const issuedBy: "self-signed" | "ca-issued" = leaf.view.selfSigned || selfSignedChain ? "self-signed" : "ca-issued";
  // When pki reached an anchor its path is the truth; otherwise follow issuer names through the
  // upload so order and display still make sense, and do not call anything "unrelated" on a guess.
  const complete = terminalIsAnchor;
  const ordered = complete ? path : nameChain(leaf.view, unique.map((c) => c.view));
  const pathFps = new Set(ordered.map((p) => p.fingerprintSha256));

  // Map pki's positions ([leaf, ...intermediates]) back to upload positions.
  const passed = [leaf, ...intermediates];
  const pkiFindings = outcome.findings.map((f) => remap(f, passed, uploadedByFp));

  const own: Finding[] = [];

  // ---- trust
  if (leaf.view.selfSigned) {
    if (rules.issuance === "ca-issued") {
      own.push(
        finding("TRUST_SELF_SIGNED_REFUSED", "error", `${nameOf(leaf.view)} is self-signed; this program accepts only certificates issued by a trusted public CA.`, {
          certificate: leafSubject,
          fix: "Create a CSR from your key (openssl req -new -key client.key -out client.csr) and have a public CA (DigiCert, Sectigo, GlobalSign…) issue the certificate.",
        }),
      );
    } else {
      own.push(
        finding(
          "SELF_SIGNED_ROLES_MIXED",
          "error",
          `${nameOf(leaf.view)} is a self-signed certificate used as the client certificate; the CA and TLS client roles must be two certificates: a self-signed root CA and a client leaf signed by it.`,
          {
            certificate: leafSubject,
            fix: 'openssl req -x509 -new -sha256 -days 3650 -key ca.key -out ca.pem -extensions v3_ca -subj "/CN=<Company> Root CA/O=<Company>" && openssl req -new -key client.key -out client.csr -subj "/CN=<Company>-client/O=<Company>" && openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -sha256 -days 750 -out client.pem && cat client.pem ca.pem > client-chain.pem',
          },
        ),
      );
    }
  } else if (terminal && selfSignedChain) {
    const rootItem = uploadedByFp.get(terminal.fingerprintSha256);
    const rootSubject: FindingSubject = rootItem ? subjectOf(rootItem) : { position: -1, subject: terminal.subject };
    if (rules.issuance === "ca-issued") {
      if (terminalPublic) {
        own.push(
          finding("TRUST_UNTRUSTED_ROOT", "error", `The chain ends in ${nameOf(terminal)}, a public root this program does not trust.`, {
            certificate: rootSubject,
            fix: "Obtain a certificate from one of the CAs the provider trusts.",
          }),
        );
      } else {
        own.push(
          finding(
            "TRUST_SELF_SIGNED_REFUSED",
            "error",
            `The chain ends in ${nameOf(terminal)}, a self-signed root that is not a trusted public CA; this program accepts only CA-issued certificates.`,
            { certificate: rootSubject, fix: "Have a public CA (DigiCert, Sectigo, GlobalSign…) issue your client certificate from a CSR: openssl req -new -key client.key -out client.csr" },
          ),
        );
      }
    }
  } else if (terminal && terminalTrusted && rules.issuance === "self-signed") {
    own.push(
      finding("TRUST_UNTRUSTED_ROOT", "error", `The chain ends in ${nameOf(terminal)}, a public CA; this program accepts only your own self-signed CA.`, {
        certificate: leafSubject,
      }),
    );
  }

  // ---- structure: unrelated certificates, order, root presence
  for (const c of unique) {
    if (!complete || c === leaf || extraLeaves.includes(c) || pathFps.has(c.view.fingerprintSha256) || leaf.view.selfSigned) continue;
    own.push(
      finding("UNRELATED_CERTIFICATE", "error", `${nameOf(c.view)} (position ${c.position}) is not on the path from ${nameOf(leaf.view)} to its root; it would be added to the trust store for nothing.`, {
        certificate: subjectOf(c),
        fix: `Remove ${nameOf(c.view)} from the file, or add the certificates that link it to the client certificate.`,
      }),
    );
  }

  const pathItems = ordered.map((p) => uploadedByFp.get(p.fingerprintSha256)).filter((x): x is CertItem => x !== undefined);
  let orderWrong = false;
  const groups = new Map<string, CertItem[]>();
  for (const c of pathItems) groups.set(sourceOf(c.item), [...(groups.get(sourceOf(c.item)) ?? []), c]);
  for (const [, group] of groups) {
    // Order is a property of one file: certificates spread over several files or archive entries have none.
    const uploadOrder = [...group].sort((a, b) => a.position - b.position);
    if (uploadOrder.some((c, i) => c !== group[i])) orderWrong = true;
  }
  if (orderWrong) {
    const found = [...pathItems].sort((a, b) => a.position - b.position).map((c) => nameOf(c.view));
    const expected = pathItems.map((c) => nameOf(c.view));
    own.push(
      finding("CHAIN_ORDER", "error", `The certificates are in the order ${found.join(" → ")}; they must start with the client certificate and end with the root: ${expected.join(" → ")}.`, {
        certificate: leafSubject,
        fix: `Use the corrected file Certdesk offers, or rebuild it: cat ${expected.map((_, i) => (i === 0 ? "client.pem" : i === expected.length - 1 && terminal?.selfIssued ? "root.pem" : `intermediate${i}.pem`)).join(" ")} > client-chain.pem`,
      }),
    );
  }

  const rootUploaded = terminal !== undefined && terminal.selfIssued && uploadedByFp.has(terminal.fingerprintSha256);
  if (!leaf.view.selfSigned && terminal?.selfIssued) {
    if (rules.root === "required" && !rootUploaded) {
      own.push(
        finding("CHAIN_ROOT_MISSING", "error", `The root certificate ${nameOf(terminal)} is not in the upload; this program wants the root included at the end of the file.`, {
          certificate: leafSubject,
          fix: `Append the root: cat client-chain.pem root.pem > client-chain-with-root.pem (the root is ${terminal.subject}; Certdesk's corrected file includes it).`,
        }),
      );
    }
    if (rules.root === "refused" && rootUploaded) {
      const r = uploadedByFp.get(terminal.fingerprintSha256)!;
      own.push(
        finding("CHAIN_ROOT_INCLUDED", "error", `The root certificate ${nameOf(terminal)} is in the upload; this program wants the chain without its root.`, {
          certificate: subjectOf(r),
          fix: "Remove the last (root) certificate from the file; Certdesk's corrected file leaves it out.",
        }),
      );
    }
  }

  // ---- leaf
  const leafName = nameOf(leaf.view);
  const lv = leaf.view;
  if (at.getTime() > lv.notAfter.getTime()) {
    own.push(
      finding("LEAF_EXPIRED", "error", `${leafName} expired on ${isoDay(lv.notAfter)} (${-daysBetween(at, lv.notAfter)} days ago).`, {
        certificate: leafSubject,
        fix: "Renew the certificate with your CA (new key: openssl req -new -newkey rsa:2048 -keyout client.key -out client.csr) and upload the new chain.",
      }),
    );
  } else if (at.getTime() < lv.notBefore.getTime()) {
    own.push(
      finding("LEAF_NOT_YET_VALID", "error", `${leafName} is not valid before ${lv.notBefore.toISOString()}; it cannot be enabled yet.`, {
        certificate: leafSubject,
        fix: "Upload it once its validity has started, or check the clock of the machine that issued it.",
      }),
    );
  } else {
    const left = daysBetween(at, lv.notAfter);
    const { warning, urgent } = rules.expiryWarningDays;
    if (left <= warning) {
      const isUrgent = left <= urgent;
      own.push(
        finding(
          "LEAF_EXPIRES_SOON",
          "warning",
          `${isUrgent ? "Urgent: " : ""}${leafName} expires on ${isoDay(lv.notAfter)}, in ${plural(left, "day")}${isUrgent ? ` (inside ${urgent} days: renew now)` : ` (inside ${warning} days: plan renewal)`}; renewal must be coordinated ${rules.renewalLeadDays} days before expiry.`,
          { certificate: leafSubject, fix: "Renew now and upload the new chain so both overlap before the old one expires." },
        ),
      );
    }
  }

  const window = issuedBy === "self-signed" ? rules.leafValidityDays.selfSigned : rules.leafValidityDays.caIssued;
  if (window && !leaf.view.selfSigned) {
    const lifetime = Math.round((lv.notAfter.getTime() - lv.notBefore.getTime()) / DAY_MS);
    const tooShort = window.minDays !== undefined && lifetime < window.minDays;
    const tooLong = window.maxDays !== undefined && lifetime > window.maxDays;
    if (tooShort || tooLong) {
      const range = `${window.minDays ?? 0}–${window.maxDays ?? "∞"} days`;
      own.push(
        finding(
          "LEAF_VALIDITY_OUT_OF_RANGE",
          "error",
          `${leafName} is valid for ${lifetime} days (${isoDay(lv.notBefore)} to ${isoDay(lv.notAfter)}); for a ${issuedBy} chain this program accepts ${range}${tooShort && lifetime <= 100 ? " — short-lived (ACME-style) certificates are refused" : ""}.`,
          {
            certificate: leafSubject,
            fix:
              issuedBy === "self-signed"
                ? `Re-issue the leaf with a lifetime in range, e.g.: openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -sha256 -days ${Math.min(Math.max(750, window.minDays ?? 0), window.maxDays ?? 750)} -out client.pem`
                : `Order a certificate valid for ${range} from your CA.`,
          },
        ),
      );
    }
  }

  const eku = lv.extendedKeyUsage;
  if (rules.eku !== "not-checked") {
    const missing = eku === undefined ? rules.eku === "client-auth-required" : !eku.includes(EKU_CLIENT_AUTH);
    if (missing) {
      own.push(
        finding(
          "LEAF_EKU_CLIENT_AUTH",
          "error",
          eku === undefined
            ? `${leafName} has no extended key usage; this program requires TLS client authentication (clientAuth, 1.3.6.1.5.5.7.3.2).`
            : `${leafName} has extended key usage ${eku.join(", ") || "(empty)"} without TLS client authentication (clientAuth, 1.3.6.1.5.5.7.3.2); servers will refuse it as a client certificate.`,
          { certificate: leafSubject, fix: 'Re-issue the certificate with "extendedKeyUsage = clientAuth" (openssl: -addext "extendedKeyUsage=clientAuth", or ask your CA for a client-authentication certificate).' },
        ),
      );
    }
  }
  if (rules.requireDigitalSignature && lv.keyUsage !== undefined && !lv.keyUsage.includes("digitalSignature")) {
    own.push(
      finding("LEAF_KEY_USAGE", "error", `${leafName} has key usage ${lv.keyUsage.join(", ") || "(empty)"} without digitalSignature, which a TLS client needs to sign the handshake.`, {
        certificate: leafSubject,
        fix: 'Re-issue the certificate with "keyUsage = critical, digitalSignature, keyEncipherment".',
      }),
    );
  }
  if (lv.isCa && !lv.selfSigned) {
    own.push(
      finding("LEAF_IS_CA", "error", `${leafName} is a CA certificate (basicConstraints cA=TRUE) used as the client certificate; a client certificate must not be able to issue others.`, {
        certificate: leafSubject,
        fix: 'Re-issue the client certificate with "basicConstraints = critical, CA:FALSE".',
      }),
    );
  }
  own.push(...keyFindings(lv.publicKey, program, `The client certificate ${leafName}`, leafSubject));

  // ---- every uploaded certificate of the chain: issuer keys, signature algorithms
  for (const c of unique) {
    if (c !== leaf && c.view.isCa && keyFamily(c.view.publicKey) === "RSA" && (c.view.publicKey.size ?? 0) < rules.issuerMinRsaBits) {
      own.push(
        finding("KEY_TOO_SMALL", "error", `The CA certificate ${nameOf(c.view)} has an RSA ${c.view.publicKey.size}-bit key; CA keys need at least ${rules.issuerMinRsaBits} bits.`, {
          certificate: subjectOf(c),
          fix: `Re-create the CA with a larger key: openssl genrsa -out ca.key ${Math.max(rules.issuerMinRsaBits, 4096)}`,
        }),
      );
    }
    // A root's signature on itself protects nothing (trust comes from the anchor store), so it is not judged.
    if (c.view.selfSigned && c !== leaf) continue;
    const weak = weakSignature(c.view.signatureAlgorithm, program);
    if (weak) {
      own.push(
        finding("SIGNATURE_ALGORITHM_WEAK", "error", `${nameOf(c.view)} is signed with ${c.view.signatureAlgorithm.name} (${weak}), which is refused: ${weak} collisions can be forged.`, {
          certificate: subjectOf(c),
          fix: c === leaf ? "Re-issue the certificate with SHA-256 (openssl x509 -req … -sha256)." : "Use a chain from a CA that signs with SHA-256 or better.",
        }),
      );
    }
  }

  // ---- company name
  const company = ctx.partner.companyName?.trim();
  if (rules.companyName.leaf || rules.companyName.selfSignedRoot) {
    if (!company) {
      own.push(finding("SUBJECT_COMPANY_NAME", "info", "No company name is configured for this partner, so the CN company-name rule was not checked.", { certificate: leafSubject }));
    } else {
      const targets: { item?: CertItem; view: CertView; role: string }[] = [];
      if (rules.companyName.leaf) targets.push({ item: leaf, view: lv, role: "client (leaf)" });
      if (rules.companyName.selfSignedRoot && (selfSignedChain || lv.selfSigned) && terminal && terminal.fingerprintSha256 !== lv.fingerprintSha256) {
        targets.push({ item: uploadedByFp.get(terminal.fingerprintSha256), view: terminal, role: "self-signed root" });
      }
      for (const t of targets) {
        if (t.view.commonNames.some((cn) => cnContainsCompany(cn, company))) continue;
        own.push(
          finding(
            "SUBJECT_COMPANY_NAME",
            "error",
            `The ${t.role} certificate's CN is "${t.view.commonNames.join(", ") || "(none)"}"; it must contain the company name "${company}".`,
            {
              certificate: t.item ? subjectOf(t.item) : { position: -1, subject: t.view.subject },
              fix: `Re-issue it with the company in the CN, e.g. -subj "/CN=${company.replace(/"/g, "")}${t.role.startsWith("self") ? " Root CA" : "-client"}/O=${company.replace(/"/g, "")}"`,
            },
          ),
        );
      }
    }
  }

  // ---- refused issuers: any certificate on the leaf's path (an unrelated stray is reported as such, not as the issuer)
  for (const refused of rules.refusedIssuers) {
    // Path entries are pki's views, not the upload's objects: identity is the fingerprint.
    const isLeaf = (c: CertView) => c.fingerprintSha256 === lv.fingerprintSha256;
    const hit = ordered.find((c) => matchesRefusedIssuer(c, refused, isLeaf(c)));
    if (hit) {
      own.push(
        finding("TRUST_ISSUER_REFUSED", "error", `${leafName} is issued under ${refused.label} (${isLeaf(hit) ? `issuer ${lv.issuer}` : nameOf(hit)}). ${refused.reason}`, {
          certificate: leafSubject,
          fix: "Order a certificate valid for at least a year from another CA (e.g. DigiCert, Sectigo, BuyPass) or, where the program allows it, use a self-signed CA.",
        }),
      );
    }
  }

  // ---- PSD2
  const roles = (ctx.partner.psd2Roles ?? []).map(normalizeRole);
  if (rules.psd2.qwac === "always" || (rules.psd2.qwac === "when-partner-has-roles" && roles.length > 0)) {
    const have = (lv.psd2?.roles ?? []).map(normalizeRole);
    const missingRoles = roles.filter((r) => !have.includes(r));
    const orgId = lv.organizationIdentifier;
    const orgIdOk = orgId !== undefined && /^PSD[A-Z]{2}-[A-Z0-9]{2,8}-\S+$/.test(orgId);
    const orgIdMismatch = orgIdOk && ctx.partner.organizationIdentifier !== undefined && orgId !== ctx.partner.organizationIdentifier;
    const problems: string[] = [];
    if (!lv.psd2) problems.push("it carries no eIDAS PSD2 QCStatement (it is not a QWAC)");
    else if (missingRoles.length) problems.push(`its PSD2 roles are ${have.join(", ") || "none"}, missing ${missingRoles.join(", ")}`);
    if (!orgIdOk) problems.push(orgId ? `its organizationIdentifier "${orgId}" is not of the form PSDXX-NCA-ID` : "it has no organizationIdentifier (2.5.4.97)");
    if (orgIdMismatch) problems.push(`its organizationIdentifier "${orgId}" is not the partner's "${ctx.partner.organizationIdentifier}"`);
    if (problems.length) {
      own.push(
        finding("PSD2_QWAC_REQUIRED", "error", `${leafName} cannot be used for PSD2: ${problems.join("; ")}. Needed roles: ${roles.join(", ") || "any"}.`, {
          certificate: leafSubject,
          fix: "Use an eIDAS qualified website authentication certificate (QWAC) from a QTSP, issued with your PSD2 TPP roles and organisation identifier.",
        }),
      );
    }
  }

  // ---- revocation
  const haveStatusSource = (ctx.crls?.length ?? 0) > 0 || ctx.statusChecker !== undefined;
  if (rules.revocation === "required" && !haveStatusSource && !leaf.view.selfSigned) {
    own.push(
      finding("REVOCATION_UNKNOWN", "warning", `The revocation status of ${leafName} could not be learned (no CRL or OCSP answer was available); a reviewer must confirm it is not revoked.`, {
        certificate: leafSubject,
        fix: `Check it yourself: openssl ocsp -issuer intermediate.pem -cert client.pem -url "$(openssl x509 -in client.pem -noout -ocsp_uri)"`,
      }),
    );
  }

  // ---- merge pki's path findings with ours: one problem → one finding
  const ownCodes = new Set(own.map((f) => `${f.code}|${f.certificate?.position}`));
  const trustDecided = own.some((f) => f.code === "TRUST_SELF_SIGNED_REFUSED" || f.code === "TRUST_UNTRUSTED_ROOT" || f.code === "SELF_SIGNED_ROLES_MIXED");
  const leafPos = leaf.position;
  const kept = pkiFindings.filter((f) => {
    const atLeaf = f.certificate?.position === leafPos;
    if (atLeaf && (f.code === "CHAIN_CERT_EXPIRED" || f.code === "LEAF_EXPIRED")) return !ownCodes.has(`LEAF_EXPIRED|${leafPos}`);
    if (atLeaf && (f.code === "CHAIN_CERT_NOT_YET_VALID" || f.code === "LEAF_NOT_YET_VALID")) return !ownCodes.has(`LEAF_NOT_YET_VALID|${leafPos}`);
    if (atLeaf && f.code === "CHAIN_EKU") return !ownCodes.has(`LEAF_EKU_CLIENT_AUTH|${leafPos}`) && rules.eku !== "not-checked";
    if (trustDecided && (f.code === "TRUST_UNTRUSTED_ROOT" || f.code === "TRUST_SELF_SIGNED_REFUSED" || f.code === "CHAIN_INCOMPLETE")) return false;
    if (f.code === "REVOCATION_UNKNOWN") return rules.revocation !== "not-checked" && !ownCodes.has(`REVOCATION_UNKNOWN|${f.certificate?.position}`);
    if (f.code === "LEAF_IS_CA" || f.code === "LEAF_EKU_CLIENT_AUTH") return !ownCodes.has(`${f.code}|${f.certificate?.position}`);
    return true;
  });
  if (!outcome.ok && !leaf.view.selfSigned && !terminalIsAnchor && !trustDecided && !kept.some((f) => f.severity === "error")) {
    // pki could not reach an anchor and said nothing we recognise: the chain is incomplete.
    kept.push(
      finding("CHAIN_INCOMPLETE", "error", `The issuer of ${nameOf(path[path.length - 1] ?? lv)} is neither in the upload nor a trusted root.`, {
        certificate: leafSubject,
        fix: "Add the missing intermediate certificate(s) from your CA between the client certificate and the root.",
      }),
    );
  }
  findings.push(...kept, ...own);

  // ---- chain as inspected, leaf → root, then what is not on the path
  ordered.forEach((p, i) => {
    const item = uploadedByFp.get(p.fingerprintSha256);
    const role: ChainRole = i === 0 ? "leaf" : p.selfIssued && i === ordered.length - 1 ? "root" : "intermediate";
    chain.push(certEntry(p, role, at, item));
  });
  for (const c of unique) {
    if (!pathFps.has(c.view.fingerprintSha256)) chain.push(certEntry(c.view, c === leaf ? "leaf" : complete ? "unrelated" : c.view.selfSigned ? "root" : "intermediate", at, c));
  }

  // ---- corrected file: only when every structural fault is one we can repair mechanically
  const structural = new Set(findings.map((f) => f.code));
  const repairable = ["CHAIN_ORDER", "DUPLICATE_CERTIFICATE", "FORMAT_NOT_PEM"].some((c) => structural.has(c as Finding["code"]));
  const blocking = ["UNRELATED_CERTIFICATE", "CHAIN_INCOMPLETE", "CHAIN_MULTIPLE_LEAVES", "CHAIN_NO_LEAF", "CERTIFICATE_MALFORMED", "SELF_SIGNED_ROLES_MIXED", "PRIVATE_KEY_PRESENT", "ARCHIVE_UNSAFE"].some((c) =>
    structural.has(c as Finding["code"]),
  );
  if (repairable && !blocking && terminalIsAnchor && !leaf.view.selfSigned) {
    const keep = path.filter((p, i) => {
      const isRoot = i === path.length - 1 && p.selfIssued;
      if (!isRoot) return true;
      if (rules.root === "refused") return false;
      if (rules.root === "required") return true;
      return rootUploaded; // optional: keep it if the partner sent it
    });
    if (keep.every((p) => p.der.length > 0)) return { leaf, correctedPem: keep.map((p) => pemOf(p.der)).join("") };
  }
  return { leaf };
}

/**
 * Whether a certificate shows a refused CA: its issuer's O/CN, or — for a CA certificate
 * (`asLeaf` false) — its own O/CN or public key. A leaf's own subject is the partner's, never the CA's.
 *
 * @example
 * matchesRefusedIssuer(r11View, program.rules.refusedIssuers[0]!, false) // true for Let's Encrypt R11
 */
export function matchesRefusedIssuer(c: CertView, refused: Program["rules"]["refusedIssuers"][number], asLeaf: boolean): boolean {
  const orgs = [...c.issuerOrganizations, ...(asLeaf ? [] : c.organizations)];
  const cns = [...c.issuerCommonNames, ...(asLeaf ? [] : c.commonNames)];
  return (
    orgs.some((o) => refused.organizations.some((r) => sameOrganization(o, r))) ||
    cns.some((n) => refused.commonNames.some((r) => foldName(n) === foldName(r))) ||
    (!asLeaf && refused.spkiSha256.includes(c.spkiSha256.toLowerCase()))
  );
}

/** Leaf, then each uploaded certificate whose subject is the previous one's issuer (no loops). */
function nameChain(leaf: CertView, certs: CertView[]): CertView[] {
  const out = [leaf];
  let current = leaf;
  while (!current.selfIssued) {
    const next = certs.find((c) => c.subject === current.issuer && !out.includes(c));
    if (!next) break;
    out.push(next);
    current = next;
  }
  return out;
}

const ROLE_OIDS: Record<string, string> = {
  "0.4.0.19495.1.1": "PSP_AS",
  "0.4.0.19495.1.2": "PSP_PI",
  "0.4.0.19495.1.3": "PSP_AI",
  "0.4.0.19495.1.4": "PSP_IC",
};

function normalizeRole(r: string): string {
  return ROLE_OIDS[r] ?? r.toUpperCase().replace(/[^A-Z]/g, "_").replace(/^PSP_?/, "PSP_");
}

function remap(f: Finding, passed: CertItem[], byFp: Map<string, CertItem>): Finding {
  if (!f.certificate) return f;
  const item = passed[f.certificate.position];
  if (item) return { ...f, certificate: subjectOf(item) };
  // A trust-store certificate (or one pki numbered otherwise): find it by subject among the upload, else keep pki's subject.
  const bySubject = [...byFp.values()].find((c) => c.view.subject === f.certificate!.subject);
  return { ...f, certificate: bySubject ? subjectOf(bySubject) : { position: -1, subject: f.certificate.subject } };
}

// ---------------------------------------------------------------- anchors

let publicAnchorsCache: readonly (string | Uint8Array)[] | undefined;

function publicAnchorsList(): readonly (string | Uint8Array)[] {
  publicAnchorsCache ??= publicTrustAnchorList();
  return publicAnchorsCache;
}

const programAnchorCache = new WeakMap<Program, readonly (string | Uint8Array)[]>();

function programAnchors(program: Program): readonly (string | Uint8Array)[] {
  let a = programAnchorCache.get(program);
  if (!a) {
    const t = program.trustAnchors;
    a = t.mode === "replace" ? t.pems : t.mode === "extend" ? [...publicAnchorsList(), ...t.pems] : publicAnchorsList();
    programAnchorCache.set(program, a);
  }
  return a;
}


// ---------------------------------------------------------------- CSRs

function evaluateCsrs(opts: { program: Program; partner: Partner; csrs: CsrItem[]; leaf?: CertItem; findings: Finding[]; chain: ChainEntry[] }): void {
  const { program, partner, csrs, leaf, findings, chain } = opts;
  const rules = program.rules;
  const purposes = rules.submission.csrPurposes;

  // Purposes: by file name first ("acme_csr_mtls.pem"), then in upload order.
  const free = [...purposes];
  for (const c of csrs) {
    const name = (c.item.source.entry ?? c.item.source.file).toLowerCase();
    const match = free.find((p) => name.includes(p) || (p === "signature" && /sign/.test(name)) || (p === "mtls" && /tls/.test(name)));
    if (match) {
      c.purpose = match;
      free.splice(free.indexOf(match), 1);
    }
  }
  for (const c of csrs) if (!c.purpose && free.length) c.purpose = free.shift();

  if (rules.submission.csr === "required" && csrs.length < Math.max(1, purposes.length)) {
    const missing = purposes.length ? free : ["one"];
    findings.push(
      finding(
        "CSR_MISSING",
        "error",
        purposes.length
          ? `This program needs ${plural(purposes.length, "CSR")} (${purposes.join(", ")}), each from its own key; ${csrs.length} ${csrs.length === 1 ? "was" : "were"} sent. Missing: ${missing.join(", ")}.`
          : "This program needs a CSR; none was sent.",
        {
          fix: missing
            .map((p) => `openssl genrsa -out <company>_privatekey_${p}.pem 2048 && openssl req -new -key <company>_privatekey_${p}.pem -out <company>_csr_${p}.pem`)
            .join("\n"),
        },
      ),
    );
  }

  for (const c of csrs) {
    const s = csrSubjectOf(c);
    const label = `The ${c.purpose ? `${c.purpose} ` : ""}CSR ${displayName(c.view.subject, c.view.attributes.CN)}`;
    if (!c.view.signatureValid) {
      findings.push(
        finding("CSR_SIGNATURE_INVALID", "error", `${label} has a signature that does not verify with its own public key; it was altered or was not made with the matching private key.`, {
          certificate: s,
          fix: "Re-create it from your key: openssl req -new -key client.key -out client.csr, and check it: openssl req -in client.csr -noout -verify",
        }),
      );
    }
    const problems: string[] = [];
    for (const field of rules.csrSubject.required) {
      const values = (c.view.attributes[field] ?? []).map((v) => v.trim()).filter(Boolean);
      if (values.length === 0) problems.push(`${field} is missing`);
    }
    for (const field of [...rules.csrSubject.required, ...rules.csrSubject.optional]) {
      for (const v of c.view.attributes[field] ?? []) {
        if (field === "C" && !/^[A-Z]{2}$/.test(v)) problems.push(`C "${v}" is not a two-letter country code (e.g. FR)`);
        if (field === "emailAddress" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) problems.push(`emailAddress "${v}" is not an e-mail address`);
      }
    }
    if (problems.length) {
      findings.push(
        finding("CSR_SUBJECT_FIELD", "error", `${label}: ${problems.join("; ")}. Required: ${rules.csrSubject.required.join(", ")}${rules.csrSubject.optional.length ? `; optional: ${rules.csrSubject.optional.join(", ")}` : ""}.`, {
          certificate: s,
          fix: 'openssl req -new -key <key>.pem -out <csr>.pem -subj "/C=FR/ST=Ile-de-France/L=Paris/O=Your Company SAS/OU=IT/CN=api.yourcompany.com/emailAddress=it@yourcompany.com"',
        }),
      );
    }
    if (rules.companyName.csr && partner.companyName && !(c.view.attributes.CN ?? []).some((cn) => cnContainsCompany(cn, partner.companyName!))) {
      findings.push(finding("SUBJECT_COMPANY_NAME", "error", `${label}: the CN must contain the company name "${partner.companyName}".`, { certificate: s }));
    }
    findings.push(...keyFindings(c.view.publicKey, program, label, s));
    const weak = weakSignature(c.view.signatureAlgorithm, program);
    if (weak) {
      findings.push(
        finding("SIGNATURE_ALGORITHM_WEAK", "error", `${label} is signed with ${weak}, which is refused.`, {
          certificate: s,
          fix: "openssl req -new -sha256 -key <key>.pem -out <csr>.pem",
        }),
      );
    }
    if (leaf && c.view.spkiSha256 !== leaf.view.spkiSha256) {
      findings.push(
        finding("CSR_KEY_MISMATCH", "error", `${label} does not carry the public key of the client certificate ${nameOf(leaf.view)}; it was not made from the same private key.`, {
          certificate: s,
          fix: "Send the CSR made from the client certificate's key; compare: openssl req -in client.csr -noout -pubkey | openssl sha256; openssl x509 -in client.pem -noout -pubkey | openssl sha256",
        }),
      );
    }
  }

  // Two CSRs sharing a key: one compromised key would compromise both purposes.
  const byKey = new Map<string, CsrItem[]>();
  for (const c of csrs) byKey.set(c.view.spkiSha256, [...(byKey.get(c.view.spkiSha256) ?? []), c]);
  for (const group of byKey.values()) {
    if (group.length < 2) continue;
    const names = group.map((c) => `${c.purpose ?? "CSR"} (position ${c.position})`);
    findings.push(
      finding("KEY_REUSED_ACROSS_PURPOSES", "error", `${names.join(" and ")} share one public key; each certificate must have its own private key.`, {
        certificate: csrSubjectOf(group[1]!),
        fix: "Generate a separate key for each CSR: openssl genrsa -out <company>_privatekey_signature.pem 2048 && openssl req -new -key <company>_privatekey_signature.pem -out <company>_csr_signature.pem",
      }),
    );
  }

  for (const c of csrs) {
    const entry: ChainEntry = { role: "csr", kind: "csr", position: c.position, source: sourceOf(c.item), subject: c.view.subject, details: c.view.info };
    if (c.purpose) entry.purpose = c.purpose;
    chain.push(entry);
  }
}
