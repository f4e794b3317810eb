import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditEvents } from "@/lib/db";
import { recordAudit } from "@/lib/audit";
import { setupTestDatabase } from "@/lib/db/testing";
import { approveSubmission } from "@/lib/reviews/approve-submission";
import { csvCell, exportAuditCsv, parseAuditFilters, parseAuditPaging, searchAuditEvents, searchAuditPage } from "./search";
import { addMembership, createTestSubmission, seedReviewFixture, type ReviewFixture } from "@/lib/reviews/testing";

const t = setupTestDatabase();
let f: ReviewFixture;
beforeAll(async () => {
  f = await seedReviewFixture(t.current.db);
});

describe("audit search", () => {
  it("filters by organisation, app, actor, action, outcome and time, with keyset paging", () =>
    t.current.rollback(async (db) => {
      const acme = await createTestSubmission(db, { appId: f.apps.acmeCheckout, environmentKey: "stage" });
      const globex = await createTestSubmission(db, { appId: f.apps.globexPayouts, environmentKey: "stage" });
      await approveSubmission({ db }, { reviewer: f.users.reviewer1, submissionId: acme.id });
      await approveSubmission({ db }, { reviewer: f.users.reviewer2, submissionId: globex.id });
      await approveSubmission({ db }, { reviewer: f.users.acme, submissionId: globex.id }).catch(() => undefined);
      await recordAudit(db, { action: "auth.sign-in", outcome: "success", actorEmail: "odd_%name@x.test", at: new Date("2026-01-05T10:00:00Z") });

      const viewer = f.users.admin;
      const search = async (params: Record<string, string>) => (await searchAuditEvents(db, { viewer, filters: parseAuditFilters(params).filters })).events;
      // A completing approval is the reviewer's review.approve followed by submission.approve (issue 16 item 10).
      expect((await search({ organisation: f.orgs.acme })).map((e) => [e.action, e.targetId])).toEqual([
        ["submission.approve", acme.id],
        ["review.approve", acme.id],
      ]);
      expect((await search({ app: f.apps.globexPayouts })).map((e) => e.outcome)).toEqual(["refused", "success", "success"]);
      expect((await search({ actor: "REVIEWER2" })).map((e) => e.targetId)).toEqual([globex.id, globex.id]);
      // Wildcards in the search text are literal.
      expect(await search({ actor: "_%" })).toHaveLength(1);
      expect(await search({ action: "submission" })).toHaveLength(2);
      expect(await search({ action: "review" })).toHaveLength(3);
      expect(await search({ action: "review.approve", outcome: "refused" })).toHaveLength(1);
      expect(await search({ action: "submission.approve", outcome: "refused" })).toHaveLength(0);
      expect(await search({ action: "submiss" })).toHaveLength(0);
      expect((await search({ from: "2026-01-05", to: "2026-01-05" })).map((e) => e.action)).toEqual(["auth.sign-in"]);
      expect(await search({ to: "2026-01-04" })).toHaveLength(0);

      const first = await searchAuditEvents(db, { viewer, filters: {}, limit: 2 });
      expect(first.events).toHaveLength(2);
      const rest = await searchAuditEvents(db, { viewer, filters: { before: first.nextBefore! }, limit: 100 });
      expect(rest.nextBefore).toBeNull();
      expect([...first.events, ...rest.events].map((e) => e.seq)).toEqual([6, 5, 4, 3, 2, 1]);
    }));

  it("drops malformed filters and says which", () => {
    expect(parseAuditFilters({ organisation: "nope", from: "2026-13-45", action: "DROP TABLE", outcome: "success" })).toEqual({
      filters: { outcome: "success" },
      ignored: ["organisation", "action", "from"],
    });
  });

  it("is for the provider's admins only; a partner-org 'admin' membership does not count", () =>
    t.current.rollback(async (db) => {
      const fake = await addMembership(db, f.users.globex, f.orgs.globex, "admin");
      for (const viewer of [f.users.reviewer1, f.users.acme, fake]) {
        await expect(searchAuditEvents(db, { viewer, filters: {} })).rejects.toMatchObject({ code: "FORBIDDEN" });
        await expect(exportAuditCsv(db, { viewer, filters: {} })).rejects.toMatchObject({ code: "FORBIDDEN" });
      }
      const refused = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "audit.export"), eq(auditEvents.outcome, "refused")));
      expect(refused).toHaveLength(3);
    }));
});

