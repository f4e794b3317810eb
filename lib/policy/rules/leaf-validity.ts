/** The client certificate is valid now, and says so early when it expires soon. */
import type { Finding } from "../../pki/findings";
import { isoDay, plural } from "../messages";
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

export const LEAF_EXPIRES_SOON = defineFinding<{ leafName: string; notAfter: Date; left: number; urgent: number; warning: number; renewalLeadDays: number }>({
  code: "LEAF_EXPIRES_SOON",
  severity: "warning",
  title: "The client certificate expires inside the program's warning window",
  doc: {
    summary: "warning. The client certificate expires within 90 days; the message starts with \"Urgent:\" within 30 days (004). The program's renewal lead time (30 days for 000, 003) is quoted.",
    fix: "renew now and upload the replacement so both overlap before the old one expires.",
  },
  sources: [
    { text: "004", quote: "90 days: 🟡 Warning (plan renewal)" },
    { text: "004", quote: "30 days: 🟠 Urgent (renew now)" },
    { text: "000", quote: "coordinating renewal with KeyBank at least 30 days before the certificate expires" },
  ],
  message: (a) => {
    const isUrgent = a.left <= a.urgent;
    return `${isUrgent ? "Urgent: " : ""}${a.leafName} expires on ${isoDay(a.notAfter)}, in ${plural(a.left, "day")}${isUrgent ? ` (inside ${a.urgent} days: renew now)` : ` (inside ${a.warning} days: plan renewal)`}; renewal must be coordinated ${a.renewalLeadDays} days before expiry.`;
  },
  fix: () => "Renew now and upload the new chain so both overlap before the old one expires.",
});

export const leafValidityRule = defineRule({
  id: "leaf-validity",
  stage: "chain",
  description: "The client certificate is inside its validity period at the evaluation time, with a warning inside the program's expiry window.",
  findings: [LEAF_EXPIRED, LEAF_NOT_YET_VALID, LEAF_EXPIRES_SOON],
  check({ at, leaf, leafName, leafSubject, program }): Finding[] {
    const lv = leaf.view;
    const certificate = leafSubject;
    if (at.getTime() > lv.notAfter.getTime()) return [LEAF_EXPIRED.make({ leafName, notAfter: lv.notAfter, daysAgo: -daysBetween(at, lv.notAfter) }, { certificate })];
    if (at.getTime() < lv.notBefore.getTime()) return [LEAF_NOT_YET_VALID.make({ leafName, notBefore: lv.notBefore }, { certificate })];
    const left = daysBetween(at, lv.notAfter);
    const { warning, urgent } = program.rules.expiryWarningDays;
    if (left > warning) return [];
    return [LEAF_EXPIRES_SOON.make({ leafName, notAfter: lv.notAfter, left, urgent, warning, renewalLeadDays: program.rules.renewalLeadDays }, { certificate })];
  },
});
