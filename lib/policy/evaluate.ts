/**
 * The rule engine: an intake result + a program + per-partner parameters → a verdict
 * with every finding. Pure: time, trust anchors and the crypto provider come in.
 * The rules themselves live in ./rules (one module per rule, run from ./rules/registry.ts);
 * this file reads the items, runs the stages, and assembles the verdict.
 */
import type { Finding } from "../pki/findings";
import type { IntakeResult } from "../intake/types";
import type { Program } from "./program";
import { viewCertificate, viewCsr } from "./inspect";
import type { StatusChecker } from "../pki";
import { evaluateChain } from "./chain";
import { evaluateCsrs } from "./csrs";
import { orderFindings } from "./finding-order";
import { rulesOf } from "./rules/registry";
import { CERTIFICATE_MALFORMED } from "./rules/chain-building";
import { sourceOf, type CertItem, type CsrItem, type FetchedIntermediate, type Partner } from "./rules/context";

export { EKU_CLIENT_AUTH, sourceOf, type Partner } from "./rules/context";
export { matchesRefusedIssuer } from "./rules/refused-issuers";

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
  /**
   * Issue 15: intermediates the async pre-step fetched from AIA caIssuers URLs
   * (lib/revocation prepareLiveChecks). Path candidates like uploaded ones, never anchors.
   */
  fetchedIntermediates?: readonly FetchedIntermediate[];
};

/** Inspects every item; an unreadable one is a finding, never an exception. */
async function inspectItems(intake: IntakeResult, crypto: Crypto): Promise<{ certs: CertItem[]; csrs: CsrItem[]; malformed: Finding[] }> {
  const certs: CertItem[] = [];
  const csrs: CsrItem[] = [];
  const malformed: Finding[] = [];
  for (const [position, item] of intake.items.entries()) {
    try {
      if (item.kind === "certificate") certs.push({ position, item, view: viewCertificate(item.der) });
      else csrs.push({ position, item, view: await viewCsr(item.der, crypto) });
    } catch (e) {
      const source = sourceOf(item);
      const args = { kind: item.kind, position, source, reason: e instanceof Error ? e.message : "unreadable", file: item.source.entry ?? item.source.file };
      malformed.push(CERTIFICATE_MALFORMED.make(args, { certificate: { position, subject: "", source } }));
    }
  }
  return { certs, csrs, malformed };
}

/**
 * Evaluates an intake result under a program and returns the verdict with every finding.
 * Never throws on bad input: unreadable items become CERTIFICATE_MALFORMED findings.
 *
 * @example
 * const verdict = await evaluateUpload({ program: getExampleProgram("ca-chain")!, intake, at: new Date() });
 * if (verdict.verdict === "rejected") console.log(verdict.findings);
 */
export async function evaluateUpload(opts: EvaluateOptions): Promise<Verdict> {
  const { program, intake, at } = opts;
  const partner = opts.partner ?? {};
  const crypto = opts.crypto ?? globalThis.crypto;
  const sub = program.rules.submission;
  const { certs, csrs, malformed } = await inspectItems(intake, crypto);
  const findings: Finding[] = [...intake.findings, ...malformed];
  const chain: ChainEntry[] = [];

  // Encodings, archives and submission kinds, naming each item by the subject just read.
  const subjects = new Map<number, string>([...certs, ...csrs].sort((a, b) => a.position - b.position).map((c) => [c.position, c.view.subject] as const));
  const uploadCtx = { program, partner, at, intake, certs, csrs, subjects };
  for (const rule of rulesOf("upload")) findings.push(...rule.check(uploadCtx));

  let leaf: CertItem | undefined;
  let correctedPem: string | undefined;
  if (sub.chain !== "refused") {
    const outcome = await evaluateChain({ ...opts, partner, crypto, certs, prior: findings });
    findings.push(...outcome.findings);
    chain.push(...outcome.chain);
    leaf = outcome.leaf;
    correctedPem = outcome.correctedPem;
  }
  if (sub.csr !== "refused") {
    const outcome = evaluateCsrs({ program, partner, at, csrs, ...(leaf ? { leaf } : {}) });
    findings.push(...outcome.findings);
    chain.push(...outcome.chain);
  }
  const result = finish(program, findings, chain, intake.refused);
  return correctedPem === undefined ? result : { ...result, correctedPem };
}

function finish(program: Program, findings: Finding[], chain: ChainEntry[], refused: boolean): Verdict {
  const merged = dedupe(findings);
  return {
    verdict: merged.some((f) => f.severity === "error") ? "rejected" : "accepted",
    // Issue 16: fix-first order (severity, then category: format and trust before field-level findings).
    findings: orderFindings(merged),
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
