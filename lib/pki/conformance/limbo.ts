/**
 * x509-limbo harness: runs limbo test cases through {@link validatePath} and scores agreement.
 * Pure: the caller loads the suite (see `scripts/conformance.ts`).
 */
import { type ValidationProfile, validatePath } from "../validate";

/** How the harness configures the validator for limbo's (web PKI, server-side) expectations. */
export const LIMBO_PROFILE: ValidationProfile = { webPki: true, strict: true };
import type { PeerName } from "../names";

export type LimboTestcase = {
  id: string;
  features?: string[];
  description?: string;
  validation_kind: "SERVER" | "CLIENT";
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time?: string | null;
  signature_algorithms?: string[];
  key_usage?: string[];
  extended_key_usage?: string[];
  expected_result: "SUCCESS" | "FAILURE";
  expected_peer_name?: { kind: "DNS" | "IP" | "RFC822"; value: string } | null;
  expected_peer_names?: { kind: "DNS" | "IP" | "RFC822"; value: string }[];
  max_chain_depth?: number | null;
  crls?: string[];
};

export type LimboSuite = { version?: number; testcases: LimboTestcase[] };

export type LimboOutcome = "SUCCESS" | "FAILURE" | "SKIPPED";

export type LimboResult = { id: string; expected: "SUCCESS" | "FAILURE"; actual: LimboOutcome; codes: string[]; skipReason?: string };

/** Features we deliberately do not evaluate (see docs/conformance.md). */
export const UNSUPPORTED_FEATURES = new Set<string>([]);

const EKU_OIDS: Record<string, string> = {
  anyExtendedKeyUsage: "2.5.29.37.0",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  codeSigning: "1.3.6.1.5.5.7.3.3",
  emailProtection: "1.3.6.1.5.5.7.3.4",
  timeStamping: "1.3.6.1.5.5.7.3.8",
  OCSPSigning: "1.3.6.1.5.5.7.3.9",
};

/** Namespace of a test id: `bettertls::nameconstraints::tc0` → `bettertls`. */
export function namespaceOf(id: string): string {
  return id.split("::")[0]!;
}

/** Runs one limbo case. */
export async function runLimboCase(tc: LimboTestcase, opts: { now: Date; crypto?: Crypto }): Promise<LimboResult> {
  const base = { id: tc.id, expected: tc.expected_result };
  const unsupported = (tc.features ?? []).find((f) => UNSUPPORTED_FEATURES.has(f));
  if (unsupported) return { ...base, actual: "SKIPPED", codes: [], skipReason: `feature ${unsupported}` };
  const ekuNames = tc.extended_key_usage?.length ? tc.extended_key_usage : [tc.validation_kind === "CLIENT" ? "clientAuth" : "serverAuth"];
  const requiredEku = ekuNames.map((e) => EKU_OIDS[e] ?? e);
  const peerName: PeerName | undefined = tc.expected_peer_name ?? undefined;
  const result = await validatePath({
    leaf: tc.peer_certificate,
    intermediates: tc.untrusted_intermediates,
    trustAnchors: tc.trusted_certs,
    // Cases without a validation time are meant for "now", which the caller supplies (lib/pki has no clock).
    at: tc.validation_time ? new Date(tc.validation_time) : opts.now,
    requiredEku,
    peerName,
    maxDepth: tc.max_chain_depth ?? undefined,
    crls: tc.crls,
    crypto: opts.crypto,
    profile: LIMBO_PROFILE,
  });
  return { ...base, actual: result.ok ? "SUCCESS" : "FAILURE", codes: result.findings.filter((f) => f.severity === "error").map((f) => f.code) };
}

/** Runs a whole suite (sequentially: the work is CPU-bound and WebCrypto already uses the thread pool). */
export async function runLimbo(suite: LimboSuite, opts: { now: Date; filter?: (tc: LimboTestcase) => boolean; crypto?: Crypto }): Promise<LimboResult[]> {
  const out: LimboResult[] = [];
  const batch: Promise<LimboResult>[] = [];
  for (const tc of suite.testcases) {
    if (opts.filter && !opts.filter(tc)) continue;
    batch.push(runLimboCase(tc, opts));
    // Small batches keep several WebCrypto jobs in flight without unbounded memory.
    if (batch.length === 16) out.push(...(await Promise.all(batch.splice(0))));
  }
  out.push(...(await Promise.all(batch)));
  return out;
}

export type NamespaceScore = { namespace: string; total: number; agree: number; skipped: number };

/** Agreement per namespace; skipped cases count as disagreement, as in upstream's summaries. */
export function scoreByNamespace(rows: { id: string; expected: string; actual: string }[]): NamespaceScore[] {
  const by = new Map<string, NamespaceScore>();
  for (const r of rows) {
    const ns = namespaceOf(r.id);
    let s = by.get(ns);
    if (!s) {
      s = { namespace: ns, total: 0, agree: 0, skipped: 0 };
      by.set(ns, s);
    }
    s.total++;
    if (r.actual === r.expected) s.agree++;
    else if (r.actual === "SKIPPED") s.skipped++;
  }
  return [...by.values()];
}

export type ReferenceResults = { harness: string; results: { id: string; actual_result: string }[] };

/** Upstream reference results → rows comparable with ours (missing ids count as skipped). */
export function referenceRows(suite: LimboSuite, ref: ReferenceResults): { id: string; expected: string; actual: string }[] {
  const byId = new Map(ref.results.map((r) => [r.id, r.actual_result]));
  return suite.testcases.map((tc) => ({ id: tc.id, expected: tc.expected_result, actual: byId.get(tc.id) ?? "SKIPPED" }));
}
