/** PSD2 partners present an eIDAS QWAC with their roles and organisation identifier (`rules.psd2`). */
import type { Finding } from "../../pki/findings";
import type { CertView } from "../views";
import { defineFinding, defineRule } from "./types";
import type { Partner } from "./context";

export const PSD2_QWAC_REQUIRED = defineFinding<{ leafName: string; problems: readonly string[]; roles: readonly string[] }>({
  code: "PSD2_QWAC_REQUIRED",
  severity: "error",
  title: "The client certificate is not a QWAC with the partner's PSD2 roles and organisation identifier",
  doc: {
    summary: "error. For a partner that needs PSD2 roles (001, 002): the leaf is not an eIDAS QWAC with those roles in its QCStatements, or lacks a well-formed organisation identifier (`PSDXX-NCA-ID`), or the identifier is not the partner's.",
    fix: "use a QWAC from a qualified trust service provider with your PSD2 TPP roles.",
  },
  sources: [{ text: "001", quote: "you, as TPP, must use an extended eIDAS PSD2 certificate with proper PSD2 TPP roles" }],
  message: (a) => `${a.leafName} cannot be used for PSD2: ${a.problems.join("; ")}. Needed roles: ${a.roles.join(", ") || "any"}.`,
  fix: () => "Use an eIDAS qualified website authentication certificate (QWAC) from a QTSP, issued with your PSD2 TPP roles and organisation identifier.",
});

const ROLE_OIDS: Record<string, string> = {
  "0.4.0.19495.1.1": "PSP_AS",
  "0.4.0.19495.1.2": "PSP_PI",
  "0.4.0.19495.1.3": "PSP_AI",
  "0.4.0.19495.1.4": "PSP_IC",
};

function normalizeRole(r: string): string {
  return ROLE_OIDS[r] ?? r.toUpperCase().replace(/[^A-Z]/g, "_").replace(/^PSP_?/, "PSP_");
}

function problemsOf(lv: CertView, roles: readonly string[], partner: Partner): string[] {
  const have = (lv.psd2?.roles ?? []).map(normalizeRole);
  const missingRoles = roles.filter((r) => !have.includes(r));
  const orgId = lv.organizationIdentifier;
  const orgIdOk = orgId !== undefined && /^PSD[A-Z]{2}-[A-Z0-9]{2,8}-\S+$/.test(orgId);
  const problems: string[] = [];
  if (!lv.psd2) problems.push("it carries no eIDAS PSD2 QCStatement (it is not a QWAC)");
  else if (missingRoles.length) problems.push(`its PSD2 roles are ${have.join(", ") || "none"}, missing ${missingRoles.join(", ")}`);
  if (!orgIdOk) problems.push(orgId ? `its organizationIdentifier "${orgId}" is not of the form PSDXX-NCA-ID` : "it has no organizationIdentifier (2.5.4.97)");
  if (orgIdOk && partner.organizationIdentifier !== undefined && orgId !== partner.organizationIdentifier) {
    problems.push(`its organizationIdentifier "${orgId}" is not the partner's "${partner.organizationIdentifier}"`);
  }
  return problems;
}

export const psd2Rule = defineRule({
  id: "psd2-qwac",
  stage: "chain",
  description: "When the program requires it (always, or for partners with PSD2 roles), the client certificate is a QWAC carrying those roles and a well-formed organisation identifier equal to the partner's.",
  appliesTo: (p) => p.rules.psd2.qwac !== "never",
  findings: [PSD2_QWAC_REQUIRED],
  check({ program, partner, leaf, leafName, leafSubject }): Finding[] {
    const roles = (partner.psd2Roles ?? []).map(normalizeRole);
    const qwac = program.rules.psd2.qwac;
    if (qwac !== "always" && !(qwac === "when-partner-has-roles" && roles.length > 0)) return [];
    const problems = problemsOf(leaf.view, roles, partner);
    return problems.length ? [PSD2_QWAC_REQUIRED.make({ leafName, problems, roles }, { certificate: leafSubject })] : [];
  },
});
