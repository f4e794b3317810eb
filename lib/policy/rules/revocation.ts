/** Revocation status where the program requires it (`rules.revocation`). */
import { defineFinding, defineRule } from "./types";

export const REVOCATION_UNKNOWN = defineFinding<{ leafName: string }>({
  code: "REVOCATION_UNKNOWN",
  severity: "warning",
  title: "The client certificate's revocation status could not be learned",
  doc: {
    summary: "warning (error when a CRL given to validation is itself unusable; info, for the record, when the program checks revocation only `if-available`). The status could not be learned. In a program that requires revocation checking (002), a reviewer must confirm the certificate is not revoked.",
    fix: "`openssl ocsp -issuer intermediate.pem -cert client.pem -url \"$(openssl x509 -in client.pem -noout -ocsp_uri)\"`. When the portal checked live (OCSP or the certificate's CRL), the message says why the status is unknown: no URL, unreachable, refused address, bad signature, stale.",
  },
  sources: [{ text: "002", quote: "Certificates must not be expired or revoked." }],
  message: (a) => `The revocation status of ${a.leafName} could not be learned (no CRL or OCSP answer was available); a reviewer must confirm it is not revoked.`,
  fix: () => `Check it yourself: openssl ocsp -issuer intermediate.pem -cert client.pem -url "$(openssl x509 -in client.pem -noout -ocsp_uri)"`,
});

export const revocationRule = defineRule({
  id: "revocation",
  stage: "chain",
  description: "Where the program requires revocation checking and no CRL or OCSP source was available, a reviewer is asked to confirm the status.",
  appliesTo: (p) => p.rules.revocation === "required",
  findings: [REVOCATION_UNKNOWN],
  check({ program, hasStatusSource, leaf, leafName, leafSubject }) {
    if (program.rules.revocation !== "required" || hasStatusSource || leaf.view.selfSigned) return [];
    return [REVOCATION_UNKNOWN.make({ leafName }, { certificate: leafSubject })];
  },
});
