/** Who may issue the chain: a public CA, the partner's own self-signed CA, or either (`rules.issuance`). */
import type { Finding, FindingSubject } from "../../pki/findings";
import { defineFinding, defineRule } from "./types";
import { nameOf, subjectOf, type ChainContext } from "./context";

const CA_ONLY = [
  { text: "000", quote: "Certificates issued by a trusted Certificate Authority (CA). Self-signed certificates are not accepted." },
  { text: "002", quote: "Self-signed certificates are not accepted." },
] as const;

export const LEAF_SELF_SIGNED_REFUSED = defineFinding<{ leafName: string }>({
  code: "TRUST_SELF_SIGNED_REFUSED",
  severity: "error",
  title: "The client certificate is self-signed; the program takes CA-issued certificates only",
  doc: {
    summary: "error in CA-issued programs (000, 002). The client certificate is self-signed, or the chain ends in a self-signed root that is not a trusted public CA.",
    fix: "create a CSR (`openssl req -new -key client.key -out client.csr`) and have a public CA issue the certificate.",
  },
  sources: CA_ONLY,
  message: (a) => `${a.leafName} is self-signed; this program accepts only certificates issued by a trusted public CA.`,
  fix: () => "Create a CSR from your key (openssl req -new -key client.key -out client.csr) and have a public CA (DigiCert, Sectigo, GlobalSign…) issue the certificate.",
});

export const ROOT_SELF_SIGNED_REFUSED = defineFinding<{ rootName: string }>({
  code: "TRUST_SELF_SIGNED_REFUSED",
  severity: "error",
  title: "The chain ends in a self-signed root that is not a trusted public CA",
  sources: CA_ONLY,
  message: (a) => `The chain ends in ${a.rootName}, a self-signed root that is not a trusted public CA; this program accepts only CA-issued certificates.`,
  fix: () => "Have a public CA (DigiCert, Sectigo, GlobalSign…) issue your client certificate from a CSR: openssl req -new -key client.key -out client.csr",
});

export const SELF_SIGNED_ROLES_MIXED = defineFinding<{ leafName: string }>({
  code: "SELF_SIGNED_ROLES_MIXED",
  severity: "error",
  title: "One self-signed certificate plays both the CA and the client role",
  doc: {
    summary: "error (001). One self-signed certificate is used as both CA and client certificate. The CA and TLS client roles must be two certificates.",
    fix: "make a self-signed root CA and a client leaf signed by it (see the message for the commands), and send `cat client.pem ca.pem`.",
  },
  sources: [{ text: "001", quote: "CA and TLS Client roles cannot be mixed in same certificate" }],
  message: (a) =>
    `${a.leafName} is a self-signed certificate used as the client certificate; the CA and TLS client roles must be two certificates: a self-signed root CA and a client leaf signed by it.`,
  fix: () =>
    'openssl req -x509 -new -sha256 -days 3650 -key ca.key -out ca.pem -extensions v3_ca -subj "/CN=<Company> Root CA/O=<Company>" && openssl req -new -key client.key -out client.csr -subj "/CN=<Company>-client/O=<Company>" && openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -sha256 -days 750 -out client.pem && cat client.pem ca.pem > client-chain.pem',
});

export const PUBLIC_ROOT_NOT_TRUSTED = defineFinding<{ rootName: string }>({
  code: "TRUST_UNTRUSTED_ROOT",
  severity: "error",
  title: "The chain ends in a public root the program does not trust",
  doc: {
    summary: "error. The chain ends in a root that is not among the program's trusted CAs (default: the public roots Node ships), or — in a program that accepts only your own self-signed CA — in a public root.",
    fix: "obtain the certificate from a CA the provider trusts.",
  },
  sources: [{ text: "house", quote: "trustAnchors: a program may replace the public root store with its own anchors" }],
  message: (a) => `The chain ends in ${a.rootName}, a public root this program does not trust.`,
  fix: () => "Obtain a certificate from one of the CAs the provider trusts.",
});

export const PUBLIC_CA_NOT_WANTED = defineFinding<{ rootName: string }>({
  code: "TRUST_UNTRUSTED_ROOT",
  severity: "error",
  title: "The chain ends in a public CA where the program takes only the partner's own CA",
  sources: [{ text: "house", quote: "issuance: self-signed" }],
  message: (a) => `The chain ends in ${a.rootName}, a public CA; this program accepts only your own self-signed CA.`,
});

function rootSubject(ctx: ChainContext): FindingSubject {
  const item = ctx.uploadedByFp.get(ctx.terminal!.fingerprintSha256);
  return item ? subjectOf(item) : { position: -1, subject: ctx.terminal!.subject };
}

export const trustRule = defineRule({
  id: "trust",
  stage: "chain",
  description: "The chain ends where the program's issuance rule wants it: a trusted public CA, the partner's own self-signed root (never the leaf itself), or either.",
  findings: [LEAF_SELF_SIGNED_REFUSED, ROOT_SELF_SIGNED_REFUSED, SELF_SIGNED_ROLES_MIXED, PUBLIC_ROOT_NOT_TRUSTED, PUBLIC_CA_NOT_WANTED],
  check(ctx): Finding[] {
    const { leaf, leafSubject, leafName, terminal } = ctx;
    const issuance = ctx.program.rules.issuance;
    if (leaf.view.selfSigned) {
      return [issuance === "ca-issued" ? LEAF_SELF_SIGNED_REFUSED.make({ leafName }, { certificate: leafSubject }) : SELF_SIGNED_ROLES_MIXED.make({ leafName }, { certificate: leafSubject })];
    }
    if (terminal && ctx.selfSignedChain) {
      if (issuance !== "ca-issued") return [];
      const def = ctx.terminalPublic ? PUBLIC_ROOT_NOT_TRUSTED : ROOT_SELF_SIGNED_REFUSED;
      return [def.make({ rootName: nameOf(terminal) }, { certificate: rootSubject(ctx) })];
    }
    if (terminal && ctx.terminalTrusted && issuance === "self-signed") {
      return [PUBLIC_CA_NOT_WANTED.make({ rootName: nameOf(terminal) }, { certificate: leafSubject })];
    }
    return [];
  },
});

/** The codes by which a trust rule has already explained a chain (pki's own trust findings then yield). */
export const TRUST_DECISION_CODES = ["TRUST_SELF_SIGNED_REFUSED", "TRUST_UNTRUSTED_ROOT", "SELF_SIGNED_ROLES_MIXED"] as const;
