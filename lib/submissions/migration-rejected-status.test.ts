/** Issue 16: migration 0011 turns the drafts stored before it with a rejected verdict into `rejected`; accepted drafts stay drafts. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { submissions } from "@/lib/db";
import { acmeChain, asUser, pemFile, setupHarness } from "./testing";
import { createSubmission } from "./create-submission";

const h = setupHarness();

describe("migration 0011_issue16_rejected_status", () => {
  it("re-labels old drafts whose verdict has errors as rejected (decided at upload), and leaves accepted drafts alone", async () => {
    const { db, storage, now, users, apps } = h.current;
    const deps = { db, storage, now };
    const bad = await acmeChain("migrated-bad");
    const good = await acmeChain("migrated-good");
    const rejected = await createSubmission(deps, { actor: asUser(users.acme), appId: apps.acmeCheckout, environmentKey: "production", purpose: "signature", files: [pemFile("bad.pem", bad.root, bad.ica, bad.leaf)] });
    const draft = await createSubmission(deps, { actor: asUser(users.acme), appId: apps.acmeCheckout, environmentKey: "production", purpose: "signature", files: [pemFile("good.pem", good.leaf, good.ica, good.root)] });
    if (rejected.outcome !== "created" || draft.outcome !== "created") throw new Error("not stored");
    // As the portal stored it before issue 16: a draft with a rejected verdict.
    await db.update(submissions).set({ status: "draft", decidedAt: null }).where(eq(submissions.id, rejected.submission.id));

    const text = await readFile(path.join(process.cwd(), "lib/db/migrations/0011_issue16_rejected_status.sql"), "utf8");
    await db.execute(sql.raw(text));

    const [old] = await db.select().from(submissions).where(eq(submissions.id, rejected.submission.id));
    expect(old).toMatchObject({ status: "rejected", verdict: "rejected" });
    expect(old!.decidedAt?.getTime()).toBe(old!.createdAt.getTime());
    const [kept] = await db.select().from(submissions).where(eq(submissions.id, draft.submission.id));
    expect(kept).toMatchObject({ status: "draft", verdict: "accepted", decidedAt: null });
  });
});
