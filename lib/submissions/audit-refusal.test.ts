/**
 * Issue 10, item 7: refusals of state-changing and cross-tenant requests are audit events —
 * token creation and revocation, withdraw, submit-for-review, uploads to another tenant's
 * app, and reads of another tenant's submission or certificate (the 404s).
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents } from "@/lib/db";
import { DEMO_API_TOKEN } from "@/lib/db/seed";
import { verifyAuditChain } from "@/lib/audit";
import { authenticateApiToken, createApiToken, revokeApiToken } from "@/lib/auth/api-tokens";
import { acmeChain, asUser, pemFile, setupHarness } from "./testing";
import type { Actor } from "./actor";
import { createSubmission } from "./create-submission";
import { getSubmission } from "./get-submission";
import { getActiveCertificate } from "./get-active-certificate";
import { submitForReview } from "./submit-for-review";
import { withdrawSubmission } from "./withdraw-submission";

const h = setupHarness();

async function refusals(action: string) {
  return h.current.db.select().from(auditEvents).where(and(eq(auditEvents.action, action), eq(auditEvents.outcome, "refused")));
}

async function acmeToken(): Promise<Actor> {
  const principal = await authenticateApiToken(h.current.db, `Bearer ${DEMO_API_TOKEN}`, h.current.now());
  return { kind: "token", principal: principal!, meta: { ip: "203.0.113.5", userAgent: "curl" } };
}

async function globexToken(): Promise<Actor> {
  const { db, users, now } = h.current;
  const { token } = await createApiToken(db, { user: users.globex, name: "Globex CI" });
  const principal = await authenticateApiToken(db, `Bearer ${token}`, now());
  return { kind: "token", principal: principal!, meta: { ip: "203.0.113.5", userAgent: "curl" } };
}

async function acmeDraft(): Promise<string> {
  const { db, storage, now, users, apps } = h.current;
  const chain = await acmeChain("refusals");
  const result = await createSubmission({ db, storage, now }, {
    actor: asUser(users.acme),
    appId: apps.acmeCheckout,
    environmentKey: "stage",
    files: [pemFile("chain.pem", chain.leaf, chain.ica, chain.root)],
  });
  if (result.outcome !== "created") throw new Error(`could not seed an Acme submission: ${result.outcome}`);
  return result.submission.id;
}

describe("refusals are audited", () => {
  it("a token reading, withdrawing or submitting another tenant's submission: 404 and a refused event each", async () => {
    const { db, now } = h.current;
    const id = await acmeDraft();
    const token = await globexToken();
    await expect(getSubmission({ db }, { actor: token, submissionId: id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(withdrawSubmission({ db, now }, { actor: token, submissionId: id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(submitForReview({ db, now }, { actor: token, submissionId: id, acknowledgedFindingIds: [] })).rejects.toMatchObject({ code: "NOT_FOUND" });
    for (const action of ["submission.read", "submission.withdraw", "submission.submit"]) {
      const events = (await refusals(action)).filter((e) => e.targetId === id);
      expect(events, action).toEqual([
        expect.objectContaining({ targetType: "submission", targetId: id, ip: "203.0.113.5", organisationId: token.kind === "token" ? token.principal.organisationId : null, details: expect.objectContaining({ code: "NOT_FOUND", via: "api", tokenPrefix: expect.any(String) }) }),
      ]);
    }
    // A made-up id is refused and audited the same way (ids cannot be probed, and probing shows).
    await expect(getSubmission({ db }, { actor: token, submissionId: "not-a-uuid" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await refusals("submission.read")).filter((e) => e.targetId === "not-a-uuid")).toHaveLength(1);
  });

  it("a withdrawal refused for its state is audited with the code, and the timeline does not show it", async () => {
    const { db, now, users } = h.current;
    const id = await acmeDraft();
    await withdrawSubmission({ db, now }, { actor: asUser(users.acme), submissionId: id });
    await expect(withdrawSubmission({ db, now }, { actor: asUser(users.acme), submissionId: id })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(submitForReview({ db, now }, { actor: asUser(users.acme), submissionId: id, acknowledgedFindingIds: [] })).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await refusals("submission.withdraw")).filter((e) => e.targetId === id)).toEqual([expect.objectContaining({ actorUserId: users.acme.id, details: expect.objectContaining({ code: "CONFLICT", via: "portal" }) })]);
    expect((await refusals("submission.submit")).filter((e) => e.targetId === id)).toHaveLength(1);
    const view = await getSubmission({ db }, { actor: asUser(users.acme), submissionId: id });
    expect(view.timeline.filter((e) => e.action === "submission.withdraw")).toHaveLength(1);
  });

  it("an upload to, or a certificate read of, another tenant's app is refused and audited", async () => {
    const { db, storage, now, apps } = h.current;
    const token = await acmeToken();
    const chain = await acmeChain("cross-tenant");
    await expect(
      createSubmission({ db, storage, now }, { actor: token, appId: apps.globexPayouts, environmentKey: "stage", files: [pemFile("c.pem", chain.leaf)] }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(getActiveCertificate(db, { actor: token, appId: apps.globexPayouts, environmentKey: "production" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await refusals("submission.create")).filter((e) => e.targetId === apps.globexPayouts)).toEqual([expect.objectContaining({ targetType: "developer_app", targetId: apps.globexPayouts, details: expect.objectContaining({ code: "NOT_FOUND" }) })]);
    expect((await refusals("certificate.read")).filter((e) => e.targetId === apps.globexPayouts)).toEqual([expect.objectContaining({ targetId: apps.globexPayouts, details: expect.objectContaining({ code: "NOT_FOUND", environmentKey: "production" }) })]);
    // The legitimate 404 (own app, nothing active) is not a refusal.
    await expect(getActiveCertificate(db, { actor: token, appId: apps.acmeCheckout, environmentKey: "production" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await refusals("certificate.read")).toHaveLength(1);
  });

  it("refused token creation and revocation are audited, without any token value", async () => {
    const { db, now, users } = h.current;
    await expect(createApiToken(db, { user: users.reviewer, name: "staff token" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(createApiToken(db, { user: users.acme, name: "   " })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    const { token, summary } = await createApiToken(db, { user: users.acme, name: "CI" });
    await expect(revokeApiToken(db, { user: users.globex, tokenId: summary.id, now: now() })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await refusals("api_token.create")).filter((e) => e.actorUserId !== null).map((e) => [e.actorUserId, (e.details as { code: string }).code])).toEqual([
      [users.reviewer.id, "FORBIDDEN"],
      [users.acme.id, "INVALID_INPUT"],
    ]);
    expect(await refusals("api_token.revoke")).toEqual([expect.objectContaining({ actorUserId: users.globex.id, targetId: summary.id, details: { code: "NOT_FOUND" } })]);
    const all = JSON.stringify(await db.select().from(auditEvents));
    expect(all).not.toContain(token);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });
});
