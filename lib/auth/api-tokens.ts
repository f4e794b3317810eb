/**
 * Organisation API tokens for the partner API (`Authorization: Bearer certdesk_…`).
 *
 * A token belongs to ONE organisation and acts as a partner of it, nothing more: it
 * never carries staff rights, whoever created it. Only the SHA-256 is stored
 * (lib/db/tokens.ts); the token is shown once at creation. Revoked tokens are refused
 * exactly like unknown ones, so a caller cannot tell a revoked token from a typo.
 * Issue 16: a token may carry an expiry chosen at creation; from that instant it is refused
 * with a message saying so (only the holder of the real token learns it expired).
 */
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/lib/db";
import { apiTokens, organisations } from "@/lib/db";
import { API_TOKEN_PREFIX, generateApiToken, hashApiToken } from "@/lib/db/tokens";
import { recordAudit } from "@/lib/audit";
import { partnerOrganisationIds, type SessionUser } from "./access";
import { AppError } from "./app-error";

/** Who calls the API: an organisation, through one of its tokens. */
export type ApiPrincipal = {
  tokenId: string;
  tokenName: string;
  tokenPrefix: string;
  organisationId: string;
  organisationName: string;
  /** The partner who created the token (audit events name them as the actor). */
  createdBy: string | null;
};

export type ApiTokenSummary = {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** Issue 16: null = no expiry. */
  expiresAt: Date | null;
};

/** Why a bearer header did not authenticate: unknown/revoked/malformed alike, or expired (with when). */
export type ApiTokenCheck = { ok: true; principal: ApiPrincipal } | { ok: false; reason: "unknown" } | { ok: false; reason: "expired"; expiredAt: Date };

/** Furthest expiry a partner may choose (days from today). */
export const MAX_TOKEN_EXPIRY_DAYS = 730;

/**
 * The expiry of a new token from the form's date field (`YYYY-MM-DD`, UTC): the token works
 * through the end of that day. Empty = no expiry. A past day, a malformed value or a day more
 * than two years ahead is INVALID_INPUT with a message for the form.
 *
 * @example parseTokenExpiry("2027-01-31", new Date("2026-12-07T10:00:00Z")) // 2027-01-31T23:59:59.999Z
 */
export function parseTokenExpiry(value: string | null | undefined, now: Date): Date | null {
  const text = (value ?? "").trim();
  if (text === "") return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const day = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text) {
    throw new AppError("INVALID_INPUT", "Choose the expiry as a date (YYYY-MM-DD), or leave it empty for a token without expiry.");
  }
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (day.getTime() < today) throw new AppError("INVALID_INPUT", "The expiry date is in the past: choose today or a later day.");
  if (day.getTime() > today + MAX_TOKEN_EXPIRY_DAYS * 86_400_000) {
    throw new AppError("INVALID_INPUT", `Choose an expiry within ${MAX_TOKEN_EXPIRY_DAYS} days, or leave it empty.`);
  }
  return new Date(day.getTime() + 86_400_000 - 1);
}

/** Longest header value we even look at: bounds the hashing work of a forged header. */
const MAX_AUTHORIZATION_LENGTH = 512;

/**
 * The bearer token from an Authorization header, or null when the header is missing,
 * of another scheme, or not shaped like one of our tokens.
 */
export function bearerTokenFrom(authorization: string | null | undefined): string | null {
  if (!authorization || authorization.length > MAX_AUTHORIZATION_LENGTH) return null;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  const token = match?.[1];
  if (!token || !token.startsWith(API_TOKEN_PREFIX)) return null;
  return token;
}

/**
 * The organisation behind a bearer token, or null (unknown or revoked token). Records
 * the token's last use, so partners can see which tokens are still in service.
 *
 * @example
 * const principal = await authenticateApiToken(db, request.headers.get("authorization"), new Date());
 */
export async function authenticateApiToken(db: Database, authorization: string | null | undefined, now: Date): Promise<ApiPrincipal | null> {
  const check = await checkApiToken(db, authorization, now);
  return check.ok ? check.principal : null;
}

