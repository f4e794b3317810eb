import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { submissions } from "@/lib/db";
import { setupTestDatabase } from "@/lib/db/testing";
import { AppError } from "@/lib/auth/app-error";
import { approveSubmission } from "./approve-submission";
import { getReview } from "./get-review";
import { listQueue, parseQueueFilters, queueSearchParams } from "./list-queue";
import { requestChanges } from "./request-changes";
import { acknowledgeWarning } from "./acknowledge-warning";
import { createTestSubmission, seedReviewFixture, type ReviewFixture } from "./testing";

const t = setupTestDatabase();
let f: ReviewFixture;
beforeAll(async () => {
  f = await seedReviewFixture(t.current.db);
});

const NOW = new Date("2026-11-25T12:00:00Z"); // a Wednesday
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

describe("listQueue", () => {
  it("filters, counts per status, sorts, pages and badges against the review target", () =>
    t.current.rollback(async (db) => {
      const old = await createTestSubmission(db, { appId: f.apps.acmeCheckout, environmentKey: "production", submittedAt: daysAgo(7) }); // Wed → 5 business days
      const due = await createTestSubmission(db, { appId: f.apps.globexPayouts, environmentKey: "stage", submittedAt: daysAgo(2) }); // Mon → 2
      const fresh = await createTestSubmission(db, { appId: f.apps.acmeTreasury, environmentKey: "sandbox", submittedAt: daysAgo(0) });
      await createTestSubmission(db, { appId: f.apps.acmeTreasury, environmentKey: "production", status: "rejected", submittedAt: daysAgo(3) });
      await createTestSubmission(db, { appId: f.apps.acmeTreasury, environmentKey: "production", status: "draft" });

      const all = await listQueue(db, { viewer: f.users.reviewer1, now: NOW });
      expect(all.items.map((i) => i.id)).toEqual([old.id, due.id, fresh.id]);
      expect(all.counts).toEqual({ in_review: 3, changes_requested: 0, approved: 0, rejected: 1 });
      expect(all.items.map((i) => [i.ageBusinessDays, i.badge])).toEqual([
        [5, "overdue"],
        [2, "due"],
        [0, "on-track"],
      ]);
      expect(all.items[0]).toMatchObject({ organisationName: "Acme Payments Ltd", environmentKey: "production", production: true, approvals: 0, approvalsRequired: 2 });

      const newest = await listQueue(db, { viewer: f.users.reviewer1, now: NOW, filters: { sort: "newest" } });
      expect(newest.items.map((i) => i.id)).toEqual([fresh.id, due.id, old.id]);
      expect((await listQueue(db, { viewer: f.users.reviewer1, now: NOW, filters: { organisation: f.orgs.globex } })).items.map((i) => i.id)).toEqual([due.id]);
      const acmeCounts = await listQueue(db, { viewer: f.users.reviewer1, now: NOW, filters: { organisation: f.orgs.acme } });
      expect(acmeCounts.counts).toMatchObject({ in_review: 2, rejected: 1 });
      expect((await listQueue(db, { viewer: f.users.reviewer1, now: NOW, filters: { environment: "production" } })).items.map((i) => i.id)).toEqual([old.id]);
      expect((await listQueue(db, { viewer: f.users.reviewer1, now: NOW, filters: { program: "s2s-zip" } })).items.map((i) => i.id)).toEqual([due.id]);
      expect((await listQueue(db, { viewer: f.users.reviewer1, now: NOW, filters: { minAge: 2 } })).items.map((i) => i.id)).toEqual([old.id, due.id]);
      expect((await listQueue(db, { viewer: f.users.reviewer1, now: NOW, filters: { overdue: true } })).items.map((i) => i.id)).toEqual([old.id]);
      expect((await listQueue(db, { viewer: f.users.reviewer1, now: NOW, filters: { status: "rejected" } })).total).toBe(1);

      const page2 = await listQueue(db, { viewer: f.users.reviewer1, now: NOW, filters: { pageSize: 5, page: 1 } });
      expect(page2.pageCount).toBe(1);
    }));

  it("pages through many rows without gaps or repeats", () =>
    t.current.rollback(async (db) => {
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        // Equal submission times: the id breaks ties, so paging stays stable.
        ids.push((await createTestSubmission(db, { appId: f.apps.acmeCheckout, environmentKey: "stage", submittedAt: daysAgo(i % 2), withCertificates: false })).id);
      }
      const seen: string[] = [];
      for (let page = 1; page <= 3; page++) {
        const p = await listQueue(db, { viewer: f.users.reviewer1, now: NOW, filters: { pageSize: 5, page } });
        expect(p.pageCount).toBe(3);
        seen.push(...p.items.map((i) => i.id));
      }
      expect(seen).toHaveLength(12);
      expect(new Set(seen)).toEqual(new Set(ids));
    }));

  it("shows each row's approvals so far", () =>
    t.current.rollback(async (db) => {
      const s = await createTestSubmission(db, { appId: f.apps.acmeCheckout, environmentKey: "production", submittedAt: daysAgo(1) });
      await approveSubmission({ db, now: () => NOW }, { reviewer: f.users.reviewer1, submissionId: s.id });
      const page = await listQueue(db, { viewer: f.users.reviewer2, now: NOW });
      expect(page.items.map((i) => [i.id, i.approvals, i.approvalsRequired])).toEqual([[s.id, 1, 2]]);
    }));

  it("is for reviewers and admins only", () =>
    t.current.rollback(async (db) => {
      for (const viewer of [f.users.acme, f.users.support]) {
        await expect(listQueue(db, { viewer })).rejects.toThrow(AppError);
      }
      await expect(listQueue(db, { viewer: f.users.admin })).resolves.toBeTruthy();
    }));

  it("parses GET parameters forgivingly and writes them back", () => {
    const filters = parseQueueFilters({ status: "approved", page: "3", pageSize: "1000", organisation: "x'; drop", overdue: "1", sort: ["newest", "oldest"] });
    expect(filters).toEqual({ status: "approved", sort: "newest", page: 3, pageSize: 25, overdue: true });
    expect(queueSearchParams({ ...filters, page: 1 }).toString()).toBe("status=approved&sort=newest&overdue=1");
  });
});

