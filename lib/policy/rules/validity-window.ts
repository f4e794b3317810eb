/** The client certificate's total lifetime is inside the program's window (`rules.leafValidityDays`). */
import { DAY_MS, isoDay } from "../messages";
import { defineFinding, defineRule } from "./types";

type Args = { leafName: string; lifetime: number; notBefore: Date; notAfter: Date; issuedBy: "self-signed" | "ca-issued"; minDays?: number; maxDays?: number; tooShort: boolean };

const range = (a: Pick<Args, "minDays" | "maxDays">) => `${a.minDays ?? 0}–${a.maxDays ?? "∞"} days`;

export const LEAF_VALIDITY_OUT_OF_RANGE = defineFinding<Args>({
  code: "LEAF_VALIDITY_OUT_OF_RANGE",
  severity: "error",
  title: "The client certificate's lifetime is outside the program's window",
  doc: {
    summary: "error. The client certificate's total lifetime is outside the program's window (001 self-signed: 365–1095 days; 001/002 CA-issued: at least 91 days, refusing 90-day ACME certificates).",
    fix: "re-issue with a lifetime in range (`openssl x509 -req … -days 750`).",
  },
  sources: [
    { text: "001", quote: "Leaf certificate’s expiration date must be from 1 to 3 years (365 to 1095 days)" },
    { text: "001", quote: "Let’s encrypt and CloudFlare certificates will not be accepted as they are issued only for 3 months" },
  ],
  message: (a) =>
    `${a.leafName} is valid for ${a.lifetime} days (${isoDay(a.notBefore)} to ${isoDay(a.notAfter)}); for a ${a.issuedBy} chain this program accepts ${range(a)}${a.tooShort && a.lifetime <= 100 ? " — short-lived (ACME-style) certificates are refused" : ""}.`,
  fix: (a) =>
    a.issuedBy === "self-signed"
      ? `Re-issue the leaf with a lifetime in range, e.g.: openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -sha256 -days ${Math.min(Math.max(750, a.minDays ?? 0), a.maxDays ?? 750)} -out client.pem`
      : `Order a certificate valid for ${range(a)} from your CA.`,
});

export const validityWindowRule = defineRule({
  id: "validity-window",
  stage: "chain",
  description: "The client certificate's lifetime (notBefore to notAfter) is inside the window the program sets for CA-issued or self-signed chains.",
  appliesTo: (p) => p.rules.leafValidityDays.selfSigned !== undefined || p.rules.leafValidityDays.caIssued !== undefined,
  findings: [LEAF_VALIDITY_OUT_OF_RANGE],
  check({ program, issuedBy, leaf, leafName, leafSubject }) {
    const window = issuedBy === "self-signed" ? program.rules.leafValidityDays.selfSigned : program.rules.leafValidityDays.caIssued;
    const lv = leaf.view;
    if (!window || lv.selfSigned) return [];
    const lifetime = Math.round((lv.notAfter.getTime() - lv.notBefore.getTime()) / DAY_MS);
    const tooShort = window.minDays !== undefined && lifetime < window.minDays;
    const tooLong = window.maxDays !== undefined && lifetime > window.maxDays;
    if (!tooShort && !tooLong) return [];
    const args: Args = { leafName, lifetime, notBefore: lv.notBefore, notAfter: lv.notAfter, issuedBy, tooShort };
    if (window.minDays !== undefined) args.minDays = window.minDays;
    if (window.maxDays !== undefined) args.maxDays = window.maxDays;
    return [LEAF_VALIDITY_OUT_OF_RANGE.make(args, { certificate: leafSubject })];
  },
});
