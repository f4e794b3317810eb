/** The client certificate is valid now, and says so early when it expires soon. */
import type { Finding } from "../../pki/findings";
import { DAY_MS, isoDay, plural } from "../messages";
import { defineFinding, defineRule } from "./types";
import { daysBetween } from "./context";

export const LEAF_EXPIRED = defineFinding<{ leafName: string; notAfter: Date; daysAgo: number }>({
  code: "LEAF_EXPIRED",
  severity: "error",
  title: "The client certificate has expired",
  doc: {
    summary: "error. The client certificate's `notAfter` is in the past.",
    fix: "renew with your CA and upload the new chain.",
  },
  sources: [{ text: "002", quote: "Certificates must not be expired or revoked." }],
  message: (a) => `${a.leafName} expired on ${isoDay(a.notAfter)} (${a.daysAgo} days ago).`,
  fix: () => "Renew the certificate with your CA (new key: openssl req -new -newkey rsa:2048 -keyout client.key -out client.csr) and upload the new chain.",
});

export const LEAF_NOT_YET_VALID = defineFinding<{ leafName: string; notBefore: Date }>({
  code: "LEAF_NOT_YET_VALID",
  severity: "error",
  title: "The client certificate's validity has not started",
  doc: {
    summary: "error. The client certificate's `notBefore` is in the future.",
    fix: "upload it once valid, or check the issuing machine's clock.",
  },
  sources: [{ text: "house", quote: "a certificate is valid from notBefore to notAfter (RFC 5280 §4.1.2.5)" }],
  message: (a) => `${a.leafName} is not valid before ${a.notBefore.toISOString()}; it cannot be enabled yet.`,
  fix: () => "Upload it once its validity has started, or check the clock of the machine that issued it.",
});

/**
 * Issue 16: which advice fits an expiring certificate. "renew" is for a certificate that has lived
 * most of its life; one whose whole lifetime is short (issued today, say) is told so, and told to
 * ask for a longer validity where that is what helps.
 */
type ExpiryCase =
  /** The program refuses a lifetime this short (LEAF_VALIDITY_OUT_OF_RANGE too): renewing it the same way does not help. */
  | "too-short-for-program"
  /** Its whole lifetime is within the renewal lead time: every renewal would start the day it is issued. */
  | "shorter-than-lead"
  /** Its whole lifetime fits in the warning window, but the renewal point is still ahead. */
  | "short-lived"
  /** An ordinary certificate nearing its end. */
  | "renew";

type ExpiryArgs = {
  leafName: string;
  notBefore: Date;
  notAfter: Date;
  left: number;
  lifetime: number;
  urgent: number;
  warning: number;
  renewalLeadDays: number;
  minDays?: number;
  maxDays?: number;
  case: ExpiryCase;
};

const renewBy = (a: ExpiryArgs) => isoDay(new Date(a.notAfter.getTime() - a.renewalLeadDays * DAY_MS));
const wholeLife = (a: ExpiryArgs) => `valid for ${plural(a.lifetime, "day")} in total (${isoDay(a.notBefore)} to ${isoDay(a.notAfter)})`;

