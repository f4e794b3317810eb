/**
 * The rules registry: every program rule, in the fixed order the engine runs them. The
 * order is part of the output (findings keep it within a severity), so append new rules
 * where they belong and refresh the goldens only if a verdict changes on purpose.
 *
 * Adding a rule = one new file + one line here:
 *   1. lib/policy/rules/<rule-id>.ts: `defineFinding(...)` for each code it emits (code,
 *      default severity, title, sources with the provider text id and a short quote,
 *      message and fix builders) and `export const xRule = defineRule({ id, stage, description,
 *      findings, check(ctx) })`. A new code also goes into FINDING_CODES (lib/pki/findings.ts).
 *   2. Import it below and put it in RULES at its place (stage "upload", "chain", "csr" or "csrs").
 *   3. `npm run docs` (regenerates docs/findings.md and docs/programs.md), then a test that
 *      makes it fire and one that shows it quiet (lib/policy/rules.test.ts).
 * See lib/policy/rules/README.md.
 */
import type { AnyFindingDef, AnyRule, Rule, Stage } from "./types";
import { formatRule } from "./format";
import { submissionKindsRule } from "./submission-kinds";
import { trustRule } from "./trust";
import { structureRule } from "./structure";
import { leafValidityRule } from "./leaf-validity";
import { validityWindowRule } from "./validity-window";
import { leafProfileRule } from "./leaf-profile";
import { leafKeyRule } from "./keys";
import { chainCertificatesRule } from "./signatures";
import { companyNameRule, csrCompanyNameRule } from "./company-name";
import { refusedIssuersRule } from "./refused-issuers";
import { psd2Rule } from "./psd2";
import { revocationRule } from "./revocation";
import { fetchedIntermediatesRule } from "./fetched-intermediates";
import { csrKeyMatchRule, csrKeyRule, csrMissingRule, csrSignatureRule, csrSubjectRule, keyReuseAcrossPurposesRule } from "./csr";
import { CHAIN_BUILDING_FINDINGS } from "./chain-building";

export const RULES: readonly AnyRule[] = [
  // The upload as a whole
  formatRule,
  submissionKindsRule,
  // The leaf's chain
  trustRule,
  structureRule,
  leafValidityRule,
  validityWindowRule,
  leafProfileRule,
  leafKeyRule,
  chainCertificatesRule,
  companyNameRule,
  refusedIssuersRule,
  psd2Rule,
  revocationRule,
  fetchedIntermediatesRule,
  // CSRs ("csr" rules run CSR by CSR, "csrs" rules on all of them)
  csrMissingRule,
  csrSignatureRule,
  csrSubjectRule,
  csrCompanyNameRule,
  csrKeyRule,
  csrKeyMatchRule,
  keyReuseAcrossPurposesRule,
];

export function rulesOf<S extends Stage>(stage: S): Rule<S>[] {
  return RULES.filter((r): r is Extract<AnyRule, { stage: S }> => r.stage === stage) as Rule<S>[];
}

/** Every finding definition lib/policy emits: the engine's chain building, then each rule's, in registry order. */
export function policyFindingDefs(): AnyFindingDef[] {
  return [...CHAIN_BUILDING_FINDINGS, ...RULES.flatMap((r) => r.findings)];
}