/**
 * Like authenticateApiToken, but says why a token was refused: "expired" (with the instant)
 * for a real token past its expiry, "unknown" for everything else (unknown, revoked,
 * malformed, the provider's own organisation) — those stay indistinguishable.
 */
export async function checkApiToken(db: Database, authorization: string | null | undefined, now: Date): Promise<ApiTokenCheck> {
  const token = bearerTokenFrom(authorization);
  if (!token) return { ok: false, reason: "unknown" };
  // Lookup by hash: equality on an indexed column, so no timing channel on the token itself.
  const [row] = await db
    .select({
      tokenId: apiTokens.id,
      tokenName: apiTokens.name,
      tokenPrefix: apiTokens.prefix,
      organisationId: apiTokens.organisationId,
      organisationName: organisations.name,
      organisationKind: organisations.kind,
      createdBy: apiTokens.createdBy,
      revokedAt: apiTokens.revokedAt,
      expiresAt: apiTokens.expiresAt,
    })
    .from(apiTokens)
    .innerJoin(organisations, eq(organisations.id, apiTokens.organisationId))
    .where(eq(apiTokens.tokenHash, hashApiToken(token)))
    .limit(1);
  if (!row || row.revokedAt) return { ok: false, reason: "unknown" };
  // Tokens are for partners' automation; the provider's own organisation has no partner API.
  if (row.organisationKind !== "partner") return { ok: false, reason: "unknown" };
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired", expiredAt: row.expiresAt };
  await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId));
  return {
    ok: true,
    principal: {
      tokenId: row.tokenId,
      tokenName: row.tokenName,
      tokenPrefix: row.tokenPrefix,
      organisationId: row.organisationId,
      organisationName: row.organisationName,
      createdBy: row.createdBy,
    },
  };
}

/**
 * The user as an API principal sees it: a partner of exactly the token's organisation.
 * Lets the scoped loaders of lib/auth/access (written for users) serve the API too, so
 * tenancy is decided in one place.
 */
export function principalAsUser(principal: ApiPrincipal): SessionUser {
  return {
    id: principal.createdBy ?? "00000000-0000-0000-0000-000000000000",
    email: `api-token:${principal.tokenPrefix}`,
    name: principal.tokenName,
    roles: ["partner"],
    memberships: [{ organisationId: principal.organisationId, name: principal.organisationName, kind: "partner", role: "partner" }],
  };
}

/** The organisation whose tokens a partner manages (their first partner membership). */
export function tokenOrganisationFor(user: SessionUser): string {
  const orgId = partnerOrganisationIds(user)[0];
  if (!orgId) throw new AppError("FORBIDDEN", "Only a partner organisation's members can manage its API tokens.");
  return orgId;
}

const nameSchema = z
  .string()
  .trim()
  .min(1, "Give the token a name.")
  .max(80, "Keep the name under 80 characters.")
  // Issue 10: a NUL made PostgreSQL fail the insert (a 500); control and bidi characters also spoof the list.
  .regex(/^[^\p{Cc}\p{Cf}]*$/u, "Use letters, digits, spaces and punctuation only (no control characters).");

type RequestMeta = { ip?: string | null; userAgent?: string | null };

/**
 * Creates a token for the user's organisation. The token is returned ONCE, here; only
 * its hash and display prefix are kept.
 */
export async function createApiToken(
  db: Database,
  input: { user: SessionUser; name: string; expiresAt?: Date | null; meta?: RequestMeta },
): Promise<{ token: string; summary: ApiTokenSummary }> {
  return auditTokenRefusal(db, { user: input.user, action: "api_token.create", meta: input.meta }, () => createToken(db, input));
}