describe("getReview", () => {
  it("shows findings, chain, comparison with the active certificate, history, reviews and audit trail", () =>
    t.current.rollback(async (db) => {
      await createTestSubmission(db, {
        appId: f.apps.acmeCheckout,
        environmentKey: "production",
        status: "active",
        certificateStatus: "active",
        leaf: { subject: "CN=Acme Checkout", issuer: "CN=Acme CA G1", spkiSha256: "aa".repeat(32), keyAlgorithm: "RSA", keySize: 2048 },
        submittedAt: daysAgo(300),
      });
      const s = await createTestSubmission(db, {
        appId: f.apps.acmeCheckout,
        environmentKey: "production",
        createdBy: f.users.acme.id,
        warnings: ["KEY_SIZE_UNEXPECTED"],
        leaf: { subject: "CN=Acme Checkout", issuer: "CN=Acme CA G2", spkiSha256: "bb".repeat(32), keyAlgorithm: "RSA", keySize: 4096 },
        submittedAt: daysAgo(1),
      });
      const [warning] = (await getReview(db, { viewer: f.users.reviewer1, submissionId: s.id, now: NOW })).findings;
      await acknowledgeWarning({ db }, { reviewer: f.users.reviewer1, submissionId: s.id, findingId: warning!.id, comment: "Larger key is fine." });
      await approveSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: s.id });

      const view = await getReview(db, { viewer: f.users.reviewer2, submissionId: s.id, now: NOW });
      expect(view.organisation.name).toBe("Acme Payments Ltd");
      expect(view.createdBy).toEqual({ name: "Ada Acme", email: "partner@acme.test" });
      expect(view.findings[0]).toMatchObject({ code: "KEY_SIZE_UNEXPECTED", acknowledgedByName: "Rita Reviewer", acknowledgedByReviewer: true });
      expect(view.chain.map((c) => c.role)).toEqual(["leaf", "root"]);
      const changed = Object.fromEntries(view.comparison!.rows.map((r) => [r.field, r.changed]));
      expect(changed).toMatchObject({ subject: false, issuer: true, key: true, keyAlgorithm: true, notAfter: true });
      expect(view.history.map((h) => h.status)).toEqual(["active"]);
      expect(view.approvals).toBe(1);
      expect(view.audit.map((a) => a.action)).toEqual(["finding.acknowledge", "review.approve"]);
      expect(view.cannotDecide).toBeNull();
      await approveSubmission({ db }, { reviewer: f.users.reviewer2, submissionId: s.id });
      expect((await getReview(db, { viewer: f.users.reviewer2, submissionId: s.id, now: NOW })).cannotDecide).toMatch(
        /^This submission is approved; there is nothing to decide\. Approved by Rita Reviewer and Ravi Reviewer at /,
      );
      expect(view.approveBlockers).toEqual([]);
      expect(view.age).toEqual({ businessDays: 1, target: 2, badge: "on-track" });

      const mine = await getReview(db, { viewer: f.users.reviewer1, submissionId: s.id, now: NOW });
      expect(mine.approveBlockers).toEqual(["You already approved; a different reviewer must give the next approval."]);
      const admin = await getReview(db, { viewer: f.users.admin, submissionId: s.id, now: NOW });
      expect(admin.cannotDecide).toBe("Only reviewers can decide on submissions.");
      await expect(getReview(db, { viewer: f.users.acme, submissionId: s.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(getReview(db, { viewer: f.users.reviewer1, submissionId: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }));

  it("shows a resubmission's thread: the submission it answers and what was asked", () =>
    t.current.rollback(async (db) => {
      const first = await createTestSubmission(db, { appId: f.apps.acmeCheckout, environmentKey: "stage", createdBy: f.users.acme.id });
      await requestChanges({ db }, { reviewer: f.users.reviewer1, submissionId: first.id, comment: "Put the company name in the CN." });
      const second = await createTestSubmission(db, { appId: f.apps.acmeCheckout, environmentKey: "stage", createdBy: f.users.acme.id, supersedesId: first.id });

      const view = await getReview(db, { viewer: f.users.reviewer2, submissionId: second.id, now: NOW });
      expect(view.supersedes).toMatchObject({ id: first.id, status: "changes_requested", requested: { comment: "Put the company name in the CN.", reviewerName: "Rita Reviewer" } });
      const old = await getReview(db, { viewer: f.users.reviewer2, submissionId: first.id, now: NOW });
      expect(old.supersededBy.map((x) => x.id)).toEqual([second.id]);
      expect(old.cannotDecide).toMatch(/^This submission is waiting for the partner's changes; there is nothing to decide\. Changes requested by Rita Reviewer at \d{4}-\d\d-\d\d \d\d:\d\d UTC;/);
      const [row] = await db.select().from(submissions).where(eq(submissions.id, second.id));
      expect(row!.supersedesId).toBe(first.id);
    }));
});
