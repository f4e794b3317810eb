/** What kind of items the program takes: a chain, CSRs, or both (`rules.submission.chain` / `.csr`). */
import type { Finding } from "../../pki/findings";
import { plural } from "../messages";
import { defineFinding, defineRule } from "./types";

export const CERTIFICATES_IGNORED = defineFinding<{ count: number }>({
  code: "FORMAT_NOT_ACCEPTED",
  severity: "warning",
  title: "Certificates sent to a program that issues them from CSRs (ignored)",
  sources: [{ text: "003", quote: "In return, Treezor provides the signed certificates" }],
  message: (a) => `The upload holds ${plural(a.count, "certificate")}; this program issues the certificates itself from your CSRs, so they were ignored.`,
  fix: () => "Send only the CSR files (-----BEGIN CERTIFICATE REQUEST-----).",
});

export const CSRS_IGNORED = defineFinding<{ count: number }>({
  code: "FORMAT_NOT_ACCEPTED",
  severity: "warning",
  title: "CSRs sent to a program that takes a certificate chain (ignored)",
  sources: [{ text: "002", quote: "Provide a CA-issued full certificate chain" }],
  message: (a) => `The upload holds ${plural(a.count, "CSR")}; this program takes a certificate chain, so they were ignored.`,
  fix: () => "Send the signed certificate chain (leaf first, root last) instead of the CSR.",
});

export const submissionKindsRule = defineRule({
  id: "submission-kinds",
  stage: "upload",
  description: "Certificates are ignored (with a warning) by programs that issue them from CSRs, and CSRs by programs that take a chain only.",
  appliesTo: (p) => p.rules.submission.chain === "refused" || p.rules.submission.csr === "refused",
  findings: [CERTIFICATES_IGNORED, CSRS_IGNORED],
  check({ program, certs, csrs }) {
    const out: Finding[] = [];
    const sub = program.rules.submission;
    if (certs.length > 0 && sub.chain === "refused") out.push(CERTIFICATES_IGNORED.make({ count: certs.length }));
    if (csrs.length > 0 && sub.csr === "refused") out.push(CSRS_IGNORED.make({ count: csrs.length }));
    return out;
  },
});
