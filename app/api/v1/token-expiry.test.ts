/**
 * Issue 16 item 9: API tokens may carry an expiry. The partner API refuses an expired token
 * with a 401 problem+json that says it expired (and when), while a token before its expiry
 * works; unknown and revoked tokens keep their shared, unrevealing answer.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiTokens, closeDb, getDb, users, type Database } from "@/lib/db";
import { seedDemo } from "@/lib/db/seed";
import { EXAMPLE_PROGRAM_RECORDS } from "@/lib/policy";
import { loadSessionUser, type SessionUser } from "@/lib/auth/access";
import { checkApiToken, createApiToken, listApiTokens, parseTokenExpiry } from "@/lib/auth/api-tokens";
import { GET as listApps } from "./apps/route";

const BASE = "http://localhost:3000";
let dir: string;
let db: Database;
let acme: SessionUser;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "certdesk-token-expiry-"));
  Object.assign(process.env, { CERTDESK_MODE: "local", CERTDESK_DATA_DIR: dir, CERTDESK_PUBLIC_URL: BASE });
  delete process.env.DATABASE_URL;
  db = await getDb();
  await seedDemo(db, { programs: EXAMPLE_PROGRAM_RECORDS });
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, "partner@acme.test"));
  acme = (await loadSessionUser(db, row!.id))!;
});

afterAll(async () => {
  await closeDb();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const get = (token: string) => new Request(`${BASE}/api/v1/apps`, { headers: { authorization: `Bearer ${token}` } });

describe("API token expiry", () => {
  it("the API answers an expired token with 401 problem+json naming the expiry, and a token before its expiry with 200", async () => {
    const now = Date.now();
    const expired = await createApiToken(db, { user: acme, name: "expired CI", expiresAt: new Date(now - 60_000) });
    const live = await createApiToken(db, { user: acme, name: "live CI", expiresAt: new Date(now + 86_400_000) });

    const response = await listApps(get(expired.token));
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ type: "urn:certdesk:problem:unauthenticated", status: 401, expiredAt: expired.summary.expiresAt!.toISOString() });
    expect(body.detail).toMatch(/^This API token expired at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\. Create a new token/);
    // The refused call is not recorded as a use of the token.
    const [row] = await db.select({ lastUsedAt: apiTokens.lastUsedAt }).from(apiTokens).where(eq(apiTokens.id, expired.summary.id));
    expect(row!.lastUsedAt).toBeNull();

    expect((await listApps(get(live.token))).status).toBe(200);
    // Unknown tokens still get the generic answer, with no expiry in it.
    const unknown = (await (await listApps(get("certdesk_unknown"))).json()) as Record<string, unknown>;
    expect(unknown.detail).not.toMatch(/expired/);
    expect(unknown).not.toHaveProperty("expiredAt");
  });

  it("a token is refused from its expiry instant on, not a moment before", async () => {
    const expiresAt = new Date("2027-03-31T23:59:59.999Z");
    const { token } = await createApiToken(db, { user: acme, name: "until March", expiresAt });
    expect(await checkApiToken(db, `Bearer ${token}`, new Date("2027-03-31T23:59:59.998Z"))).toMatchObject({ ok: true });
    expect(await checkApiToken(db, `Bearer ${token}`, expiresAt)).toEqual({ ok: false, reason: "expired", expiredAt: expiresAt });
  });

  it("lists each token's expiry; tokens without one never expire", async () => {
    const { summary } = await createApiToken(db, { user: acme, name: "forever" });
    expect(summary.expiresAt).toBeNull();
    const listed = await listApiTokens(db, acme);
    expect(listed.find((t) => t.id === summary.id)?.expiresAt).toBeNull();
    expect(listed.find((t) => t.name === "until March")?.expiresAt?.toISOString()).toBe("2027-03-31T23:59:59.999Z");
    expect(await checkApiToken(db, `Bearer certdesk_demo_acme`, new Date("2099-01-01T00:00:00Z"))).toMatchObject({ ok: true });
  });

  it("parses the form's expiry day: through the end of that day (UTC); empty is none; past, malformed or too far is a clear refusal", () => {
    const now = new Date("2026-12-07T13:00:00Z");
    expect(parseTokenExpiry("", now)).toBeNull();
    expect(parseTokenExpiry(null, now)).toBeNull();
    expect(parseTokenExpiry("2026-12-07", now)?.toISOString()).toBe("2026-12-07T23:59:59.999Z");
    expect(parseTokenExpiry("2027-01-31", now)?.toISOString()).toBe("2027-01-31T23:59:59.999Z");
    expect(() => parseTokenExpiry("2026-12-06", now)).toThrow(/in the past/);
    expect(() => parseTokenExpiry("2027-02-30", now)).toThrow(/YYYY-MM-DD/);
    expect(() => parseTokenExpiry("tomorrow", now)).toThrow(/YYYY-MM-DD/);
    expect(() => parseTokenExpiry("2029-01-01", now)).toThrow(/within 730 days/);
  });
});