async function createToken(
  db: Database,
  input: { user: SessionUser; name: string; expiresAt?: Date | null; meta?: RequestMeta },
): Promise<{ token: string; summary: ApiTokenSummary }> {
  const parsed = nameSchema.safeParse(input.name);
  if (!parsed.success) throw new AppError("INVALID_INPUT", parsed.error.issues[0]!.message);
  const organisationId = tokenOrganisationFor(input.user);
  const { token, tokenHash, prefix } = generateApiToken();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({ organisationId, name: parsed.data, tokenHash, prefix, createdBy: input.user.id, expiresAt: input.expiresAt ?? null })
      .returning();
    await recordAudit(tx, {
      actorUserId: input.user.id,
      actorEmail: input.user.email,
      role: "partner",
      organisationId,
      action: "api_token.create",
      targetType: "api_token",
      targetId: row!.id,
      outcome: "success",
      ip: input.meta?.ip,
      userAgent: input.meta?.userAgent,
      details: { tokenPrefix: prefix, name: parsed.data, expiresAt: row!.expiresAt?.toISOString() ?? null },
    });
    return {
      token,
      summary: { id: row!.id, name: row!.name, prefix: row!.prefix, createdAt: row!.createdAt, lastUsedAt: null, revokedAt: null, expiresAt: row!.expiresAt ?? null },
    };
  });
}

/** The organisation's tokens, newest first (never the tokens themselves). */
export async function listApiTokens(db: Database, user: SessionUser): Promise<ApiTokenSummary[]> {
  const organisationId = tokenOrganisationFor(user);
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
      expiresAt: apiTokens.expiresAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.organisationId, organisationId))
    .orderBy(desc(apiTokens.createdAt));
}

/** Revokes one of the organisation's tokens; another organisation's token id is "not found". */
export async function revokeApiToken(db: Database, input: { user: SessionUser; tokenId: string; now: Date; meta?: RequestMeta }): Promise<void> {
  return auditTokenRefusal(db, { user: input.user, action: "api_token.revoke", targetId: input.tokenId, meta: input.meta }, () => revokeToken(db, input));
}

async function revokeToken(db: Database, input: { user: SessionUser; tokenId: string; now: Date; meta?: RequestMeta }): Promise<void> {
  const organisationId = tokenOrganisationFor(input.user);
  if (!z.uuid().safeParse(input.tokenId).success) throw new AppError("NOT_FOUND", "No such API token.");
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: input.now })
      .where(and(eq(apiTokens.id, input.tokenId), eq(apiTokens.organisationId, organisationId), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id, prefix: apiTokens.prefix });
    if (!row) throw new AppError("NOT_FOUND", "No such API token, or it is already revoked.");
    await recordAudit(tx, {
      actorUserId: input.user.id,
      actorEmail: input.user.email,
      role: "partner",
      organisationId,
      action: "api_token.revoke",
      targetType: "api_token",
      targetId: row.id,
      outcome: "success",
      ip: input.meta?.ip,
      userAgent: input.meta?.userAgent,
      details: { tokenPrefix: row.prefix },
    });
  });
}

/**
 * Issue 10, item 7: a refused token creation or revocation (not a partner, bad name,
 * another organisation's or an unknown token id) is an audit event, written outside the
 * refused transaction. The token id is recorded as sent (bounded); never a token value.
 */
async function auditTokenRefusal<T>(
  db: Database,
  input: { user: SessionUser; action: string; targetId?: unknown; meta?: RequestMeta },
  operation: () => Promise<T>,
): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof AppError && ["FORBIDDEN", "NOT_FOUND", "INVALID_INPUT", "CONFLICT"].includes(error.code)) {
      await recordAudit(db, {
        actorUserId: input.user.id,
        actorEmail: input.user.email,
        role: input.user.roles.join(","),
        organisationId: input.user.memberships[0]?.organisationId,
        action: input.action,
        targetType: "api_token",
        targetId: typeof input.targetId === "string" ? input.targetId.slice(0, 64) : null,
        outcome: "refused",
        ip: input.meta?.ip,
        userAgent: input.meta?.userAgent,
        details: { code: error.code },
      });
    }
    throw error;
  }
}
