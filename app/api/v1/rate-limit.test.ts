/**
 * Issue 10, item 6: the partner API's rate limit, through the real route handlers on the
 * process-wide PGlite database: per token, per client address, 429 problem+json with
 * Retry-After, and the limit shared by the upload-like routes.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb, rateLimitCounters } from "@/lib/db";
import { DEMO_API_TOKEN, seedDemo } from "@/lib/db/seed";
import { EXAMPLE_PROGRAM_RECORDS } from "@/lib/policy";
import { GET as listApps } from "./apps/route";
import { GET as getSubmission } from "./submissions/[id]/route";

const BASE = "http://localhost:3000";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "certdesk-ratelimit-"));
  // Small limits for this process only (Vitest runs each file in its own fork).
  Object.assign(process.env, {
    CERTDESK_MODE: "local",
    CERTDESK_DATA_DIR: dir,
    CERTDESK_PUBLIC_URL: BASE,
    CERTDESK_RATE_LIMIT_PER_TOKEN: "4",
    CERTDESK_RATE_LIMIT_PER_IP: "6",
    CERTDESK_RATE_LIMIT_WINDOW_SECONDS: "3600",
  });
  delete process.env.DATABASE_URL;
  await seedDemo(await getDb(), { programs: EXAMPLE_PROGRAM_RECORDS });
});

afterAll(async () => {
  await closeDb();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string>) => new Request(`${BASE}${url}`, { headers });

describe("partner API rate limit", () => {
  it("answers 429 problem+json with Retry-After once a token is over its limit, before doing any work", async () => {
    const db = await getDb();
    await db.delete(rateLimitCounters);
    const auth = { authorization: `Bearer ${DEMO_API_TOKEN}` };
    for (let i = 0; i < 4; i++) expect((await listApps(get("/api/v1/apps", auth))).status).toBe(200);
    const refused = await listApps(get("/api/v1/apps", auth));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    const body = (await refused.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ type: "urn:certdesk:problem:rate-limited", status: 429, title: "Too many requests", retryAfter });
    expect(String(body.detail)).toMatch(/this API token: at most 4 per 3600 s/);
    // Every route of the API shares the token's budget.
    expect((await getSubmission(get("/api/v1/submissions/00000000-0000-4000-8000-000000000000", auth), { params: Promise.resolve({ id: "00000000-0000-4000-8000-000000000000" }) })).status).toBe(429);
  });

  it("counts unauthenticated calls per client address too, so guessing tokens is throttled", async () => {
    const db = await getDb();
    await db.delete(rateLimitCounters);
    const statuses: number[] = [];
    // The address start.ts takes from the TCP socket (no proxy is trusted locally).
    const from = (ip: string, i: number) => ({ authorization: `Bearer certdesk_guess_${i}`, "x-certdesk-socket-address": ip });
    for (let i = 0; i < 8; i++) statuses.push((await listApps(get("/api/v1/apps", from("192.0.2.50", i)))).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    // Another address is not affected.
    expect((await listApps(get("/api/v1/apps", from("192.0.2.51", 0)))).status).toBe(401);
  });
});
