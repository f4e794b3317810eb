/**
 * Concurrent decisions against a real PostgreSQL server: many connections, real row locks.
 * PGlite runs one transaction at a time, so it cannot show a race; this file needs
 * TEST_DATABASE_URL (CI sets it; locally: `bash scripts/pg-server.sh start` and
 * `export TEST_DATABASE_URL=$(bash scripts/pg-server.sh url)`).
 */
import { and, eq, inArray, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, reviews, submissions, type Database } from "@/lib/db";
import { openDatabase, type OpenDatabase } from "@/lib/db/client";
import { setupTestDatabase } from "@/lib/db/testing";
import { verifyAuditChain } from "@/lib/audit";
import { isAppError } from "@/lib/auth/app-error";
import type { SessionUser } from "@/lib/auth/access";
import { approveSubmission } from "./approve-submission";
import { AlreadyDecidedError } from "./decide";
import { rejectSubmission } from "./reject-submission";
import { requestChanges } from "./request-changes";
import { createReviewer, createTestSubmission, seedReviewFixture, type ReviewFixture } from "./testing";

const SERVER = process.env.TEST_DATABASE_URL;
if (!SERVER) {
  console.warn("lib/reviews/race.test.ts: SKIPPED — TEST_DATABASE_URL is not set; the race test needs a PostgreSQL server (scripts/pg-server.sh).");
}

describe.skipIf(!SERVER)("concurrent decisions on a PostgreSQL server", () => {
  const t = setupTestDatabase();
  let pool: OpenDatabase;
  let f: ReviewFixture;
  let reviewers: SessionUser[];

  beforeAll(async () => {
    expect(t.current.kind).toBe("postgres");
    f = await seedReviewFixture(t.current.db);
    reviewers = [];
    for (let i = 0; i < 50; i++) reviewers.push(await createReviewer(t.current.db, { email: `racer${i}@certdesk.test`, name: `Racer ${i}` }));
    // A second pool of 10 connections: decisions run on separate sessions and meet real row locks.
    pool = await openDatabase({ kind: "postgres", url: t.current.url! });
  });

  afterAll(async () => {
    await pool?.close();
  });

  // One event per reviewer's decision; "submission.approve" (the submission becoming approved) follows the approval that completes it.
  const DECISION_ACTIONS = ["review.approve", "submission.request_changes", "submission.reject"];

  async function outcomes(db: Database, id: string) {
    const events = await db
      .select({ action: auditEvents.action, outcome: auditEvents.outcome })
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, id), inArray(auditEvents.action, DECISION_ACTIONS)));
    return {
      success: events.filter((e) => e.outcome === "success").length,
      refused: events.filter((e) => e.outcome === "refused").length,
    };
  }

  function settle(promises: Promise<unknown>[]) {
    return Promise.allSettled(promises).then((results) => ({
      accepted: results.filter((r) => r.status === "fulfilled").length,
      refused: results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : [])),
    }));
  }

  it("50 reviewers deciding one single-approval submission at once: exactly one decision is recorded", async () => {
    const s = await createTestSubmission(t.current.db, { appId: f.apps.acmeCheckout, environmentKey: "stage", createdBy: f.users.acme.id });
    const db = pool.db;
    const { accepted, refused } = await settle(
      reviewers.map((reviewer, i) => {
        switch (i % 3) {
          case 0:
            return approveSubmission({ db }, { reviewer, submissionId: s.id });
          case 1:
            return requestChanges({ db }, { reviewer, submissionId: s.id, comment: `changes from ${i}` });
          default:
            return rejectSubmission({ db }, { reviewer, submissionId: s.id, comment: `reject from ${i}` });
        }
      }),
    );
    expect(accepted).toBe(1);
    expect(refused).toHaveLength(49);
    for (const e of refused) {
      expect(e).toBeInstanceOf(AlreadyDecidedError);
      expect((e as Error).message).toMatch(/^This submission was already decided: now (approved|changes requested|rejected) by Racer \d+/);
    }
    const [row] = await t.current.db.select().from(submissions).where(eq(submissions.id, s.id));
    expect(row!.version).toBe(1); // exactly one state change
    expect(["approved", "changes_requested", "rejected"]).toContain(row!.status);
    expect(await t.current.db.select().from(reviews).where(eq(reviews.submissionId, s.id))).toHaveLength(1);
    expect(await outcomes(t.current.db, s.id)).toEqual({ success: 1, refused: 49 });
    // The refused reviewers were told the state the winner left behind.
    expect((refused[0] as AlreadyDecidedError).current.status).toBe(row!.status);
  });

  it("50 reviewers approving a production submission at once: exactly two approvals, then approved", async () => {
    const s = await createTestSubmission(t.current.db, { appId: f.apps.acmeCheckout, environmentKey: "production", createdBy: f.users.acme.id });
    const db = pool.db;
    const { accepted, refused } = await settle(reviewers.map((reviewer) => approveSubmission({ db }, { reviewer, submissionId: s.id })));
    expect(accepted).toBe(2);
    expect(refused).toHaveLength(48);
    expect(refused.every((e) => e instanceof AlreadyDecidedError && /now approved by Racer \d+ and Racer \d+/.test(e.message))).toBe(true);
    const [row] = await t.current.db.select().from(submissions).where(eq(submissions.id, s.id));
    expect(row).toMatchObject({ status: "approved", version: 2 });
    const approvals = await t.current.db.select().from(reviews).where(eq(reviews.submissionId, s.id));
    expect(new Set(approvals.map((a) => a.reviewerId)).size).toBe(2);
    expect(await outcomes(t.current.db, s.id)).toEqual({ success: 2, refused: 48 });
    const approved = await t.current.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, s.id), eq(auditEvents.action, "submission.approve")));
    expect(approved.map((e) => e.outcome)).toEqual(["success"]);
  });

  it("one reviewer approving ten times at once (double clicks, retries): one approval", async () => {
    const s = await createTestSubmission(t.current.db, { appId: f.apps.acmeTreasury, environmentKey: "production", createdBy: f.users.acme.id });
    const db = pool.db;
    const { accepted, refused } = await settle(Array.from({ length: 10 }, () => approveSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: s.id })));
    expect(accepted).toBe(1);
    expect(refused.every((e) => isAppError(e) && e.code === "FORBIDDEN" && /already approved/.test(e.message))).toBe(true);
    const [row] = await t.current.db.select().from(submissions).where(eq(submissions.id, s.id));
    expect(row).toMatchObject({ status: "in_review", version: 1 });
  });

  it("the audit chain written by all these concurrent transactions verifies", async () => {
    const verified = await verifyAuditChain(t.current.db);
    expect(verified.ok).toBe(true);
    const racers = await t.current.db.select({ action: auditEvents.action }).from(auditEvents).where(like(auditEvents.actorEmail, "racer%"));
    // One event per attempt, plus "submission.approve" after each approval that completed a submission (the production one, and the single-approval one if an approval won).
    expect(racers.filter((e) => e.action !== "submission.approve").length).toBe(50 + 50);
    expect(racers.filter((e) => e.action === "submission.approve").length).toBeGreaterThanOrEqual(1);
  });
});
