import { randomUUID } from "node:crypto";
import { asc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { auditEvents } from "../db/schema";
import { setupTestDatabase } from "../db/testing";
import { GENESIS_HASH, hashAuditEvent, recordAudit, verifyAuditChain, type AuditEventInput } from "./index";

const t = setupTestDatabase();
const onServer = Boolean(process.env.TEST_DATABASE_URL);

const orgId = randomUUID();
const userId = randomUUID();

/** A realistic morning: sign-ins, a refused cross-tenant read, an upload, a review. */
const DAY: AuditEventInput[] = [
  { action: "auth.sign-in", outcome: "success", actorUserId: userId, actorEmail: "partner@acme.test", role: "partner", organisationId: orgId, ip: "203.0.113.7", userAgent: "Mozilla/5.0" },
  { action: "auth.sign-in", outcome: "refused", actorEmail: "partner@acme.test", ip: "203.0.113.7", details: { reason: "wrong-password" } },
  { action: "access.refused", outcome: "refused", actorUserId: userId, role: "partner", organisationId: orgId, targetType: "developer_app", targetId: randomUUID() },
  { action: "submission.create", outcome: "success", actorUserId: userId, organisationId: orgId, targetType: "submission", targetId: randomUUID(), details: { files: 2, verdict: "accepted", codes: ["LEAF_EXPIRES_SOON"] } },
  { action: "review.approve", outcome: "success", actorEmail: "reviewer1@certdesk.test", role: "reviewer", details: { nested: { b: 2, a: 1.5 }, when: new Date("2026-11-23T10:00:00Z") } },
  { action: "auth.sign-out", outcome: "success", actorUserId: userId, at: new Date("2026-11-23T11:00:00.123Z") },
];

async function recordDay(tx: Database) {
  const records = [];
  for (const event of DAY) records.push(await recordAudit(tx, event));
  return records;
}

/** Runs SQL as someone who bypasses the append-only triggers (an owner or DBA): what the hash chain is for. */
async function tamper(tx: Database, statement: ReturnType<typeof sql>) {
  await tx.execute(sql`alter table audit_events disable trigger user`);
  await tx.execute(statement);
  await tx.execute(sql`alter table audit_events enable trigger user`);
}

describe(`audit trail (${onServer ? "PostgreSQL server" : "PGlite"})`, () => {
  it("chains a real sequence of events, and the verifier accepts it", () =>
    t.current.rollback(async (tx) => {
      const records = await recordDay(tx);
      expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(records[0]!.prevHash).toBe(GENESIS_HASH);
      for (let i = 1; i < records.length; i++) expect(records[i]!.prevHash).toBe(records[i - 1]!.hash);
      expect(await verifyAuditChain(tx)).toEqual({ ok: true, count: 6, headHash: records[5]!.hash });
      // Small batches walk the same chain.
      expect(await verifyAuditChain(tx, { batchSize: 4 })).toEqual({ ok: true, count: 6, headHash: records[5]!.hash });
      const rows = await tx.select().from(auditEvents).orderBy(asc(auditEvents.seq));
      expect(rows[5]!.at.toISOString()).toBe("2026-11-23T11:00:00.123Z");
      expect(rows[3]).toMatchObject({ action: "submission.create", outcome: "success", organisationId: orgId, details: { files: 2 } });
    }));

  it("finds an edited event", () =>
    t.current.rollback(async (tx) => {
      await recordDay(tx);
      await tamper(tx, sql`update audit_events set outcome = 'success' where seq = 2`);
      expect(await verifyAuditChain(tx)).toMatchObject({ ok: false, count: 1, firstBadSeq: 2, reason: expect.stringMatching(/event 2 was edited/) });
    }));

  it("finds an edit inside details, and an edited event whose hash was recomputed by the editor", () =>
    t.current.rollback(async (tx) => {
      await recordDay(tx);
      await tamper(tx, sql`update audit_events set details = jsonb_set(details, '{files}', '3') where seq = 4`);
      expect(await verifyAuditChain(tx)).toMatchObject({ ok: false, firstBadSeq: 4 });
      // The editor recomputes event 4's hash to match its new contents: event 5 still points at the old one.
      const [edited] = await tx.select().from(auditEvents).where(eq(auditEvents.seq, 4));
      await tamper(tx, sql`update audit_events set hash = ${hashAuditEvent(edited!)} where seq = 4`);
      expect(await verifyAuditChain(tx)).toMatchObject({
        ok: false,
        count: 4,
        firstBadSeq: 5,
        reason: expect.stringMatching(/event 5 does not follow event 4/),
      });
    }));

  it("finds a removed event in the middle, and at the start", () =>
    t.current.rollback(async (tx) => {
      await recordDay(tx);
      await tamper(tx, sql`delete from audit_events where seq = 3`);
      expect(await verifyAuditChain(tx)).toMatchObject({ ok: false, count: 2, firstBadSeq: 4, reason: expect.stringMatching(/events 3–3 are missing/) });
      await tamper(tx, sql`delete from audit_events where seq = 1`);
      expect(await verifyAuditChain(tx)).toMatchObject({ ok: false, count: 0, firstBadSeq: 2, reason: expect.stringMatching(/starts at event 2/) });
    }));

  it("finds a removal hidden by renumbering", () =>
    t.current.rollback(async (tx) => {
      await recordDay(tx);
      await tamper(tx, sql`delete from audit_events where seq = 3`);
      // Two steps: the primary key is checked row by row.
      await tamper(tx, sql`update audit_events set seq = seq + 1000 where seq > 3`);
      await tamper(tx, sql`update audit_events set seq = seq - 1001 where seq > 1000`);
      expect(await verifyAuditChain(tx)).toMatchObject({ ok: false, firstBadSeq: 3, reason: expect.stringMatching(/does not follow event 2/) });
    }));

  it("finds two events swapped", () =>
    t.current.rollback(async (tx) => {
      await recordDay(tx);
      await tamper(tx, sql`update audit_events set seq = 100 where seq = 2`);
      await tamper(tx, sql`update audit_events set seq = 2 where seq = 3`);
      await tamper(tx, sql`update audit_events set seq = 3 where seq = 100`);
      expect(await verifyAuditChain(tx)).toMatchObject({ ok: false, firstBadSeq: 2 });
    }));

  it("is append-only in the database: UPDATE, DELETE and TRUNCATE are refused", () =>
    t.current.rollback(async (tx) => {
      await recordDay(tx);
      for (const statement of [
        sql`update audit_events set outcome = 'success' where seq = 2`,
        sql`delete from audit_events where seq = 6`,
        sql`truncate audit_events`,
      ]) {
        await expect(tx.transaction((sp) => sp.execute(statement))).rejects.toThrow();
      }
      expect(await verifyAuditChain(tx)).toMatchObject({ ok: true, count: 6 });
    }));

  it("commits and rolls back with the caller's transaction", () =>
    t.current.rollback(async (tx) => {
      await recordAudit(tx, { action: "kept", outcome: "success" });
      await expect(
        tx.transaction(async (inner) => {
          await recordAudit(inner, { action: "rolled-back", outcome: "success" });
          throw new Error("the state change failed");
        }),
      ).rejects.toThrow("the state change failed");
      const second = await recordAudit(tx, { action: "after", outcome: "failure" });
      expect(second.seq).toBe(2);
      const rows = await tx.select({ action: auditEvents.action }).from(auditEvents).orderBy(asc(auditEvents.seq));
      expect(rows.map((r) => r.action)).toEqual(["kept", "after"]);
      expect(await verifyAuditChain(tx)).toMatchObject({ ok: true, count: 2 });
    }));

  it("stores what it hashed even for hostile input, and keeps secrets out of details", () =>
    t.current.rollback(async (tx) => {
      await recordAudit(tx, {
        action: "auth.sign-in",
        outcome: "refused",
        userAgent: `evil\u0000agent \ud800 ${"x".repeat(2000)}`,
        details: { password: "hunter2", accessToken: "certdesk_abc", tokenPrefix: "certdesk_ab", key: "-----BEGIN PRIVATE KEY-----\nMII", n: Number.NaN },
      });
      const [row] = await tx.select().from(auditEvents);
      expect(row!.userAgent!.length).toBe(512);
      expect(row!.userAgent).not.toContain("\u0000");
      expect(row!.details).toEqual({ password: "[redacted]", accessToken: "[redacted]", tokenPrefix: "certdesk_ab", key: "[redacted]", n: null });
      expect(await verifyAuditChain(tx)).toMatchObject({ ok: true, count: 1 });
    }));

  it.runIf(onServer)("keeps one unbroken chain under concurrent appends from many connections", async () => {
    const db = t.current.db;
    const writers = Array.from({ length: 40 }, (_, i) =>
      db.transaction(async (tx) => {
        // Some work in the same transaction before the audit append, like a real action.
        await tx.execute(sql`select pg_sleep(${(i % 5) / 1000})`);
        return recordAudit(tx, { action: "concurrent.append", outcome: "success", details: { writer: i } });
      }),
    );
    const records = await Promise.all(writers);
    expect(records.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, count: 40 });
  });
});