describe("audit pages", () => {
  it("numbers pages of the matching events, newest first, with the total and the positions shown", () =>
    t.current.rollback(async (db) => {
      for (let i = 0; i < 23; i++) await recordAudit(db, { action: "auth.sign-in", outcome: "success", actorEmail: `u${i}@x.test` });
      for (let i = 0; i < 4; i++) await recordAudit(db, { action: "token.create", outcome: "success", actorEmail: `t${i}@x.test` });
      const viewer = f.users.admin;
      const filters = { action: "auth" };

      const first = await searchAuditPage(db, { viewer, filters, paging: { page: 1, size: 10 } });
      expect(first).toMatchObject({ total: 23, page: 1, size: 10, pages: 3, from: 1, to: 10 });
      expect(first.events.map((e) => e.actorEmail)).toEqual(Array.from({ length: 10 }, (_, i) => `u${22 - i}@x.test`));

      const last = await searchAuditPage(db, { viewer, filters, paging: { page: 3, size: 10 } });
      expect(last).toMatchObject({ page: 3, from: 21, to: 23 });
      expect(last.events.map((e) => e.actorEmail)).toEqual(["u2@x.test", "u1@x.test", "u0@x.test"]);

      // The three pages hold every matching event once, and nothing else.
      const second = await searchAuditPage(db, { viewer, filters, paging: { page: 2, size: 10 } });
      const seen = [...first.events, ...second.events, ...last.events].map((e) => e.seq);
      expect(new Set(seen).size).toBe(23);
      expect([...first.events, ...second.events, ...last.events].every((e) => e.action === "auth.sign-in")).toBe(true);

      // Past the end: the last page, not an empty one.
      expect(await searchAuditPage(db, { viewer, filters, paging: { page: 99, size: 10 } })).toMatchObject({ page: 3, from: 21, to: 23 });
      // Unfiltered, the 50 default holds all 27.
      expect(await searchAuditPage(db, { viewer, filters: {}, paging: { page: 1, size: 50 } })).toMatchObject({ total: 27, pages: 1, from: 1, to: 27 });
      // Nothing matches: one empty page.
      expect(await searchAuditPage(db, { viewer, filters: { action: "nothing" }, paging: { page: 1, size: 50 } })).toMatchObject({ total: 0, pages: 1, page: 1, from: 0, to: 0, events: [] });
    }));

  it("reads page and size from the query: 50 by default, size bounded to 10–200, junk named", () => {
    expect(parseAuditPaging({})).toEqual({ paging: { page: 1, size: 50 }, ignored: [] });
    expect(parseAuditPaging({ page: "3", size: "20" })).toEqual({ paging: { page: 3, size: 20 }, ignored: [] });
    expect(parseAuditPaging({ size: "5" }).paging.size).toBe(10);
    expect(parseAuditPaging({ size: "5000" }).paging.size).toBe(200);
    expect(parseAuditPaging({ page: "0" }).paging.page).toBe(1);
    expect(parseAuditPaging({ page: "two", size: "-1" })).toEqual({ paging: { page: 1, size: 50 }, ignored: ["page", "size"] });
  });

  it("is for the provider's admins only", () =>
    t.current.rollback(async (db) => {
      await expect(searchAuditPage(db, { viewer: f.users.reviewer1, filters: {}, paging: { page: 1, size: 50 } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    }));
});

describe("CSV export", () => {
  it("exports matching events oldest first, defuses formulas, and audits the export", () =>
    t.current.rollback(async (db) => {
      await recordAudit(db, { action: "auth.sign-in", outcome: "refused", actorEmail: "=HYPERLINK(\"http://evil\")", userAgent: 'a "quoted" agent' });
      await recordAudit(db, { action: "auth.sign-in", outcome: "success", actorEmail: "a@b.test" });
      const out = await exportAuditCsv(db, { viewer: f.users.admin, filters: { action: "auth" }, meta: { ip: "10.0.0.1" } });
      expect(out.rows).toBe(2);
      const lines = out.csv.trim().split("\r\n");
      expect(lines[0]).toBe("seq,at,action,outcome,actorEmail,actorUserId,role,organisationId,targetType,targetId,ip,userAgent,details,prevHash,hash");
      expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
      expect(lines[1]).toContain(`"a ""quoted"" agent"`);
      expect(lines[2]).toContain('"a@b.test"');
      const [exported] = await db.select().from(auditEvents).where(eq(auditEvents.action, "audit.export"));
      expect(exported).toMatchObject({ outcome: "success", actorEmail: "admin@certdesk.test", ip: "10.0.0.1", details: { rows: 2, truncated: false, filters: { action: "auth" } } });
    }));

  it("quotes every cell", () => {
    expect(csvCell(null)).toBe('""');
    expect(csvCell("-1+1")).toBe(`"'-1+1"`);
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvCell(new Date("2026-01-01T00:00:00Z"))).toBe('"2026-01-01T00:00:00.000Z"');
  });
});
