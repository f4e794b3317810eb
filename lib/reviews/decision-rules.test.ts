import { describe, expect, it } from "vitest";
import { commentRequired, parseDecision } from "./decision-rules";
import { subjectHeadline } from "./subject";

describe("parseDecision: the review page's one decision form (issue 16)", () => {
  it("approves without a comment, trimming one if given", () => {
    expect(parseDecision({ outcome: "approve", comment: "" })).toEqual({ ok: true, value: { outcome: "approve", comment: "" } });
    expect(parseDecision({ outcome: "approve", comment: "  looks right \n" })).toEqual({ ok: true, value: { outcome: "approve", comment: "looks right" } });
  });

  it("requires a comment to request changes or reject, and says so on the comment field", () => {
    expect(commentRequired("approve")).toBe(false);
    expect(commentRequired("request_changes")).toBe(true);
    expect(commentRequired("reject")).toBe(true);
    expect(parseDecision({ outcome: "request_changes", comment: "   " })).toEqual({ ok: false, fieldErrors: { comment: "Say what the partner must change: they read this comment." } });
    expect(parseDecision({ outcome: "reject", comment: undefined })).toEqual({ ok: false, fieldErrors: { comment: "Say why it is rejected: the partner reads this comment." } });
    expect(parseDecision({ outcome: "reject", comment: "Wrong CA." })).toEqual({ ok: true, value: { outcome: "reject", comment: "Wrong CA." } });
  });

  it("refuses a missing or unknown outcome and an overlong comment", () => {
    expect(parseDecision({ outcome: undefined, comment: "x" })).toEqual({ ok: false, fieldErrors: { outcome: "Choose an outcome: approve, request changes or reject." } });
    expect(parseDecision({ outcome: "approve-all", comment: "" })).toMatchObject({ ok: false, fieldErrors: { outcome: expect.stringMatching(/Choose an outcome/) } });
    const long = parseDecision({ outcome: "approve", comment: "a".repeat(4_001) });
    expect(long).toEqual({ ok: false, fieldErrors: { comment: "The comment is too long (4,001 characters; at most 4,000)." } });
  });
});

describe("subjectHeadline: long DNs show their common name first (issue 16)", () => {
  it("picks the CN wherever it sits, and keeps the full name", () => {
    const dn = "C=FR, ST=IdF, L=Paris, O=Globex Financial, CN=cards.globex.test, E=pki@globex.test";
    expect(subjectHeadline(dn)).toEqual({ headline: "cards.globex.test", full: dn, shortened: true });
  });

  it("falls back to the organisation, then to the whole string; escaped commas stay inside a value", () => {
    expect(subjectHeadline("C=FR, O=Acme Payments").headline).toBe("Acme Payments");
    expect(subjectHeadline("CN=Acme\\, Inc. client, O=Acme").headline).toBe("Acme, Inc. client");
    expect(subjectHeadline("CN=only")).toEqual({ headline: "only", full: "CN=only", shortened: true });
    expect(subjectHeadline("not a dn")).toEqual({ headline: "not a dn", full: "not a dn", shortened: false });
  });
});
