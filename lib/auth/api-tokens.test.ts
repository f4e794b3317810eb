import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { apiTokens, auditEvents, users } from "@/lib/db";
import { seedDemo } from "@/lib/db/seed";
import { setupTestDatabase } from "@/lib/db/testing";
import { EXAMPLE_PROGRAM_RECORDS } from "@/lib/policy";
import { loadSessionUser } from "./access";
import { AppError } from "./app-error";
import { authenticateApiToken, bearerTokenFrom, createApiToken, listApiTokens, revokeApiToken } from "./api-tokens";

const t = setupTestDatabase();

async function user(email: string) {
  const db = t.current.db;
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  return (await loadSessionUser(db, row!.id))!;
}

describe("organisation API tokens", () => {
  it("creates a token shown once and stored hashed; authenticates it, records its last use, and refuses it once revoked", async () => {
    const db = t.current.db;
    await seedDemo(db, { programs: EXAMPLE_PROGRAM_RECORDS });
    const acme = await user("partner@acme.test");
    const { token, summary } = await createApiToken(db, { user: acme, name: "  CI pipeline " });
    expect(token).toMatch(/^certdesk_[A-Za-z0-9_-]{43}$/);
    expect(summary.name).toBe("CI pipeline");
    const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, summary.id));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row!.prefix).toBe(token.slice(0, 13));

    const at = new Date("2026-03-01T10:00:00Z");
    const principal = await authenticateApiToken(db, `Bearer ${token}`, at);
    expect(principal).toMatchObject({ tokenId: summary.id, organisationId: acme.memberships[0]!.organisationId, createdBy: acme.id });
    const listed = await listApiTokens(db, acme);
    expect(listed.find((l) => l.id === summary.id)?.lastUsedAt?.toISOString()).toBe(at.toISOString());

    // Another organisation can neither see nor revoke it.
    const globex = await user("partner@globex.test");
    expect((await listApiTokens(db, globex)).map((l) => l.id)).not.toContain(summary.id);
    await expect(revokeApiToken(db, { user: globex, tokenId: summary.id, now: at })).rejects.toMatchObject({ code: "NOT_FOUND" });

    await revokeApiToken(db, { user: acme, tokenId: summary.id, now: at });
    expect(await authenticateApiToken(db, `Bearer ${token}`, at)).toBeNull();
    const events = await db.select().from(auditEvents).where(eq(auditEvents.targetId, summary.id));
    // Globex's refused revocation above is in the trail too (issue 10).
    expect(events.map((e) => [e.action, e.outcome])).toEqual([
      ["api_token.create", "success"],
      ["api_token.revoke", "refused"],
      ["api_token.revoke", "success"],
    ]);
    expect(JSON.stringify(events)).not.toContain(token);
  });

  it("only partners manage tokens, and only well-formed bearer headers are even looked up", async () => {
    const reviewer = await user("reviewer1@certdesk.test");
    const error = await createApiToken(t.current.db, { user: reviewer, name: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("FORBIDDEN");
    expect(bearerTokenFrom("Basic abc")).toBeNull();
    expect(bearerTokenFrom("Bearer other_token")).toBeNull();
    expect(bearerTokenFrom(`Bearer certdesk_${"a".repeat(600)}`)).toBeNull();
    expect(bearerTokenFrom("bearer  certdesk_abc ")).toBe("certdesk_abc");
  });

  // Issue 10: a NUL in the name reached PostgreSQL and failed the insert (an unexpected error, a 500).
  it("refuses a token name with a NUL, control or bidi character as invalid input", async () => {
    const acme = await user("partner@acme.test");
    for (const name of ["ci\u0000", "ci\u0007bell", "\u202Eevil"]) {
      const error = await createApiToken(t.current.db, { user: acme, name }).catch((e: unknown) => e);
      expect(error, JSON.stringify(name)).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("INVALID_INPUT");
    }
  });
});
