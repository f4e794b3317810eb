/** The partner's company name appears in the CNs the program names (`rules.companyName`). */
import type { Finding, FindingSubject } from "../../pki/findings";
import type { CertView } from "../views";
import { cnContainsCompany } from "../normalize";
import { defineFinding, defineRule } from "./types";
import { subjectOf, type ChainContext } from "./context";
import { matchesRefusedIssuer } from "./refused-issuers";

const SOURCES = [{ text: "001", quote: "CNs of Root and Leaf certificates must include Company name" }] as const;

export const COMPANY_NAME_UNCHECKED = defineFinding({
  code: "SUBJECT_COMPANY_NAME",
  severity: "info",
  title: "No company name is configured for the partner, so the rule was not checked",
  doc: {
    summary: "error (info when no company name is configured for the partner, so the rule could not run). The CN of the leaf — and of the root of a self-signed chain, never a public or refused CA's root — does not contain the partner's company name (001). Case, accents, punctuation, spaces and legal forms (Ltd, UAB, GmbH…) are ignored.",
    fix: "re-issue with the company in the CN, e.g. `-subj \"/CN=MyCompany-ConnectPay/O=MyCompany\"`.",
  },
  sources: SOURCES,
  message: () => "No company name is configured for this partner, so the CN company-name rule was not checked.",
});

export const SUBJECT_COMPANY_NAME = defineFinding<{ role: string; commonNames: readonly string[]; company: string }>({
  code: "SUBJECT_COMPANY_NAME",
  severity: "error",
  title: "A certificate's CN does not contain the partner's company name",
  sources: SOURCES,
  message: (a) => `The ${a.role} certificate's CN is "${a.commonNames.join(", ") || "(none)"}"; it must contain the company name "${a.company}".`,
  fix: (a) => `Re-issue it with the company in the CN, e.g. -subj "/CN=${a.company.replace(/"/g, "")}${a.role.startsWith("self") ? " Root CA" : "-client"}/O=${a.company.replace(/"/g, "")}"`,
});

export const CSR_COMPANY_NAME = defineFinding<{ label: string; company: string }>({
  code: "SUBJECT_COMPANY_NAME",
  severity: "error",
  title: "A CSR's CN does not contain the partner's company name",
  sources: SOURCES,
  message: (a) => `${a.label}: the CN must contain the company name "${a.company}".`,
});

type Target = { certificate: FindingSubject; view: CertView; role: string };

function targets(ctx: ChainContext): Target[] {
  const { leaf, terminal } = ctx;
  const rule = ctx.program.rules.companyName;
  const out: Target[] = [];
  if (rule.leaf) out.push({ certificate: ctx.leafSubject, view: leaf.view, role: "client (leaf)" });
  // Issue 16: a public root (ISRG Root X1…) or a refused CA's root is not the partner's to re-issue:
  // the trust findings already say to get another chain, so no company-name fix is asked of it.
  const notTheirs = terminal !== undefined && (ctx.terminalPublic || ctx.program.rules.refusedIssuers.some((r) => matchesRefusedIssuer(terminal, r, false)));
  if (rule.selfSignedRoot && (ctx.selfSignedChain || leaf.view.selfSigned) && terminal && terminal.fingerprintSha256 !== leaf.view.fingerprintSha256 && !notTheirs) {
    const item = ctx.uploadedByFp.get(terminal.fingerprintSha256);
    out.push({ certificate: item ? subjectOf(item) : { position: -1, subject: terminal.subject }, view: terminal, role: "self-signed root" });
  }
  return out;
}

export const companyNameRule = defineRule({
  id: "company-name",
  stage: "chain",
  description: "The CN of the client certificate and, for a self-signed chain, of its root contains the partner's company name (folded: case, accents, punctuation, legal form).",
  appliesTo: (p) => p.rules.companyName.leaf || p.rules.companyName.selfSignedRoot,
  findings: [COMPANY_NAME_UNCHECKED, SUBJECT_COMPANY_NAME],
  check(ctx): Finding[] {
    const rule = ctx.program.rules.companyName;
    if (!rule.leaf && !rule.selfSignedRoot) return [];
    const company = ctx.partner.companyName?.trim();
    if (!company) return [COMPANY_NAME_UNCHECKED.make(undefined, { certificate: ctx.leafSubject })];
    return targets(ctx)
      .filter((t) => !t.view.commonNames.some((cn) => cnContainsCompany(cn, company)))
      .map((t) => SUBJECT_COMPANY_NAME.make({ role: t.role, commonNames: t.view.commonNames, company }, { certificate: t.certificate }));
  },
});

export const csrCompanyNameRule = defineRule({
  id: "csr-company-name",
  stage: "csr",
  description: "Where the program asks for it, each CSR's CN contains the partner's company name.",
  appliesTo: (p) => p.rules.companyName.csr === true,
  findings: [CSR_COMPANY_NAME],
  check({ program, partner, csr, label, csrSubject }) {
    const company = partner.companyName;
    if (!program.rules.companyName.csr || !company) return [];
    if ((csr.view.attributes.CN ?? []).some((cn) => cnContainsCompany(cn, company))) return [];
    return [CSR_COMPANY_NAME.make({ label, company }, { certificate: csrSubject })];
  },
});
