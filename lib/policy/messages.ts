/** Small formatting helpers shared by the rules: every message names the certificate it is about. */
import type { Finding, FindingCode, FindingSubject, Severity } from "../pki/findings";

export const DAY_MS = 86_400_000;

export function finding(
  code: FindingCode,
  severity: Severity,
  message: string,
  opts: { certificate?: FindingSubject; fix?: string } = {},
): Finding {
  // Key order as lib/pki writes it, so --json reads the same whoever found the problem.
  return { code, severity, ...(opts.certificate ? { certificate: opts.certificate } : {}), message, ...(opts.fix ? { fix: opts.fix } : {}) };
}

/** `"Acme Client" (CN=Acme Client, O=Acme Ltd)` → the CN when there is one, else the whole DN. */
export function displayName(subject: string, commonNames: readonly string[] = []): string {
  const cn = commonNames[0];
  return cn ? `"${cn}"` : subject ? `"${subject}"` : "(empty subject)";
}

export function isoDay(d: Date): string {
  return Number.isNaN(d.getTime()) ? "(invalid date)" : d.toISOString().slice(0, 10);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
