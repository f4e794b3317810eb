/** The client certificate is made for TLS client authentication: EKU clientAuth, digitalSignature, not a CA. */
import type { Finding } from "../../pki/findings";
import { defineFinding, defineRule } from "./types";
import { EKU_CLIENT_AUTH } from "./context";

export const LEAF_EKU_CLIENT_AUTH = defineFinding<{ leafName: string; eku?: readonly string[] }>({
  code: "LEAF_EKU_CLIENT_AUTH",
  severity: "error",
  title: "The client certificate's extended key usage lacks clientAuth",
  doc: {
    summary: "error. The leaf's extended key usage lacks TLS client authentication (`clientAuth`, 1.3.6.1.5.5.7.3.2) — or has no EKU where the program requires one. `anyExtendedKeyUsage` alone does not count (OpenSSL and webpki refuse it too).",
    fix: "re-issue with `extendedKeyUsage = clientAuth`.",
  },
  sources: [{ text: "002", quote: "Certificates will be validated at both the web server and application levels." }],
  message: (a) =>
    a.eku === undefined
      ? `${a.leafName} has no extended key usage; this program requires TLS client authentication (clientAuth, 1.3.6.1.5.5.7.3.2).`
      : `${a.leafName} has extended key usage ${a.eku.join(", ") || "(empty)"} without TLS client authentication (clientAuth, 1.3.6.1.5.5.7.3.2); servers will refuse it as a client certificate.`,
  fix: () => 'Re-issue the certificate with "extendedKeyUsage = clientAuth" (openssl: -addext "extendedKeyUsage=clientAuth", or ask your CA for a client-authentication certificate).',
});

export const LEAF_KEY_USAGE = defineFinding<{ leafName: string; keyUsage: readonly string[] }>({
  code: "LEAF_KEY_USAGE",
  severity: "error",
  title: "The client certificate's key usage lacks digitalSignature",
  doc: {
    summary: "error. The leaf has a key usage extension without `digitalSignature`, which a TLS client needs.",
    fix: "re-issue with `keyUsage = critical, digitalSignature, keyEncipherment`.",
  },
  sources: [{ text: "house", quote: "a TLS client signs the handshake (CertificateVerify): keyUsage digitalSignature (RFC 5246/8446)" }],
  message: (a) => `${a.leafName} has key usage ${a.keyUsage.join(", ") || "(empty)"} without digitalSignature, which a TLS client needs to sign the handshake.`,
  fix: () => 'Re-issue the certificate with "keyUsage = critical, digitalSignature, keyEncipherment".',
});

export const LEAF_IS_CA = defineFinding<{ leafName: string }>({
  code: "LEAF_IS_CA",
  severity: "error",
  title: "The client certificate is a CA certificate",
  doc: {
    summary: "error. The client certificate is a CA certificate (`cA=TRUE`).",
    fix: "re-issue with `basicConstraints = critical, CA:FALSE`.",
  },
  sources: [{ text: "001", quote: "CA and TLS Client roles cannot be mixed in same certificate" }],
  message: (a) => `${a.leafName} is a CA certificate (basicConstraints cA=TRUE) used as the client certificate; a client certificate must not be able to issue others.`,
  fix: () => 'Re-issue the client certificate with "basicConstraints = critical, CA:FALSE".',
});

export const leafProfileRule = defineRule({
  id: "leaf-profile",
  stage: "chain",
  description: "The client certificate carries clientAuth (as the program's EKU rule says), digitalSignature when key usage is present, and is not a CA.",
  findings: [LEAF_EKU_CLIENT_AUTH, LEAF_KEY_USAGE, LEAF_IS_CA],
  check({ program, leaf, leafName, leafSubject }): Finding[] {
    const out: Finding[] = [];
    const { rules } = program;
    const lv = leaf.view;
    const eku = lv.extendedKeyUsage;
    if (rules.eku !== "not-checked") {
      const missing = eku === undefined ? rules.eku === "client-auth-required" : !eku.includes(EKU_CLIENT_AUTH);
      if (missing) out.push(LEAF_EKU_CLIENT_AUTH.make(eku === undefined ? { leafName } : { leafName, eku }, { certificate: leafSubject }));
    }
    if (rules.requireDigitalSignature && lv.keyUsage !== undefined && !lv.keyUsage.includes("digitalSignature")) {
      out.push(LEAF_KEY_USAGE.make({ leafName, keyUsage: lv.keyUsage }, { certificate: leafSubject }));
    }
    if (lv.isCa && !lv.selfSigned) out.push(LEAF_IS_CA.make({ leafName }, { certificate: leafSubject }));
    return out;
  },
});
