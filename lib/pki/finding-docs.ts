/**
 * Documentation metadata of the codes lib/pki emits on its own (path validation, revocation,
 * AIA fetching): what docs/findings.md says about them (`npm run docs`). The codes lib/policy's
 * rules emit carry the same metadata beside their checks (lib/policy/rules); a test checks
 * that every FindingCode is documented exactly once across both.
 */
import type { FindingCode, Severity } from "./findings";

/** A provider text of ../shared/requirements by number ("001"), or "house" for Certdesk's own floor. */
export type FindingSource = { text: "000" | "001" | "002" | "003" | "004" | "house"; quote: string };

/** The prose of a code's section: `summary` starts with its usual severity; `fix` is the generic remedy. */
export type FindingDocText = { summary: string; fix: string };

export type FindingDoc = {
  code: FindingCode;
  severity: Severity;
  title: string;
  sources: readonly FindingSource[];
  /** Which part of Certdesk emits it. */
  emittedBy: string;
  doc: FindingDocText;
};

export const PKI_FINDING_DOCS: readonly FindingDoc[] = [
  {
    code: "CHAIN_SIGNATURE_INVALID",
    severity: "error",
    title: "A certificate's signature does not verify with its issuer's key",
    sources: [{ text: "house", quote: "RFC 5280 §6.1.3 (a)(1): verify the signature on the certificate" }],
    emittedBy: "lib/pki (path validation)",
    doc: {
      summary: "error. A certificate's signature does not verify with its issuer's key: the certificate was altered, or the wrong intermediate was sent.",
      fix: "download the chain again from the CA; make sure the intermediate is the one that issued the leaf.",
    },
  },
  {
    code: "CHAIN_ISSUER_NOT_CA",
    severity: "error",
    title: "An issuer is not a CA (basicConstraints cA, keyCertSign)",
    sources: [{ text: "house", quote: "RFC 5280 §6.1.4 (k), (n): cA TRUE and keyCertSign" }],
    emittedBy: "lib/pki (path validation)",
    doc: {
      summary: "error. An issuer lacks `basicConstraints cA=TRUE` or `keyCertSign`: it may not issue certificates.",
      fix: "the issuer must be a CA certificate; for a private CA: `openssl req -x509 … -extensions v3_ca`.",
    },
  },
  {
    code: "CHAIN_PATH_LENGTH",
    severity: "error",
    title: "An issuer's pathLenConstraint is exceeded",
    sources: [{ text: "house", quote: "RFC 5280 §6.1.4 (l), (m): max_path_length" }],
    emittedBy: "lib/pki (path validation)",
    doc: {
      summary: "error. An issuer's `pathLenConstraint` is exceeded by the intermediates below it.",
      fix: "use the chain the CA publishes; for a private CA, re-issue with a suitable pathlen.",
    },
  },
  {
    code: "CHAIN_TOO_LONG",
    severity: "error",
    title: "Too many intermediates, or a loop",
    sources: [{ text: "house", quote: "path validation stops at 8 intermediates" }],
    emittedBy: "lib/pki (path validation)",
    doc: {
      summary: "error. More intermediates than path validation accepts (8), or a loop.",
      fix: "send only the path from the client certificate to its root.",
    },
  },
  {
    code: "CHAIN_CERT_EXPIRED",
    severity: "error",
    title: "An intermediate or root on the path has expired",
    sources: [{ text: "002", quote: "Certificates must not be expired or revoked." }],
    emittedBy: "lib/pki (path validation)",
    doc: {
      summary: "error. An intermediate or root on the path has expired (the leaf has `LEAF_EXPIRED`).",
      fix: "download the CA's current intermediate; CAs re-issue them before they expire.",
    },
  },
  {
    code: "CHAIN_CERT_NOT_YET_VALID",
    severity: "error",
    title: "An intermediate or root on the path is not valid yet",
    sources: [{ text: "house", quote: "RFC 5280 §6.1.3 (a)(2): the current time is inside the validity period" }],
    emittedBy: "lib/pki (path validation)",
    doc: {
      summary: "error. An intermediate or root on the path is not valid yet.",
      fix: "use the CA's currently valid intermediate, or check the issuing machine's clock.",
    },
  },
  {
    code: "CHAIN_NAME_CONSTRAINTS",
    severity: "error",
    title: "A CA's name constraints exclude a name below it",
    sources: [{ text: "house", quote: "RFC 5280 §4.2.1.10 name constraints" }],
    emittedBy: "lib/pki (path validation)",
    doc: {
      summary: "error. A CA's name constraints exclude (or do not permit) a name in a certificate below it.",
      fix: "the CA may not issue for that name: order the certificate from a CA allowed to.",
    },
  },
  {
    code: "CHAIN_CRITICAL_EXTENSION",
    severity: "error",
    title: "A certificate has a critical extension the validator does not know",
    sources: [{ text: "house", quote: "RFC 5280 §4.2: a certificate with an unrecognised critical extension MUST be rejected" }],
    emittedBy: "lib/pki (path validation)",
    doc: {
      summary: "error. A certificate has a critical extension the validator does not understand; RFC 5280 requires refusing it.",
      fix: "re-issue without the unknown critical extension.",
    },
  },
  {
    code: "CHAIN_EKU",
    severity: "error",
    title: "An issuer's extended key usage does not allow client authentication",
    sources: [{ text: "house", quote: "issuer EKU constrains what it issues (CA/Browser Forum, webpki)" }],
    emittedBy: "lib/pki (path validation)",
    doc: {
      summary: "error. An issuer's extended key usage does not allow TLS client authentication, so nothing it issues can be a client certificate (the leaf's own EKU is `LEAF_EKU_CLIENT_AUTH`).",
      fix: "use a CA hierarchy meant for client certificates.",
    },
  },
  {
    code: "POLICY_REQUIRED_EXPLICIT",
    severity: "error",
    title: "A CA requires an explicit certificate policy and no policy is valid for the whole path",
    sources: [{ text: "house", quote: "RFC 5280 §4.2.1.11 requireExplicitPolicy, §6.1.3 (f), §6.1.5 (g)" }],
    emittedBy: "lib/pki (path validation, certificate policies)",
    doc: {
      summary:
        "error. A CA on the path sets `requireExplicitPolicy` in its policyConstraints, so every certificate below it must carry a certificate policy that chains up to one the CAs above accept; here none does. The message names the CA that demands it and where the policies stop matching: a certificate without `certificatePolicies`, a policy no CA above allows, a policy mapping forbidden by `inhibitPolicyMapping`, or `anyPolicy` disallowed by `inhibitAnyPolicy`.",
      fix: "ask the CA to issue the certificate under one of the policies its issuing CA allows (the `certificatePolicies` extension); `openssl verify -policy_check` shows the same refusal.",
    },
  },
  {
    code: "POLICY_NOT_ACCEPTED",
    severity: "error",
    title: "The path is not valid for any certificate policy the program accepts",
    sources: [{ text: "house", quote: "RFC 5280 §6.1.1 (c) user-initial-policy-set, (f) initial-explicit-policy" }],
    emittedBy: "lib/pki (path validation, certificate policies)",
    doc: {
      summary: "error. The program accepts certificates issued under named certificate policies only (its `acceptablePolicies`), and the path is valid for none of them: the leaf or a CA above it lacks the policy, or a mapping or `inhibitAnyPolicy` removes it.",
      fix: "order the certificate under one of the policies the program lists (its CA must be allowed to issue under it).",
    },
  },
  {
    code: "POLICY_MAPPING_INVALID",
    severity: "error",
    title: "A CA maps a policy to or from anyPolicy",
    sources: [{ text: "house", quote: "RFC 5280 §4.2.1.5, §6.1.4 (a): policies are not mapped either to or from anyPolicy" }],
    emittedBy: "lib/pki (path validation, certificate policies)",
    doc: {
      summary: "error. A CA certificate's `policyMappings` extension maps a policy to or from the special value `anyPolicy` (2.5.29.32.0), which RFC 5280 forbids; the path is refused.",
      fix: "the CA must re-issue its certificate with policy mappings between concrete policy OIDs only.",
    },
  },
  {
    code: "LEAF_NAME_MISMATCH",
    severity: "error",
    title: "The leaf's names do not match the expected peer name",
    sources: [{ text: "house", quote: "RFC 6125 / RFC 9525 name matching" }],
    emittedBy: "lib/pki (path validation)",
    doc: {
      summary: "error. The leaf's names do not match the peer name the caller asked for (a DNS name, IP or e-mail given to path validation).",
      fix: "order a certificate with the expected name in its subjectAltName.",
    },
  },
  {
    code: "SIGNATURE_ALGORITHM_NOT_ALLOWED",
    severity: "error",
    title: "A signature algorithm outside the program's list (reserved)",
    sources: [{ text: "house", quote: "reserved: no program restricts algorithms beyond refused hashes yet" }],
    emittedBy: "lib/pki (path validation)",
    doc: {
      summary: "error. A signature algorithm outside the program's list (reserved for programs that restrict algorithms beyond MD5/SHA-1).",
      fix: "re-issue with an algorithm the program lists.",
    },
  },
  {
    code: "REVOKED",
    severity: "error",
    title: "A CRL or status check given to validation says the certificate is revoked",
    sources: [{ text: "002", quote: "Certificates must not be expired or revoked." }],
    emittedBy: "lib/pki (path validation)",
    doc: {
      summary: "error. A CRL or status check says the certificate is revoked.",
      fix: "get a new certificate; a revoked one cannot be un-revoked.",
    },
  },
  {
    code: "REVOCATION_REVOKED",
    severity: "error",
    title: "The CA says, live (OCSP or the distribution point's CRL), the certificate is revoked",
    sources: [{ text: "002", quote: "Certificates must not be expired or revoked." }],
    emittedBy: "lib/pki (live revocation and AIA fetching)",
    doc: {
      summary: "error. The certificate's CA says it is revoked — its OCSP responder, or the CRL at the certificate's distribution point, fetched live (at upload in the portal and the API, with `--fetch` in the CLI, and daily for every live certificate). The message gives the reason and date the CA recorded.",
      fix: "create a new key and CSR and have your CA issue a new certificate; a revoked one cannot be un-revoked.",
    },
  },
  {
    code: "CHAIN_INTERMEDIATE_FETCHED",
    severity: "info",
    title: "A missing intermediate was fetched from the certificate's caIssuers URL",
    sources: [{ text: "000", quote: "A complete certificate chain (leaf, intermediate, and root certificates) in one file" }],
    emittedBy: "lib/pki (live revocation and AIA fetching)",
    doc: {
      summary: "info. An intermediate certificate missing from the upload was fetched from the URL in the certificate's Authority Information Access (caIssuers) extension, checked to have really issued it, and added to the chain. The message gives the URL and the SHA-256 fingerprint; a fetched certificate is never a trust anchor.",
      fix: "submit the corrected chain (it includes the fetched intermediate) so the gateway gets the whole chain.",
    },
  },
];
