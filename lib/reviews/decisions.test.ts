import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditEvents, certificates, emailOutbox, findings, notifications, reviews, submissions, type Database } from "@/lib/db";
import { setupTestDatabase } from "@/lib/db/testing";
import { AppError } from "@/lib/auth/app-error";
import { verifyAuditChain } from "@/lib/audit";
import { acknowledgeWarning } from "./acknowledge-warning";
import { approveSubmission } from "./approve-submission";
import { AlreadyDecidedError } from "./decide";
import { rejectSubmission } from "./reject-submission";
import { requestChanges } from "./request-changes";
import { addMembership, createTestSubmission, seedReviewFixture, type ReviewFixture } from "./testing";

const t = setupTestDatabase();
let f: ReviewFixture;

beforeAll(async () => {
  f = await seedReviewFixture(t.current.db);
});

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

async function statusOf(db: Database, id: string) {
  const [row] = await db.select({ status: submissions.status, version: submissions.version }).from(submissions).where(eq(submissions.id, id));
  return row!;
}

async function audits(db: Database, action: string, outcome: "success" | "refused") {
  return db.select().from(auditEvents).where(and(eq(auditEvents.action, action), eq(auditEvents.outcome, outcome)));
}

const production = () => ({ appId: f.apps.acmeCheckout, environmentKey: "production", createdBy: f.users.acme.id });
const stage = () => ({ appId: f.apps.acmeCheckout, environmentKey: "stage", createdBy: f.users.acme.id });

describe("four eyes", () => {
  it("production needs two approvals by two different reviewers; the same reviewer twice is refused", () =>
    t.current.rollback(async (db) => {
      const s = await createTestSubmission(db, production());
      const first = await approveSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: s.id });
      expect(first).toMatchObject({ status: "in_review", approvals: 1, approvalsRequired: 2 });
      expect((await statusOf(db, s.id)).status).toBe("in_review");

      const again = await refusal(approveSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: s.id }));
      expect(again.code).toBe("FORBIDDEN");
      expect(again.message).toMatch(/already approved.*different reviewer/);
      expect((await statusOf(db, s.id)).status).toBe("in_review");

      const second = await approveSubmission({ db }, { reviewer: f.users.reviewer2, submissionId: s.id });
      expect(second).toMatchObject({ status: "approved", approvals: 2 });
      expect((await statusOf(db, s.id)).status).toBe("approved");
      const certs = await db.select({ status: certificates.status }).from(certificates).where(eq(certificates.submissionId, s.id));
      expect(certs.map((c) => c.status)).toEqual(["approved", "approved"]);

      // The other reviewer was asked for the second approval; the partner heard of the approval only.
      const forReviewer2 = await db.select().from(notifications).where(eq(notifications.userId, f.users.reviewer2.id));
      expect(forReviewer2.map((n) => n.kind)).toEqual(["review.approval-needed"]);
      const forPartner = await db.select().from(notifications).where(eq(notifications.userId, f.users.acme.id));
      expect(forPartner.map((n) => n.kind)).toEqual(["submission.approved"]);
      const mails = await db.select().from(emailOutbox).where(eq(emailOutbox.to, "partner@acme.test"));
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toContain("Approved");

      // One "review.approve" per reviewer's approval, one "submission.approve" when the submission became approved (issue 16 item 10).
      expect(await audits(db, "review.approve", "success")).toHaveLength(2);
      expect(await audits(db, "submission.approve", "success")).toHaveLength(1);
      expect(await audits(db, "review.approve", "refused")).toHaveLength(1);
      expect((await verifyAuditChain(db)).ok).toBe(true);
    }));

  it("other environments need one approval", () =>
    t.current.rollback(async (db) => {
      const s = await createTestSubmission(db, stage());
      expect(await approveSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: s.id })).toMatchObject({ status: "approved", approvals: 1, approvalsRequired: 1 });
    }));

  it("the database refuses a second approval row by the same reviewer even if code forgot to check", () =>
    t.current.rollback(async (db) => {
      const s = await createTestSubmission(db, production());
      await db.insert(reviews).values({ submissionId: s.id, reviewerId: f.users.reviewer1.id, decision: "approve" });
      await expect(
        db.transaction((tx) => tx.insert(reviews).values({ submissionId: s.id, reviewerId: f.users.reviewer1.id, decision: "approve" })),
      ).rejects.toThrow();
    }));
});

