/** CSRs: how many the program needs, their self-signature, subject fields, keys and signature hash. */
import type { Finding } from "../../pki/findings";
import { plural } from "../messages";
import { defineFinding, defineRule } from "./types";
import { nameOf, subjectOf, type CsrItem } from "./context";
import { KEY_ALGORITHM_NOT_ALLOWED, KEY_SIZE_UNEXPECTED, KEY_TOO_SMALL, keyFindings } from "./keys";
import { weakSignature } from "./signatures";

export const CSR_MISSING = defineFinding<{ purposes: readonly string[]; sent: number; missing: readonly string[] }>({
  code: "CSR_MISSING",
  severity: "error",
  title: "Fewer CSRs than the program needs",
  doc: {
    summary: "error. The program needs CSRs that were not sent — 003 needs two per environment, `mtls` and `signature` (matched by file name, else by order).",
    fix: "`openssl genrsa -out <company>_privatekey_signature.pem 2048 && openssl req -new -key <company>_privatekey_signature.pem -out <company>_csr_signature.pem`.",
  },
  sources: [
    { text: "003", quote: "you need to send 2 Certificate Signing Requests (CSRs) to Treezor" },
    { text: "000", quote: "A Certificate Signing Request (CSR) generated from your private key." },
  ],
  message: (a) =>
    a.purposes.length
      ? `This program needs ${plural(a.purposes.length, "CSR")} (${a.purposes.join(", ")}), each from its own key; ${a.sent} ${a.sent === 1 ? "was" : "were"} sent. Missing: ${a.missing.join(", ")}.`
      : "This program needs a CSR; none was sent.",
  fix: (a) => a.missing.map((p) => `openssl genrsa -out <company>_privatekey_${p}.pem 2048 && openssl req -new -key <company>_privatekey_${p}.pem -out <company>_csr_${p}.pem`).join("\n"),
});

export const csrMissingRule = defineRule({
  id: "csr-missing",
  stage: "csrs",
  description: "A program that requires CSRs gets one per purpose it names (at least one).",
  appliesTo: (p) => p.rules.submission.csr === "required",
  findings: [CSR_MISSING],
  check({ program, csrs, unassignedPurposes }) {
    const { submission } = program.rules;
    const purposes = submission.csrPurposes;
    if (submission.csr !== "required" || csrs.length >= Math.max(1, purposes.length)) return [];
    return [CSR_MISSING.make({ purposes, sent: csrs.length, missing: purposes.length ? unassignedPurposes : ["one"] })];
  },
});

export const CSR_SIGNATURE_INVALID = defineFinding<{ label: string }>({
  code: "CSR_SIGNATURE_INVALID",
  severity: "error",
  title: "A CSR's signature does not verify with its own public key",
  doc: {
    summary: "error. The CSR's own signature does not verify with its public key: it was altered, or not made with the matching private key.",
    fix: "`openssl req -new -key client.key -out client.csr`; check with `openssl req -in client.csr -noout -verify`.",
  },
  sources: [{ text: "000", quote: "A Certificate Signing Request (CSR) generated from your private key." }],
  message: (a) => `${a.label} has a signature that does not verify with its own public key; it was altered or was not made with the matching private key.`,
  fix: () => "Re-create it from your key: openssl req -new -key client.key -out client.csr, and check it: openssl req -in client.csr -noout -verify",
});

export const csrSignatureRule = defineRule({
  id: "csr-signature",
  stage: "csr",
  description: "Each CSR's self-signature verifies, which proves the partner holds its key.",
  findings: [CSR_SIGNATURE_INVALID],
  check: ({ csr, label, csrSubject }) => (csr.view.signatureValid ? [] : [CSR_SIGNATURE_INVALID.make({ label }, { certificate: csrSubject })]),
});

export const CSR_SUBJECT_FIELD = defineFinding<{ label: string; problems: readonly string[]; required: readonly string[]; optional: readonly string[] }>({
  code: "CSR_SUBJECT_FIELD",
  severity: "error",
  title: "A CSR's subject lacks a required field or has a malformed one",
  doc: {
    summary: "error. A required subject field is missing or malformed (003: Country as two capital letters, State, Locality, Organisation, Common Name, e-mail; Organisational Unit optional). One finding per CSR lists every problem.",
    fix: "`openssl req -new -key key.pem -out csr.pem -subj \"/C=FR/ST=Ile-de-France/L=Paris/O=Your Company SAS/OU=IT/CN=api.yourcompany.com/emailAddress=it@yourcompany.com\"`.",
  },
  sources: [
    { text: "003", quote: "The two-letter country code representing the country where the organization is located." },
    { text: "003", quote: "Organizational Unit | (optional)" },
  ],
  message: (a) => `${a.label}: ${a.problems.join("; ")}. Required: ${a.required.join(", ")}${a.optional.length ? `; optional: ${a.optional.join(", ")}` : ""}.`,
  fix: () => 'openssl req -new -key <key>.pem -out <csr>.pem -subj "/C=FR/ST=Ile-de-France/L=Paris/O=Your Company SAS/OU=IT/CN=api.yourcompany.com/emailAddress=it@yourcompany.com"',
});

