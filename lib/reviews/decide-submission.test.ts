/** Issue 16: one decision command, distinct audit names per event, the second-approval notice resolving itself, "you approved" in the queue. */
import { and, asc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditEvents, notifications, submissions, type Database } from "@/lib/db";
import { setupTestDatabase } from "@/lib/db/testing";
import { AppError } from "@/lib/auth/app-error";
import { verifyAuditChain } from "@/lib/audit";
import { withdrawSubmission } from "@/lib/submissions/withdraw-submission";
import { decideSubmission } from "./decide-submission";
import { listQueue } from "./list-queue";
import { createTestSubmission, seedReviewFixture, type ReviewFixture } from "./testing";

const t = setupTestDatabase();
let f: ReviewFixture;

beforeAll(async () => {
  f = await seedReviewFixture(t.current.db);
});

const production = () => ({ appId: f.apps.acmeCheckout, environmentKey: "production", createdBy: f.users.acme.id });
const stage = () => ({ appId: f.apps.acmeCheckout, environmentKey: "stage", createdBy: f.users.acme.id });

async function trail(db: Database, submissionId: string) {
  const rows = await db
    .select({ action: auditEvents.action, outcome: auditEvents.outcome, actor: auditEvents.actorEmail })
    .from(auditEvents)
    .where(and(eq(auditEvents.targetType, "submission"), eq(auditEvents.targetId, submissionId)))
    .orderBy(asc(auditEvents.seq));
  return rows.map((r) => `${r.action} ${r.outcome} ${r.actor}`);
}

async function approvalNotices(db: Database, submissionId: string) {
  return db
    .select({ userId: notifications.userId, readAt: notifications.readAt })
    .from(notifications)
    .where(and(eq(notifications.kind, "review.approval-needed"), eq(notifications.link, `/reviews/${submissionId}`)));
}

describe("decideSubmission: the three outcomes of the one form", () => {
  it("takes each outcome through its own command", () =>
    t.current.rollback(async (db) => {
      const a = await createTestSubmission(db, stage());
      expect(await decideSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: a.id, outcome: "approve", comment: "" })).toMatchObject({
        outcome: "approve",
        approval: { status: "approved", approvals: 1, approvalsRequired: 1 },
      });
      const b = await createTestSubmission(db, stage());
      await decideSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: b.id, outcome: "request_changes", comment: "Send the full chain." });
      const c = await createTestSubmission(db, stage());
      await decideSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: c.id, outcome: "reject", comment: "Wrong CA." });
      const status = async (id: string) => (await db.select({ s: submissions.status }).from(submissions).where(eq(submissions.id, id)))[0]!.s;
      expect([await status(a.id), await status(b.id), await status(c.id)]).toEqual(["approved", "changes_requested", "rejected"]);
    }));

  it("still refuses a rejection without a comment when called directly (the domain rule, not only the form's)", () =>
    t.current.rollback(async (db) => {
      const s = await createTestSubmission(db, stage());
      const error = await decideSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: s.id, outcome: "reject", comment: " " }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("INVALID_INPUT");
    }));
});

describe("audit: one approval, distinct action names (issue 16 item 10)", () => {
  it("each reviewer's approval is review.approve; the one that completes it is followed by submission.approve; a refused attempt is review.approve refused", () =>
    t.current.rollback(async (db) => {
      const s = await createTestSubmission(db, production());
      await decideSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: s.id, outcome: "approve", comment: "" });
      await expect(decideSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: s.id, outcome: "approve", comment: "" })).rejects.toThrow(/already approved/);
      await decideSubmission({ db }, { reviewer: f.users.reviewer2, submissionId: s.id, outcome: "approve", comment: "" });
      expect(await trail(db, s.id)).toEqual([
        "review.approve success reviewer1@certdesk.test",
        "review.approve refused reviewer1@certdesk.test",
        "review.approve success reviewer2@certdesk.test",
        "submission.approve success reviewer2@certdesk.test",
      ]);
      expect((await verifyAuditChain(db)).ok).toBe(true);
    }));

  it("a single-approval environment records the approval and the submission's approval under different names, once each", () =>
    t.current.rollback(async (db) => {
      const s = await createTestSubmission(db, stage());
      await decideSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: s.id, outcome: "approve", comment: "" });
      const names = (await trail(db, s.id)).map((line) => line.split(" ")[0]);
      expect(names).toEqual(["review.approve", "submission.approve"]);
      expect(new Set(names).size).toBe(names.length);
    }));
});

describe("the second-approval notice resolves itself (issue 16)", () => {
  it("is unread for the other reviewers after the first approval, and read for all once the second approval lands", () =>
    t.current.rollback(async (db) => {
      const s = await createTestSubmission(db, production());
      await decideSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: s.id, outcome: "approve", comment: "" });
      const before = await approvalNotices(db, s.id);
      expect(before.map((n) => n.userId)).toContain(f.users.reviewer2.id);
      expect(before.map((n) => n.userId)).not.toContain(f.users.reviewer1.id);
      expect(before.every((n) => n.readAt === null)).toBe(true);

      await decideSubmission({ db }, { reviewer: f.users.reviewer2, submissionId: s.id, outcome: "approve", comment: "" });
      const after = await approvalNotices(db, s.id);
      expect(after).toHaveLength(before.length);
      expect(after.every((n) => n.readAt !== null)).toBe(true);
    }));

  it("resolves when the submission leaves review another way: changes requested, or withdrawn by the partner", () =>
    t.current.rollback(async (db) => {
      const a = await createTestSubmission(db, production());
      const b = await createTestSubmission(db, production());
      const other = await createTestSubmission(db, production());
      for (const s of [a, b, other]) await decideSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: s.id, outcome: "approve", comment: "" });
      await decideSubmission({ db }, { reviewer: f.users.reviewer2, submissionId: a.id, outcome: "request_changes", comment: "Add the intermediate." });
      await withdrawSubmission({ db }, { actor: { kind: "user", user: f.users.acme }, submissionId: b.id });
      expect((await approvalNotices(db, a.id)).every((n) => n.readAt !== null)).toBe(true);
      expect((await approvalNotices(db, b.id)).every((n) => n.readAt !== null)).toBe(true);
      // Only the submissions decided: another one still waiting keeps its notice unread.
      const waiting = await approvalNotices(db, other.id);
      expect(waiting.length).toBeGreaterThan(0);
      expect(waiting.every((n) => n.readAt === null)).toBe(true);
    }));
});

describe("the queue says 'you approved' (issue 16)", () => {
  it("marks the items the viewer approved, for them only", () =>
    t.current.rollback(async (db) => {
      const mine = await createTestSubmission(db, production());
      const untouched = await createTestSubmission(db, production());
      await decideSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: mine.id, outcome: "approve", comment: "" });
      const flag = async (viewer: typeof f.users.reviewer1) => {
        const page = await listQueue(db, { viewer, filters: { status: "in_review", pageSize: 100 } });
        const byId = new Map(page.items.map((i) => [i.id, i]));
        return [byId.get(mine.id)?.approvedByViewer, byId.get(untouched.id)?.approvedByViewer, byId.get(mine.id)?.approvals];
      };
      expect(await flag(f.users.reviewer1)).toEqual([true, false, 1]);
      expect(await flag(f.users.reviewer2)).toEqual([false, false, 1]);
    }));
});
