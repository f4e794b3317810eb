/**
 * Findings the engine itself emits while it reads the items and builds the leaf's chain
 * (lib/policy/evaluate.ts, chain.ts): they decide what the rules get to see, so they are
 * not rules of their own, but they carry the same metadata and are documented the same way.
 */
import { defineFinding } from "./types";

export const CERTIFICATE_MALFORMED = defineFinding<{ kind: "certificate" | "csr"; position: number; source: string; reason: string; file: string }>({
  code: "CERTIFICATE_MALFORMED",
  severity: "error",
  title: "A certificate or CSR could not be parsed",
  doc: {
    summary: "error. A block labelled as a certificate or CSR cannot be parsed as one (truncated, wrong DER structure, bad dates…).",
    fix: "re-export it from its source; check with `openssl x509 -in <file> -noout -text`.",
  },
  sources: [{ text: "house", quote: "X.509 (RFC 5280) and PKCS#10 (RFC 2986) DER" }],
  message: (a) => `${a.kind === "csr" ? "The CSR" : "The certificate"} at position ${a.position} in ${a.source} could not be read: ${a.reason}.`,
  fix: (a) => `Check it with: openssl ${a.kind === "csr" ? "req" : "x509"} -in "${a.file}" -noout -text`,
});

export const DUPLICATE_CERTIFICATE = defineFinding<{ name: string; position: number; firstPosition: number }>({
  code: "DUPLICATE_CERTIFICATE",
  severity: "warning",
  title: "The same certificate appears twice (counted once)",
  doc: {
    summary: "warning. The same certificate appears twice; it is counted once. Certdesk offers the corrected file.",
    fix: "remove the repeated block.",
  },
  sources: [{ text: "001", quote: "put into one file, forming certificate chain – Leaf certificate at start of the file, Root at the end" }],
  message: (a) => `${a.name} at position ${a.position} is the same certificate as position ${a.firstPosition}; it is counted once.`,
  fix: () => "Remove the repeated block from the file (Certdesk offers the corrected file).",
});

const CHAIN_SOURCES = [
  { text: "000", quote: "A complete certificate chain (leaf, intermediate, and root certificates) in one file" },
  { text: "002", quote: "Provide a CA-issued full certificate chain … with leaf, intermediate, and root certificates." },
] as const;

export const NO_CERTIFICATE = defineFinding({
  code: "CHAIN_NO_LEAF",
  severity: "error",
  title: "No certificate at all in an upload that needs a chain",
  doc: {
    summary: "error. No client certificate: the upload is empty of certificates, or holds only CA certificates.",
    fix: "put the client certificate first in the file.",
  },
  sources: CHAIN_SOURCES,
  message: () => "No certificate was found in the upload; this program needs your client certificate chain.",
  fix: () => "Upload one PEM file with the client (leaf) certificate first, then each issuer: cat client.pem intermediate.pem root.pem > client-chain.pem",
});

export const CHAIN_NO_LEAF = defineFinding<{ caNames?: readonly string[] }>({
  code: "CHAIN_NO_LEAF",
  severity: "error",
  title: "The client (leaf) certificate is missing: only CA certificates were sent",
  sources: CHAIN_SOURCES,
  message: (a) =>
    a.caNames ? `The upload holds only CA certificates (${a.caNames.join(", ")}); the client (leaf) certificate is missing.` : "No client (leaf) certificate was found in the upload.",
  fix: () => "Put your client certificate first in the file: cat client.pem intermediate.pem root.pem > client-chain.pem",
});

export const CHAIN_MULTIPLE_LEAVES = defineFinding<{ leaves: readonly string[] }>({
  code: "CHAIN_MULTIPLE_LEAVES",
  severity: "error",
  title: "More than one client certificate in one upload",
  doc: {
    summary: "error. More than one client (non-CA) certificate that issues nothing else: one upload is one chain for one client certificate.",
    fix: "upload each client certificate's chain separately.",
  },
  sources: [{ text: "001", quote: "Certificates are applied individually per developer app" }],
  message: (a) => `The upload holds ${a.leaves.length} client certificates: ${a.leaves.join(", ")}. One upload is one chain for one client certificate.`,
  fix: () => "Upload each client certificate's chain separately.",
});

export const PATH_NOT_BUILT = defineFinding<{ leafName: string; reason: string }>({
  code: "CHAIN_INCOMPLETE",
  severity: "error",
  title: "The path from the client certificate could not be built",
  doc: {
    summary: "error. An issuer is neither in the upload nor a trusted root: usually the intermediate is missing. Where the program wants the root in the file (001, 002), the message says the root (or an intermediate) is missing and names the missing issuer's subject.",
    fix: "add the intermediate certificate(s) your CA gave you, between the client certificate and the root; where the root is required, add the certificate the message names (often your own root CA).",
  },
  sources: [{ text: "002", quote: "Ensure the certificate chain is complete and in the correct order." }],
  message: (a) => `The path from ${a.leafName} could not be built: ${a.reason}.`,
});

export const CHAIN_INCOMPLETE = defineFinding<{ lastName: string }>({
  code: "CHAIN_INCOMPLETE",
  severity: "error",
  title: "An issuer is neither in the upload nor a trusted root",
  sources: [
    { text: "002", quote: "Ensure the certificate chain is complete and in the correct order." },
    { text: "000", quote: "A complete certificate chain (leaf, intermediate, and root certificates) in one file" },
  ],
  message: (a) => `The issuer of ${a.lastName} is neither in the upload nor a trusted root.`,
  fix: () => "Add the missing intermediate certificate(s) from your CA between the client certificate and the root.",
});

/**
 * Issue 16: under a program that wants the root in the file, the certificate missing above the
 * top one may well be the root itself (a partner with a private CA who forgot it), so the
 * message names the issuer's subject and says "the root (or an intermediate)", not "the intermediate".
 */
export const ROOT_OR_INTERMEDIATE_MISSING = defineFinding<{ topName: string; issuerSubject: string; isLeaf: boolean }>({
  code: "CHAIN_INCOMPLETE",
  severity: "error",
  title: "The program wants the chain up to its root, and the issuer of the top certificate is missing",
  sources: [
    { text: "001", quote: "Root Included: Ensure the root certificate is included." },
    { text: "002", quote: "Provide a CA-issued full certificate chain … with leaf, intermediate, and root certificates." },
  ],
  message: (a) =>
    `The root certificate (or an intermediate CA) is missing: ${a.isLeaf ? "the client certificate" : `the top certificate of the upload, ${a.topName},`} is issued by "${a.issuerSubject}", which is not in the upload and is not a trusted root. This program wants the whole chain in the file, root included.`,
  fix: (a) =>
    `Add the certificate whose subject is "${a.issuerSubject}" at the end of the file — your root CA, or the intermediate your CA gave you followed by its root: cat client.pem${a.isLeaf ? "" : " intermediate.pem"} root.pem > client-chain.pem (check with: openssl x509 -in root.pem -noout -subject).`,
});

export const CHAIN_BUILDING_FINDINGS = [CERTIFICATE_MALFORMED, DUPLICATE_CERTIFICATE, NO_CERTIFICATE, CHAIN_NO_LEAF, CHAIN_MULTIPLE_LEAVES, PATH_NOT_BUILT, CHAIN_INCOMPLETE, ROOT_OR_INTERMEDIATE_MISSING] as const;
