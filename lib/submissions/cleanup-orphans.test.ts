import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, submissionFiles } from "@/lib/db";
import { createS3Client } from "@/lib/storage";
import { acmeChain, asUser, pemFile, setupHarness } from "./testing";
import { createSubmission } from "./create-submission";
import { cleanupOrphans, s3ObjectLister } from "./cleanup-orphans";

const h = setupHarness();

describe("cleanupOrphans", () => {
  it("deletes objects no row points at once they are past the grace period, and keeps every referenced one", async () => {
    const { db, storage, config, users, apps } = h.current;
    const chain = await acmeChain("orphans");
    const created = await createSubmission({ db, storage, now: h.current.now }, { actor: asUser(users.acme), appId: apps.acmeCheckout, environmentKey: "stage", files: [pemFile("c.pem", chain.leaf, chain.ica, chain.root)] });
    if (created.outcome !== "created") throw new Error("not created");
    const kept = (await db.select({ key: submissionFiles.objectKey }).from(submissionFiles).where(eq(submissionFiles.submissionId, created.submission.id))).map((r) => r.key);
    // An orphan: what a crash between the S3 write and the database commit leaves.
    const orphan = `submissions/${crypto.randomUUID()}/${crypto.randomUUID()}`;
    await storage.putEncrypted({ key: orphan, bytes: new TextEncoder().encode("left behind"), context: { organisationId: "o", appId: "a", environmentId: "e", submissionId: "s", purpose: "original" } });

    const s3 = createS3Client(config);
    const listObjects = s3ObjectLister(s3, config.s3.bucket);
    try {
      // Within the grace period (an upload may still be committing): nothing is touched.
      const early = await cleanupOrphans({ db, storage, listObjects }, { now: new Date() });
      expect(early.deleted).toBe(0);
      expect(await storage.listKeys("submissions/")).toContain(orphan);

      const later = await cleanupOrphans({ db, storage, listObjects }, { now: new Date(Date.now() + 2 * 60 * 60 * 1000) });
      expect(later).toMatchObject({ deleted: 1, failed: 0 });
      const keys = await storage.listKeys("submissions/");
      expect(keys).not.toContain(orphan);
      for (const k of kept) expect(keys).toContain(k);
      const [event] = await db.select().from(auditEvents).where(eq(auditEvents.action, "storage.orphans_removed"));
      expect(event?.details).toMatchObject({ deleted: 1 });
    } finally {
      s3.destroy();
    }
  });
});
