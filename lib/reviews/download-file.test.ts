/** Issue 16: reviewers download what the partner uploaded from the review page; each download (and each refusal) is audited. */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, memberships, users } from "@/lib/db";
import { loadSessionUser } from "@/lib/auth/access";
import { AppError } from "@/lib/auth/app-error";
import { createSubmission } from "@/lib/submissions/create-submission";
import { acmeChain, asUser, pemFile, setupHarness } from "@/lib/submissions/testing";
import { downloadReviewFile } from "./download-file";
import { getReview } from "./get-review";

const h = setupHarness();

async function upload() {
  const { db, storage, now, users: u, apps } = h.current;
  const chain = await acmeChain("review-download");
  const result = await createSubmission({ db, storage, now }, { actor: asUser(u.acme), appId: apps.acmeCheckout, environmentKey: "stage", files: [pemFile("client chain.pem", chain.leaf, chain.ica, chain.root)] });
  if (result.outcome !== "created") throw new Error("upload refused");
  return { id: result.submission.id, pem: chain.leaf.pem };
}

async function staff(email: string) {
  const [row] = await h.current.db.select({ id: users.id }).from(users).where(eq(users.email, email));
  return (await loadSessionUser(h.current.db, row!.id))!;
}

describe("downloadReviewFile", () => {
  it("lists the original and the normalised chain on the review page; a reviewer downloads each, audited with their name and the file id", async () => {
    const { db, storage, users: u } = h.current;
    const s = await upload();
    const view = await getReview(db, { viewer: u.reviewer, submissionId: s.id });
    expect(view.files.map((f) => [f.kind, f.name]).sort()).toEqual([
      ["normalised-chain", expect.any(String)],
      ["original", "client chain.pem"],
    ]);
    for (const file of view.files) {
      const got = await downloadReviewFile({ db, storage }, { viewer: u.reviewer, submissionId: s.id, fileId: file.id, meta: { ip: "127.0.0.1" } });
      expect(new TextDecoder().decode(got.bytes)).toContain(s.pem.trim().split("\n")[1]);
      const [event] = await db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, "submission.file.download"), eq(auditEvents.targetId, s.id), eq(auditEvents.actorUserId, u.reviewer.id), eq(auditEvents.outcome, "success"), eq(auditEvents.details, { via: "portal", fileId: file.id, kind: file.kind, size: file.size })));
      expect(event).toMatchObject({ actorEmail: "reviewer1@certdesk.test" });
    }
    // The review page's own trail shows them.
    const after = await getReview(db, { viewer: u.reviewer, submissionId: s.id });
    expect(after.audit.filter((e) => e.action === "submission.file.download")).toHaveLength(2);
  });

  it("refuses support staff (they do not review) and a partner of another organisation, auditing the refusal, without revealing the file", async () => {
    const { db, storage, users: u } = h.current;
    const s = await upload();
    const fileId = (await getReview(db, { viewer: u.reviewer, submissionId: s.id })).files[0]!.id;
    for (const viewer of [await staff("support@certdesk.test"), u.globex]) {
      const error = await downloadReviewFile({ db, storage }, { viewer, submissionId: s.id, fileId }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("NOT_FOUND");
      const refused = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "submission.file.download"), eq(auditEvents.outcome, "refused"), eq(auditEvents.actorUserId, viewer.id), eq(auditEvents.targetId, s.id)));
      expect(refused).toHaveLength(1);
    }
    // A reviewer membership in a partner organisation grants nothing (reviewing is the provider's role).
    await db.insert(memberships).values({ userId: u.globex.id, organisationId: h.current.globexOrgId, role: "reviewer" }).onConflictDoNothing();
    const selfMade = await loadSessionUser(db, u.globex.id);
    await expect(downloadReviewFile({ db, storage }, { viewer: selfMade!, submissionId: s.id, fileId })).rejects.toThrow("No such submission.");
  });
});