export const LEAF_EXPIRES_SOON = defineFinding<ExpiryArgs>({
  code: "LEAF_EXPIRES_SOON",
  severity: "warning",
  title: "The client certificate expires inside the program's warning window",
  doc: {
    summary:
      "warning. The client certificate expires within 90 days; the message starts with \"Urgent:\" within 30 days (004). The program's renewal lead time (30 days for 000, 003) is quoted. A certificate whose whole lifetime is that short (issued today for 60 days, say) is called short-lived instead: it is not told to renew now.",
    fix: "renew and upload the replacement so both overlap before the old one expires; for a short-lived certificate, ask the CA for a longer validity (at least the program's minimum).",
  },
  sources: [
    { text: "004", quote: "90 days: 🟡 Warning (plan renewal)" },
    { text: "004", quote: "30 days: 🟠 Urgent (renew now)" },
    { text: "000", quote: "coordinating renewal with KeyBank at least 30 days before the certificate expires" },
  ],
  message: (a) => {
    switch (a.case) {
      case "too-short-for-program":
        return `${a.leafName} is ${wholeLife(a)}, so it is inside the ${a.warning}-day expiry warning from the day it was issued; this program needs a lifetime of at least ${plural(a.minDays ?? 0, "day")}.`;
      case "shorter-than-lead":
        return `${a.leafName} is short-lived: ${wholeLife(a)}, less than the ${a.renewalLeadDays} days before expiry by which renewal must be coordinated; it expires on ${isoDay(a.notAfter)}, in ${plural(a.left, "day")}.`;
      case "short-lived":
        return `${a.leafName} is short-lived: ${wholeLife(a)}, so it is inside the ${a.warning}-day expiry warning from the day it was issued; it expires in ${plural(a.left, "day")} and renewal must be coordinated ${a.renewalLeadDays} days before expiry.`;
      case "renew": {
        const isUrgent = a.left <= a.urgent;
        return `${isUrgent ? "Urgent: " : ""}${a.leafName} expires on ${isoDay(a.notAfter)}, in ${plural(a.left, "day")}${isUrgent ? ` (inside ${a.urgent} days: renew now)` : ` (inside ${a.warning} days: plan renewal)`}; renewal must be coordinated ${a.renewalLeadDays} days before expiry.`;
      }
    }
  },
  fix: (a) => {
    switch (a.case) {
      case "too-short-for-program":
        return `Renewing it the same way will not help: ask your CA for a certificate valid for at least ${plural(a.minDays ?? 0, "day")}${a.maxDays !== undefined ? ` (at most ${a.maxDays})` : ""} and upload that chain.`;
      case "shorter-than-lead":
        return `Ask your CA for a longer validity: with ${plural(a.lifetime, "day")} every renewal would have to start on the day the certificate is issued.`;
      case "short-lived":
        return `Nothing to do today: plan its replacement by ${renewBy(a)} (${a.renewalLeadDays} days before expiry), or ask your CA for a longer validity so renewals are less frequent.`;
      case "renew":
        return a.left <= Math.max(a.urgent, a.renewalLeadDays)
          ? "Renew now and upload the new chain so both overlap before the old one expires."
          : `Plan the renewal: upload the new chain by ${renewBy(a)} (${a.renewalLeadDays} days before expiry) so both overlap before the old one expires.`;
    }
  },
});

function expiryCase(a: Omit<ExpiryArgs, "case">): ExpiryCase {
  if (a.minDays !== undefined && a.lifetime < a.minDays) return "too-short-for-program";
  if (a.lifetime <= a.renewalLeadDays) return "shorter-than-lead";
  if (a.lifetime <= a.warning && a.left > a.renewalLeadDays) return "short-lived";
  return "renew";
}

export const leafValidityRule = defineRule({
  id: "leaf-validity",
  stage: "chain",
  description: "The client certificate is inside its validity period at the evaluation time, with a warning inside the program's expiry window.",
  findings: [LEAF_EXPIRED, LEAF_NOT_YET_VALID, LEAF_EXPIRES_SOON],
  check({ at, leaf, leafName, leafSubject, program, issuedBy }): Finding[] {
    const lv = leaf.view;
    const certificate = leafSubject;
    if (at.getTime() > lv.notAfter.getTime()) return [LEAF_EXPIRED.make({ leafName, notAfter: lv.notAfter, daysAgo: -daysBetween(at, lv.notAfter) }, { certificate })];
    if (at.getTime() < lv.notBefore.getTime()) return [LEAF_NOT_YET_VALID.make({ leafName, notBefore: lv.notBefore }, { certificate })];
    const left = daysBetween(at, lv.notAfter);
    const { warning, urgent } = program.rules.expiryWarningDays;
    if (left > warning) return [];
    const lifetime = Math.round((lv.notAfter.getTime() - lv.notBefore.getTime()) / DAY_MS);
    // The lifetime window the validity-window rule applies (it does not judge a self-signed leaf).
    const window = lv.selfSigned ? undefined : issuedBy === "self-signed" ? program.rules.leafValidityDays.selfSigned : program.rules.leafValidityDays.caIssued;
    const args: Omit<ExpiryArgs, "case"> = { leafName, notBefore: lv.notBefore, notAfter: lv.notAfter, left, lifetime, urgent, warning, renewalLeadDays: program.rules.renewalLeadDays };
    if (window?.minDays !== undefined) args.minDays = window.minDays;
    if (window?.maxDays !== undefined) args.maxDays = window.maxDays;
    return [LEAF_EXPIRES_SOON.make({ ...args, case: expiryCase(args) }, { certificate })];
  },
});
