/**
 * Issue 15: intermediates fetched from AIA caIssuers URLs. When the upload lacked an
 * intermediate and the certificate said where it lives, the async pre-step fetched it and the
 * engine verified it on the path; the verdict says where it came from, and the corrected chain
 * (which includes it) is offered so the partner can submit the whole chain.
 */
import { defineFinding, defineRule } from "./types";

export const CHAIN_INTERMEDIATE_FETCHED = defineFinding<{ name: string; url: string; fingerprint: string; issuedName: string }>({
  code: "CHAIN_INTERMEDIATE_FETCHED",
  severity: "info",
  title: "A missing intermediate was fetched from the certificate's caIssuers URL",
  sources: [
    { text: "000", quote: "A complete certificate chain (leaf, intermediate, and root certificates) in one file" },
    { text: "002", quote: "Ensure the certificate chain is complete and in the correct order." },
  ],
  message: (a) =>
    `The intermediate ${a.name} was missing from the upload; Certdesk fetched it from ${a.url} (named in ${a.issuedName}'s Authority Information Access), checked that it issued ${a.issuedName}, and added it to the chain (SHA-256 ${a.fingerprint}).`,
  fix: () => "Submit the corrected chain, which includes the fetched intermediate, so the gateway receives the whole chain.",
});

export const fetchedIntermediatesRule = defineRule({
  id: "fetched-intermediates",
  stage: "chain",
  description: "Each intermediate fetched from an AIA caIssuers URL that completes the path is reported with its URL and fingerprint (never a trust anchor).",
  findings: [CHAIN_INTERMEDIATE_FETCHED],
  check({ fetchedOnPath, ordered }) {
    return fetchedOnPath.map((f) => {
      const below = ordered[ordered.findIndex((p) => p.fingerprintSha256 === f.view.fingerprintSha256) - 1];
      return CHAIN_INTERMEDIATE_FETCHED.make(
        { name: f.view.subject, url: f.url, fingerprint: f.view.fingerprintSha256, issuedName: below?.subject ?? "the certificate below it" },
        { certificate: { position: -1, subject: f.view.subject, source: f.url } },
      );
    });
  },
});
