/**
 * The Expiring page's loader, its audited CSV export, the navigation count, the certificate
 * page's lineage and the grid's expiry cells, against the process-wide database (PGlite in
 * a temporary data dir), as the pages call them.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, closeDb, getDb, organisations, users, type Database } from "@/lib/db";
import { seedDemo } from "@/lib/db/seed";
import { EXAMPLE_PROGRAM_RECORDS } from "@/lib/policy";
import { loadSessionUser, type SessionUser } from "@/lib/auth/access";
import { loadAppGrid } from "@/lib/submissions/app-grid";
import { exportExpiringCsv, listExpiring, loadCertificatePage, parseExpiringFilters, urgentWithoutSuccessorCount } from "./pages";
import { createExpiryTestApp, insertLeaf } from "./testing";

let dir: string;
let db: Database;
const who: Record<string, SessionUser> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "certdesk-expiry-pages-"));
  Object.assign(process.env, { CERTDESK_MODE: "local", CERTDESK_DATA_DIR: dir, CERTDESK_PUBLIC_URL: "http://localhost:3000" });
  delete process.env.DATABASE_URL;
  db = await getDb();
  await seedDemo(db, { programs: EXAMPLE_PROGRAM_RECORDS });
  for (const u of await db.select({ id: users.id, email: users.email }).from(users)) who[u.email] = (await loadSessionUser(db, u.id))!;
  for (const o of await db.select({ id: organisations.id, slug: organisations.slug }).from(organisations)) ids[o.slug] = o.id;
  const now = new Date();
  const acme = ids["acme-payments"]!;
  const app = await createExpiryTestApp(db, { organisationId: acme, expiry: { reminderDays: [90, 30], urgentDays: 30 } });
  ids.app = app.appId;
  ids.urgent = (await insertLeaf(db, { app, organisationId: acme, environment: "production", now, expiresInDays: 10, subject: "=HYPERLINK(\"http://evil\") urgent" })).certificateId;
  ids.warning = (await insertLeaf(db, { app, organisationId: acme, now, expiresInDays: 60, subject: "CN=warning.acme.test" })).certificateId;
  ids.renewal = (await insertLeaf(db, { app, organisationId: acme, now, expiresInDays: 400, status: "scheduled", replacesCertificateId: ids.warning, subject: "CN=renewal.acme.test" })).certificateId;
  const globexApp = await createExpiryTestApp(db, { organisationId: ids["globex-financial"]! });
  ids.globex = (await insertLeaf(db, { app: globexApp, organisationId: ids["globex-financial"]!, now, expiresInDays: 5, subject: "CN=globex.test" })).certificateId;
}, 60_000);

afterAll(async () => {
  await closeDb();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("Expiring page", () => {
  it("lists every organisation's live certificates by days left, for support and admin only", async () => {
    const { rows } = await listExpiring(who["support@certdesk.test"]!, {});
    const mine = rows.filter((r) => [ids.urgent, ids.warning, ids.renewal, ids.globex].includes(r.id));
    expect(mine.map((r) => r.id)).toEqual([ids.globex, ids.urgent, ids.warning, ids.renewal]);
    expect(mine.map((r) => r.expiry.state)).toEqual(["urgent", "urgent", "warning", "ok"]);
    await expect(listExpiring(who["partner@acme.test"]!, {})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(listExpiring(who["reviewer1@certdesk.test"]!, {})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("filters by organisation, environment, state and successor; ignores malformed filters", async () => {
    const admin = who["admin@certdesk.test"]!;
    const f = (params: Record<string, string>) => listExpiring(admin, parseExpiringFilters(params)).then((r) => r.rows.map((x) => x.id));
    expect(await f({ organisation: ids["globex-financial"]! })).toEqual([ids.globex]);
    expect((await f({ environment: "production", state: "urgent" })).includes(ids.urgent!)).toBe(true);
    expect((await f({ environment: "production", state: "urgent" })).includes(ids.globex!)).toBe(false);
    expect(await f({ successor: "yes" })).toEqual([ids.warning]);
    expect((await f({ successor: "no" })).includes(ids.warning!)).toBe(false);
    expect(parseExpiringFilters({ state: "soon", successor: "maybe" })).toEqual({ program: undefined, environment: undefined, organisation: undefined, state: undefined, successor: undefined });
  });

  it("exports CSV (formula-safe) and audits the export", async () => {
    const support = who["support@certdesk.test"]!;
    const { csv, rows } = await exportExpiringCsv(support, { state: "urgent" }, { ip: "203.0.113.9" });
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("organisation,app,program,environment,purpose,subject,serial,not_after,days_left,state,status,successor,reminders_sent");
    expect(lines).toHaveLength(rows + 1);
    // A subject starting with "=" is neutralised for spreadsheets.
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"") urgent"`);
    const [event] = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "expiring.export"), eq(auditEvents.actorUserId, support.id)));
    expect(event).toMatchObject({ outcome: "success", ip: "203.0.113.9", details: { filters: { state: "urgent" }, rows } });
    await expect(exportExpiringCsv(who["partner@acme.test"]!, {})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("counts urgent certificates without a successor for the navigation", async () => {
    expect(await urgentWithoutSuccessorCount(who["support@certdesk.test"]!)).toBe(2);
    expect(await urgentWithoutSuccessorCount(who["partner@acme.test"]!)).toBe(0);
  });
});

describe("certificate page and grid", () => {
  it("shows the lineage and offers Renew only to the owning partners while no successor exists", async () => {
    const partner = who["partner@acme.test"]!;
    const old = await loadCertificatePage(partner, ids.warning!);
    expect(old.successors.map((s) => s.id)).toEqual([ids.renewal]);
    expect(old.canRenew).toBe(false);
    const renewal = await loadCertificatePage(partner, ids.renewal!);
    expect(renewal.predecessor?.id).toBe(ids.warning);
    expect((await loadCertificatePage(partner, ids.urgent!)).canRenew).toBe(true);
    expect((await loadCertificatePage(who["support@certdesk.test"]!, ids.urgent!)).canRenew).toBe(false);
    await expect(loadCertificatePage(partner, ids.globex!)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("puts the live leaf's expiry state in the partner's grid", async () => {
    const grid = await loadAppGrid(db, { viewer: who["partner@acme.test"]!, now: new Date() });
    const row = grid.find((r) => r.id === ids.app)!;
    const cells = Object.fromEntries(row.cells.map((c) => [c.environmentKey, c.expiry]));
    expect(cells.production).toEqual({ certificateId: ids.urgent, state: "urgent", daysLeft: 10 });
    expect(cells.stage).toEqual({ certificateId: ids.warning, state: "warning", daysLeft: 60 });
  });
});
