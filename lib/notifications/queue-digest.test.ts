/** Reviewers' queue digest (issue 14): one notification a day listing what entered the queue, never one per submission. */
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { emailOutbox, notifications, organisations, users } from "@/lib/db";
import { seedDemo } from "@/lib/db/seed";
import { setupTestDatabase } from "@/lib/db/testing";
import { EXAMPLE_PROGRAM_RECORDS } from "@/lib/policy";
import { createExpiryTestApp, insertLeaf } from "@/lib/expiry/testing";
import { sendQueueDigest } from "./queue-digest";

const t = setupTestDatabase();
const ids: Record<string, string> = {};

beforeAll(async () => {
  await seedDemo(t.current.db, { programs: EXAMPLE_PROGRAM_RECORDS });
  for (const u of await t.current.db.select({ id: users.id, email: users.email }).from(users)) ids[u.email] = u.id;
  for (const o of await t.current.db.select({ id: organisations.id, slug: organisations.slug }).from(organisations)) ids[o.slug] = o.id;
});

describe("reviewers' queue digest", () => {
  it("batches a busy day into one digest per reviewer, once per day, and lists only what arrived since the last one", () =>
    t.current.rollback(async (db) => {
      const org = ids["acme-payments"]!;
      const day1 = new Date("2027-05-03T07:00:00Z");
      for (let i = 0; i < 5; i++) {
        const app = await createExpiryTestApp(db, { organisationId: org });
        await insertLeaf(db, { app, organisationId: org, now: day1, expiresInDays: 300, status: "pending", submissionStatus: "in_review", createdAt: new Date(day1.getTime() - (i + 1) * 3_600_000) });
      }
      expect(await sendQueueDigest(db, { now: day1, publicUrl: "https://certdesk.example" })).toBe(5);
      // Later the same day: nothing more, whatever arrives.
      expect(await sendQueueDigest(db, { now: new Date(day1.getTime() + 3_600_000) })).toBeNull();
      const digests = async (email: string) =>
        db.select({ title: notifications.title, body: notifications.body }).from(notifications).where(and(eq(notifications.userId, ids[email]!), eq(notifications.kind, "review.queue_digest")));
      for (const reviewer of ["reviewer1@certdesk.test", "reviewer2@certdesk.test"]) {
        const [one, ...rest] = await digests(reviewer);
        expect(rest).toEqual([]);
        expect(one!.title).toBe("5 new submissions in the review queue");
        expect(one!.body.split("\n").filter((l) => l.startsWith("- "))).toHaveLength(5);
      }
      expect(await digests("partner@acme.test")).toEqual([]);
      expect(await db.select().from(emailOutbox).where(eq(emailOutbox.to, "reviewer1@certdesk.test"))).toHaveLength(1);

      // Next day: only the submission that arrived after the first digest.
      const app = await createExpiryTestApp(db, { organisationId: org });
      await insertLeaf(db, { app, organisationId: org, now: day1, expiresInDays: 300, status: "pending", submissionStatus: "in_review", createdAt: new Date(day1.getTime() + 2 * 3_600_000) });
      expect(await sendQueueDigest(db, { now: new Date(day1.getTime() + 86_400_000), publicUrl: "https://certdesk.example" })).toBe(1);
      // A quiet day sends nothing.
      expect(await sendQueueDigest(db, { now: new Date(day1.getTime() + 2 * 86_400_000) })).toBeNull();
    }));
});
