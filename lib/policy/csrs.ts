/** The CSR half of the engine: assigns purposes, then runs the CSR rules in registry order. */
import type { Finding } from "../pki/findings";
import type { Program } from "./program";
import type { ChainEntry } from "./evaluate";
import { displayName } from "./messages";
import { RULES } from "./rules/registry";
import type { Rule } from "./rules/types";
import { sourceOf, subjectOf, type CertItem, type CsrContext, type CsrItem, type CsrSetContext, type Partner } from "./rules/context";

/**
 * Purposes by file name first ("acme_csr_mtls.pem", "…sign…", "…tls…"), then in upload order.
 * Returns the purposes no CSR was matched to.
 */
function assignPurposes(csrs: CsrItem[], purposes: readonly string[]): string[] {
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
  return free;
}

function csrContext(set: CsrSetContext, csr: CsrItem): CsrContext {
  return { ...set, csr, label: `The ${csr.purpose ? `${csr.purpose} ` : ""}CSR ${displayName(csr.view.subject, csr.view.attributes.CN)}`, csrSubject: subjectOf(csr) };
}

/**
 * Runs the "csrs" and "csr" rules in registry order; a run of consecutive "csr" rules goes
 * CSR by CSR, so each CSR's findings stay together.
 */
function runCsrRules(set: CsrSetContext): Finding[] {
  const out: Finding[] = [];
  let perCsr: Rule<"csr">[] = [];
  const flush = () => {
    for (const csr of set.csrs) {
      const ctx = csrContext(set, csr);
      for (const rule of perCsr) out.push(...rule.check(ctx));
    }
    perCsr = [];
  };
  for (const rule of RULES) {
    if (rule.stage === "csr") perCsr.push(rule);
    else if (rule.stage === "csrs") {
      flush();
      out.push(...rule.check(set));
    }
  }
  flush();
  return out;
}

export function evaluateCsrs(input: { program: Program; partner: Partner; at: Date; csrs: CsrItem[]; leaf?: CertItem }): { findings: Finding[]; chain: ChainEntry[] } {
  const unassignedPurposes = assignPurposes(input.csrs, input.program.rules.submission.csrPurposes);
  const findings = runCsrRules({ ...input, unassignedPurposes });
  const chain = input.csrs.map((c) => {
    const entry: ChainEntry = { role: "csr", kind: "csr", position: c.position, source: sourceOf(c.item), subject: c.view.subject, details: c.view.info };
    if (c.purpose) entry.purpose = c.purpose;
    return entry;
  });
  return { findings, chain };
}