describe("independence and roles", () => {
  it("nobody approves a submission they made", () =>
    t.current.rollback(async (db) => {
      const s = await createTestSubmission(db, { ...production(), createdBy: f.users.reviewer1.id });
      const e = await refusal(approveSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: s.id }));
      expect(e.code).toBe("FORBIDDEN");
      expect(e.message).toMatch(/You made this submission/);
    }));

  it("a reviewer who belongs to the submitting organisation cannot approve, request changes or reject", () =>
    t.current.rollback(async (db) => {
      const insider = await addMembership(db, f.users.reviewer2, f.orgs.acme, "partner");
      const s = await createTestSubmission(db, production());
      // One at a time: the test transaction is one connection.
      for (const attempt of [
        () => approveSubmission({ db }, { reviewer: insider, submissionId: s.id }),
        () => requestChanges({ db }, { reviewer: insider, submissionId: s.id, comment: "x" }),
        () => rejectSubmission({ db }, { reviewer: insider, submissionId: s.id, comment: "x" }),
      ]) {
        const e = await refusal(attempt());
        expect(e.code).toBe("FORBIDDEN");
        expect(e.message).toMatch(/You belong to Acme Payments Ltd/);
      }
      // A submission of another organisation is fine for the same reviewer.
      const other = await createTestSubmission(db, { appId: f.apps.globexPayouts, environmentKey: "stage", createdBy: f.users.globex.id });
      expect((await approveSubmission({ db }, { reviewer: insider, submissionId: other.id })).status).toBe("approved");
      expect(await audits(db, "review.approve", "refused")).toHaveLength(1);
    }));

  it("partners (own or other organisation), support and admins cannot take review actions; refusals are audited", () =>
    t.current.rollback(async (db) => {
      const s = await createTestSubmission(db, production());
      for (const user of [f.users.acme, f.users.globex, f.users.support, f.users.admin]) {
        const e = await refusal(approveSubmission({ db }, { reviewer: user, submissionId: s.id }));
        expect(e.code).toBe("FORBIDDEN");
        expect(e.message).toBe("Only reviewers can decide on submissions.");
        expect((await refusal(rejectSubmission({ db }, { reviewer: user, submissionId: s.id, comment: "no" }))).code).toBe("FORBIDDEN");
      }
      expect((await statusOf(db, s.id)).status).toBe("in_review");
      expect(await db.select().from(reviews).where(eq(reviews.submissionId, s.id))).toEqual([]);
      expect(await audits(db, "review.approve", "refused")).toHaveLength(4);
    }));

  it("a partner holding a 'reviewer' role in its own partner organisation is still not a reviewer", () =>
    t.current.rollback(async (db) => {
      const selfMade = await addMembership(db, f.users.globex, f.orgs.globex, "reviewer");
      const s = await createTestSubmission(db, stage());
      expect((await refusal(approveSubmission({ db }, { reviewer: selfMade, submissionId: s.id }))).code).toBe("FORBIDDEN");
    }));

  it("an unknown or malformed submission id is not found", () =>
    t.current.rollback(async (db) => {
      expect((await refusal(approveSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: "1; drop table" }))).code).toBe("NOT_FOUND");
      expect((await refusal(approveSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: "00000000-0000-4000-8000-000000000000" }))).code).toBe("NOT_FOUND");
    }));
});

