/**
 * GET /api/v1/certificates, /api/v1/certificates/{id} and /api/v1/certificates.ics, called as
 * Next calls them, against the process-wide database (PGlite in a temporary data dir).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb, organisations, users, type Database } from "@/lib/db";
import { DEMO_API_TOKEN, seedDemo } from "@/lib/db/seed";
import { EXAMPLE_PROGRAM_RECORDS } from "@/lib/policy";
import { loadSessionUser } from "@/lib/auth/access";
import { createApiToken } from "@/lib/auth/api-tokens";
import { runExpiryJob } from "@/lib/expiry/run-expiry-job";
import { createExpiryTestApp, insertLeaf } from "@/lib/expiry/testing";
import { parseIcs } from "@/lib/scheduling/ics";
import { GET as list } from "./route";
import { GET as one } from "./[id]/route";
import { GET as ics } from "../certificates.ics/route";

const BASE = "http://localhost:3000";
let dir: string;
let db: Database;
let globexToken: string;
const ids: Record<string, string> = {};

function get(url: string, token: string | null = DEMO_API_TOKEN): Request {
  return new Request(`${BASE}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}
const params = (id: string) => ({ params: Promise.resolve({ id }) });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "certdesk-certs-api-"));
  Object.assign(process.env, { CERTDESK_MODE: "local", CERTDESK_DATA_DIR: dir, CERTDESK_PUBLIC_URL: BASE });
  delete process.env.DATABASE_URL;
  db = await getDb();
  await seedDemo(db, { programs: EXAMPLE_PROGRAM_RECORDS });
  const [globexUser] = await db.select({ id: users.id }).from(users).where(eq(users.email, "partner@globex.test"));
  globexToken = (await createApiToken(db, { user: (await loadSessionUser(db, globexUser!.id))!, name: "Globex CI" })).token;
  for (const o of await db.select({ id: organisations.id, slug: organisations.slug }).from(organisations)) ids[o.slug] = o.id;

  const now = new Date();
  const acme = ids["acme-payments"]!;
  const app = await createExpiryTestApp(db, { organisationId: acme, expiry: { reminderDays: [90, 30], urgentDays: 30 } });
  ids.app = app.appId;
  const urgent = await insertLeaf(db, { app, organisationId: acme, now, expiresInDays: 25.5, subject: "CN=urgent.acme.test" });
  ids.urgent = urgent.certificateId;
  ids.ok = (await insertLeaf(db, { app, organisationId: acme, environment: "production", now, expiresInDays: 200, subject: "CN=ok.acme.test" })).certificateId;
  ids.expired = (await insertLeaf(db, { app, organisationId: acme, now, expiresInDays: -400, status: "expired", subject: "CN=expired.acme.test", createdAt: new Date(now.getTime() - 800 * 86_400_000) })).certificateId;
  // The renewal of the urgent one, in review: its successor.
  ids.successor = (await insertLeaf(db, { app, organisationId: acme, now, expiresInDays: 400, status: "pending", submissionStatus: "in_review", replacesCertificateId: urgent.certificateId, subject: "CN=renewal.acme.test" })).certificateId;
  const globexApp = await createExpiryTestApp(db, { organisationId: ids["globex-financial"]! });
  ids.globex = (await insertLeaf(db, { app: globexApp, organisationId: ids["globex-financial"]!, now, expiresInDays: 10, subject: "CN=globex.test" })).certificateId;
  // A reminder for the "ok" production certificate's sibling: run the job for a certificate at 25 days with no successor.
  ids.reminded = (await insertLeaf(db, { app: await createExpiryTestApp(db, { organisationId: acme }), organisationId: acme, now, expiresInDays: 20, subject: "CN=reminded.acme.test" })).certificateId;
  await runExpiryJob({ db, now, publicUrl: BASE });
}, 60_000);

afterAll(async () => {
  await closeDb();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("GET /api/v1/certificates", () => {
  it("lists the organisation's leaf certificates with expiry state, successor and reminders", async () => {
    const res = await list(get("/api/v1/certificates"));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { certificates: Record<string, unknown>[] };
    const byId = new Map(body.certificates.map((c) => [c.id as string, c]));
    expect(byId.has(ids.globex!)).toBe(false);
    // Pending certificates (not yet approved) are not listed.
    expect(byId.has(ids.successor!)).toBe(false);
    const urgent = byId.get(ids.urgent!)!;
    expect(Object.keys(urgent).sort()).toEqual(
      ["id", "appId", "environment", "purpose", "subject", "issuer", "serialNumber", "fingerprintSha256", "notBefore", "notAfter", "status", "expiry", "successorId", "remindersSent"].sort(),
    );
    expect(urgent).toMatchObject({ appId: ids.app, environment: "stage", purpose: "mtls", status: "active", expiry: { state: "urgent", daysLeft: 26 }, successorId: ids.successor, remindersSent: [] });
    expect(byId.get(ids.ok!)).toMatchObject({ environment: "production", expiry: { state: "ok", daysLeft: 200 }, successorId: null });
    expect(byId.get(ids.expired!)).toMatchObject({ status: "expired", expiry: { state: "expired" } });
    const reminded = byId.get(ids.reminded!) as { remindersSent: { days: number; sentAt: string }[] };
    expect(reminded.remindersSent).toEqual([{ days: 30, sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }]);
    // No key material, no PEM.
    expect(JSON.stringify(body)).not.toMatch(/BEGIN|pem|spki/i);
  });

  it("filters by state, and refuses an unknown state with a problem", async () => {
    const res = await list(get("/api/v1/certificates?state=urgent"));
    const body = (await res.json()) as { certificates: { id: string; expiry: { state: string } }[] };
    expect(body.certificates.map((c) => c.id).sort()).toEqual([ids.urgent, ids.reminded].sort());
    const bad = await list(get("/api/v1/certificates?state=soon"));
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    expect(((await bad.json()) as { detail: string }).detail).toContain("ok, warning, urgent, expired");
  });

  it("needs a token", async () => {
    const res = await list(get("/api/v1/certificates", null));
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });
});

describe("GET /api/v1/certificates/{id}", () => {
  it("returns one certificate of the organisation", async () => {
    const res = await one(get(`/api/v1/certificates/${ids.urgent}`), params(ids.urgent!));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: ids.urgent, subject: "CN=urgent.acme.test", expiry: { state: "urgent" }, successorId: ids.successor });
  });

  it("answers 404 for another organisation's id, an unknown id and a malformed one", async () => {
    for (const id of [ids.globex!, "00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
      const res = await one(get(`/api/v1/certificates/${id}`), params(id));
      expect(res.status, id).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    // And Globex's own token reads Globex's certificate, not Acme's.
    expect((await one(get(`/api/v1/certificates/${ids.globex}`, globexToken), params(ids.globex!))).status).toBe(200);
    expect((await one(get(`/api/v1/certificates/${ids.urgent}`, globexToken), params(ids.urgent!))).status).toBe(404);
  });
});

describe("GET /api/v1/certificates.ics", () => {
  it("is an iCalendar of expiry dates and renewal deadlines of live certificates, token-authenticated", async () => {
    const res = await ics(get("/api/v1/certificates.ics"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/calendar");
    const text = await res.text();
    const events = parseIcs(text);
    const uids = events.map((e) => e.properties.UID);
    expect(uids).toContain(`certificate-${ids.urgent}-expiry@certdesk`);
    expect(uids).toContain(`certificate-${ids.urgent}-renewal@certdesk`);
    expect(uids).not.toContain(`certificate-${ids.expired}-expiry@certdesk`);
    expect(uids.some((u) => u!.includes(ids.globex!))).toBe(false);
    expect(text).toContain("SUMMARY:Renew certificate:");
    // Calendar applications that cannot send headers: ?token=.
    expect((await ics(get(`/api/v1/certificates.ics?token=${globexToken}`, null))).status).toBe(200);
    const globex = parseIcs(await (await ics(get(`/api/v1/certificates.ics?token=${globexToken}`, null))).text());
    expect(globex.map((e) => e.properties.UID)).toContain(`certificate-${ids.globex}-expiry@certdesk`);
    expect((await ics(get("/api/v1/certificates.ics", null))).status).toBe(401);
    expect((await ics(get("/api/v1/certificates.ics?token=certdesk_nope", null))).status).toBe(401);
  });
});