export const csrSubjectRule = defineRule({
  id: "csr-subject",
  stage: "csr",
  description: "Each CSR's subject has every field the program requires; C is two capital letters and emailAddress an e-mail address.",
  appliesTo: (p) => p.rules.csrSubject.required.length + p.rules.csrSubject.optional.length > 0,
  findings: [CSR_SUBJECT_FIELD],
  check({ program, csr, label, csrSubject }): Finding[] {
    const { required, optional } = program.rules.csrSubject;
    const attrs = csr.view.attributes;
    const problems: string[] = [];
    for (const field of required) if (!(attrs[field] ?? []).some((v) => v.trim())) problems.push(`${field} is missing`);
    for (const field of [...required, ...optional]) {
      for (const v of attrs[field] ?? []) {
        if (field === "C" && !/^[A-Z]{2}$/.test(v)) problems.push(`C "${v}" is not a two-letter country code (e.g. FR)`);
        if (field === "emailAddress" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) problems.push(`emailAddress "${v}" is not an e-mail address`);
      }
    }
    return problems.length ? [CSR_SUBJECT_FIELD.make({ label, problems, required, optional }, { certificate: csrSubject })] : [];
  },
});

export const CSR_SIGNATURE_WEAK = defineFinding<{ label: string; hash: string }>({
  code: "SIGNATURE_ALGORITHM_WEAK",
  severity: "error",
  title: "A CSR is signed with a refused hash (MD5, SHA-1)",
  sources: [{ text: "house", quote: "MD5 and SHA-1 signatures can be forged" }],
  message: (a) => `${a.label} is signed with ${a.hash}, which is refused.`,
  fix: () => "openssl req -new -sha256 -key <key>.pem -out <csr>.pem",
});

export const csrKeyRule = defineRule({
  id: "csr-key",
  stage: "csr",
  description: "Each CSR's key is of an algorithm and size the program accepts, and its signature uses no refused hash.",
  findings: [KEY_ALGORITHM_NOT_ALLOWED, KEY_TOO_SMALL, KEY_SIZE_UNEXPECTED, CSR_SIGNATURE_WEAK],
  check({ program, csr, label, csrSubject }): Finding[] {
    const out = keyFindings(csr.view.publicKey, program, label, csrSubject);
    const hash = weakSignature(csr.view.signatureAlgorithm, program);
    if (hash) out.push(CSR_SIGNATURE_WEAK.make({ label, hash }, { certificate: csrSubject }));
    return out;
  },
});

export const CSR_KEY_MISMATCH = defineFinding<{ label: string; leafName: string }>({
  code: "CSR_KEY_MISMATCH",
  severity: "error",
  title: "A CSR sent with a chain does not carry the client certificate's key",
  doc: {
    summary: "error. A CSR sent with a chain (000) does not carry the client certificate's public key.",
    fix: "send the CSR made from the certificate's key; compare `openssl req -in client.csr -noout -pubkey | openssl sha256` with `openssl x509 -in client.pem -noout -pubkey | openssl sha256`.",
  },
  sources: [{ text: "000", quote: "A Certificate Signing Request (CSR) generated from your private key." }],
  message: (a) => `${a.label} does not carry the public key of the client certificate ${a.leafName}; it was not made from the same private key.`,
  fix: () => "Send the CSR made from the client certificate's key; compare: openssl req -in client.csr -noout -pubkey | openssl sha256; openssl x509 -in client.pem -noout -pubkey | openssl sha256",
});

export const csrKeyMatchRule = defineRule({
  id: "csr-key-match",
  stage: "csr",
  description: "A CSR sent with a chain carries the client certificate's public key.",
  appliesTo: (p) => p.rules.submission.chain !== "refused",
  findings: [CSR_KEY_MISMATCH],
  check({ leaf, csr, label, csrSubject }) {
    if (!leaf || csr.view.spkiSha256 === leaf.view.spkiSha256) return [];
    return [CSR_KEY_MISMATCH.make({ label, leafName: nameOf(leaf.view) }, { certificate: csrSubject })];
  },
});

export const KEY_REUSED_ACROSS_PURPOSES = defineFinding<{ names: readonly string[] }>({
  code: "KEY_REUSED_ACROSS_PURPOSES",
  severity: "error",
  title: "Two CSRs of one upload share a key",
  doc: {
    summary: "error. Two CSRs (003: mTLS and signature) share one key; each certificate must have its own.",
    fix: "generate a separate key for each CSR.",
  },
  sources: [{ text: "003", quote: "Your mTLS certificate and your signature certificate for signing PCI DSS requests must have different private keys." }],
  message: (a) => `${a.names.join(" and ")} share one public key; each certificate must have its own private key.`,
  fix: () =>
    "Generate a separate key for each CSR: openssl genrsa -out <company>_privatekey_signature.pem 2048 && openssl req -new -key <company>_privatekey_signature.pem -out <company>_csr_signature.pem",
});

export const keyReuseAcrossPurposesRule = defineRule({
  id: "key-reuse-across-purposes",
  stage: "csrs",
  description: "No two CSRs of one upload share a public key: one compromised key would compromise both purposes.",
  findings: [KEY_REUSED_ACROSS_PURPOSES],
  check({ csrs }): Finding[] {
    const byKey = new Map<string, CsrItem[]>();
    for (const c of csrs) byKey.set(c.view.spkiSha256, [...(byKey.get(c.view.spkiSha256) ?? []), c]);
    return [...byKey.values()]
      .filter((group) => group.length >= 2)
      .map((group) => KEY_REUSED_ACROSS_PURPOSES.make({ names: group.map((c) => `${c.purpose ?? "CSR"} (position ${c.position})`) }, { certificate: subjectOf(group[1]!) }));
  },
});