describe("comments, findings and state", () => {
  it("request changes and reject need a comment; the partner gets it in-app and by e-mail", () =>
    t.current.rollback(async (db) => {
      const s = await createTestSubmission(db, production());
      for (const comment of ["", "   "]) {
        const e = await refusal(requestChanges({ db }, { reviewer: f.users.reviewer1, submissionId: s.id, comment }));
        expect(e.code).toBe("INVALID_INPUT");
        expect(e.message).toMatch(/comment is required/);
        expect((await refusal(rejectSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: s.id, comment }))).code).toBe("INVALID_INPUT");
      }
      expect((await statusOf(db, s.id)).status).toBe("in_review");
      const done = await requestChanges({ db }, { reviewer: f.users.reviewer1, submissionId: s.id, comment: "Use a 2048-bit key <b>please</b>" });
      expect(done.status).toBe("changes_requested");
      const [n] = await db.select().from(notifications).where(eq(notifications.userId, f.users.acme.id));
      expect(n!.kind).toBe("submission.changes_requested");
      expect(n!.body).toContain("Use a 2048-bit key");
      expect(n!.link).toBe(`/apps/${f.apps.acmeCheckout}/environments/production`);
      const [mail] = await db.select().from(emailOutbox).where(eq(emailOutbox.to, "partner@acme.test"));
      expect(mail!.html).toContain("&lt;b&gt;please");
    }));

  it("a decided submission refuses further decisions, naming the status and who decided", () =>
    t.current.rollback(async (db) => {
      const s = await createTestSubmission(db, production());
      await rejectSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: s.id, comment: "Wrong company in the subject." });
      const e = await refusal(approveSubmission({ db }, { reviewer: f.users.reviewer2, submissionId: s.id }));
      expect(e).toBeInstanceOf(AlreadyDecidedError);
      expect(e.code).toBe("CONFLICT");
      expect(e.message).toMatch(/already decided: now rejected by Rita Reviewer/);
      expect((e as AlreadyDecidedError).current).toMatchObject({ status: "rejected", decidedBy: ["Rita Reviewer"] });
    }));

  it("errors block approval", () =>
    t.current.rollback(async (db) => {
      const s = await createTestSubmission(db, { ...stage(), errors: ["CHAIN_INCOMPLETE"], verdict: "accepted" });
      const e = await refusal(approveSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: s.id }));
      expect(e.code).toBe("CONFLICT");
      expect(e.message).toMatch(/Errors block approval \(CHAIN_INCOMPLETE\)/);
    }));

  it("each warning needs a reviewer's acknowledgement with a comment; the partner's own does not count", () =>
    t.current.rollback(async (db) => {
      const s = await createTestSubmission(db, { ...stage(), warnings: ["KEY_SIZE_UNEXPECTED", "REVOCATION_UNKNOWN"] });
      // What submit-for-review records: the partner acknowledged both.
      await db.update(findings).set({ acknowledgedBy: f.users.acme.id, acknowledgement: "Acknowledged by the partner" }).where(eq(findings.submissionId, s.id));
      const e = await refusal(approveSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: s.id }));
      expect(e.message).toMatch(/Acknowledge each warning.*KEY_SIZE_UNEXPECTED, REVOCATION_UNKNOWN/);

      const rows = await db.select().from(findings).where(eq(findings.submissionId, s.id));
      const keySize = rows.find((r) => r.code === "KEY_SIZE_UNEXPECTED")!;
      expect((await refusal(acknowledgeWarning({ db }, { reviewer: f.users.reviewer1, submissionId: s.id, findingId: keySize.id, comment: " " }))).code).toBe("INVALID_INPUT");
      expect((await refusal(acknowledgeWarning({ db }, { reviewer: f.users.acme, submissionId: s.id, findingId: keySize.id, comment: "fine" }))).code).toBe("FORBIDDEN");
      await acknowledgeWarning({ db }, { reviewer: f.users.reviewer1, submissionId: s.id, findingId: keySize.id, comment: "4096 bits is stronger than asked." });
      const again = await refusal(approveSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: s.id }));
      expect(again.message).toMatch(/REVOCATION_UNKNOWN\.$/);

      // A finding id of another submission is not found here.
      const other = await createTestSubmission(db, { appId: f.apps.acmeTreasury, environmentKey: "sandbox", warnings: ["X_WARNING"] });
      const [foreign] = await db.select().from(findings).where(eq(findings.submissionId, other.id));
      expect((await refusal(acknowledgeWarning({ db }, { reviewer: f.users.reviewer1, submissionId: s.id, findingId: foreign!.id, comment: "ok" }))).code).toBe("NOT_FOUND");

      const revocation = rows.find((r) => r.code === "REVOCATION_UNKNOWN")!;
      await acknowledgeWarning({ db }, { reviewer: f.users.reviewer2, submissionId: s.id, findingId: revocation.id, comment: "OCSP responder was down; CA confirmed by phone." });
      expect((await approveSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: s.id })).status).toBe("approved");
      const [ack] = await db.select().from(findings).where(eq(findings.id, revocation.id));
      expect(ack).toMatchObject({ acknowledgedBy: f.users.reviewer2.id, acknowledgement: "OCSP responder was down; CA confirmed by phone." });
      expect(await audits(db, "finding.acknowledge", "success")).toHaveLength(2);
    }));
});
