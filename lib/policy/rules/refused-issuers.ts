/** CAs the program refuses whatever their place in the public store (`rules.refusedIssuers`). */
import type { Finding } from "../../pki/findings";
import type { Program } from "../program";
import type { CertView } from "../views";
import { foldName, sameOrganization } from "../normalize";
import { defineFinding, defineRule } from "./types";
import { nameOf } from "./context";

export const TRUST_ISSUER_REFUSED = defineFinding<{ leafName: string; label: string; via: string; reason: string }>({
  code: "TRUST_ISSUER_REFUSED",
  severity: "error",
  title: "The chain is issued under a CA the program refuses",
  doc: {
    summary: "error. The chain comes from a CA the program refuses: Let's Encrypt in every generation (001, 002), Cloudflare (001). Matched on organisation names, CA common names and the roots' public keys, so new intermediates are caught.",
    fix: "order a certificate valid for at least a year from another CA, or (001) use a self-signed CA.",
  },
  sources: [
    { text: "001", quote: "Let’s encrypt and CloudFlare certificates will not be accepted as they are issued only for 3 months" },
    { text: "002", quote: "Self-signed and Let’s Encrypt certificates are not accepted." },
  ],
  message: (a) => `${a.leafName} is issued under ${a.label} (${a.via}). ${a.reason}`,
  fix: () => "Order a certificate valid for at least a year from another CA (e.g. DigiCert, Sectigo, BuyPass) or, where the program allows it, use a self-signed CA.",
});

/**
 * Whether a certificate shows a refused CA: its issuer's O/CN, or — for a CA certificate
 * (`asLeaf` false) — its own O/CN or public key. A leaf's own subject is the partner's, never the CA's.
 *
 * @example
 * matchesRefusedIssuer(r11View, program.rules.refusedIssuers[0]!, false) // true for Let's Encrypt R11
 */
export function matchesRefusedIssuer(c: CertView, refused: Program["rules"]["refusedIssuers"][number], asLeaf: boolean): boolean {
  const orgs = [...c.issuerOrganizations, ...(asLeaf ? [] : c.organizations)];
  const cns = [...c.issuerCommonNames, ...(asLeaf ? [] : c.commonNames)];
  return (
    orgs.some((o) => refused.organizations.some((r) => sameOrganization(o, r))) ||
    cns.some((n) => refused.commonNames.some((r) => foldName(n) === foldName(r))) ||
    (!asLeaf && refused.spkiSha256.includes(c.spkiSha256.toLowerCase()))
  );
}

export const refusedIssuersRule = defineRule({
  id: "refused-issuers",
  stage: "chain",
  description: "No certificate on the client certificate's path shows a refused CA (by organisation, CN or root key), whatever its generation.",
  appliesTo: (p) => p.rules.refusedIssuers.length > 0,
  findings: [TRUST_ISSUER_REFUSED],
  check({ program, leaf, leafName, leafSubject, ordered }): Finding[] {
    const lv = leaf.view;
    // Path entries are pki's views, not the upload's objects: identity is the fingerprint.
    const isLeaf = (c: CertView) => c.fingerprintSha256 === lv.fingerprintSha256;
    const out: Finding[] = [];
    for (const refused of program.rules.refusedIssuers) {
      const hit = ordered.find((c) => matchesRefusedIssuer(c, refused, isLeaf(c)));
      if (!hit) continue;
      const via = isLeaf(hit) ? `issuer ${lv.issuer}` : nameOf(hit);
      out.push(TRUST_ISSUER_REFUSED.make({ leafName, label: refused.label, via, reason: refused.reason }, { certificate: leafSubject }));
    }
    return out;
  },
});
