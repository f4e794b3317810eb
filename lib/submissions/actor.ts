/**
 * Who acts on submissions: a signed-in user (the portal) or an organisation through an
 * API token (the partner API). Both go through the same domain functions, and both are
 * scoped by lib/auth/access, so tenancy is decided in one place.
 */
import type { AuditEventInput } from "@/lib/audit";
import { partnerOrganisationIds, type SessionUser } from "@/lib/auth/access";
import { principalAsUser, type ApiPrincipal } from "@/lib/auth/api-tokens";

/** The request's origin details for the audit trail. */
export type RequestMeta = { ip?: string | null; userAgent?: string | null };

export type Actor =
  | { kind: "user"; user: SessionUser; meta?: RequestMeta }
  | { kind: "token"; principal: ApiPrincipal; meta?: RequestMeta };

/** The actor as the scoped loaders of lib/auth/access see it. */
export function actorAsUser(actor: Actor): SessionUser {
  return actor.kind === "user" ? actor.user : principalAsUser(actor.principal);
}

/** Whether the actor may act for (not only look at) the organisation: partners of it, or its tokens. Staff only look. */
export function actsFor(actor: Actor, organisationId: string): boolean {
  return partnerOrganisationIds(actorAsUser(actor)).includes(organisationId);
}

/** The actor fields of an audit event. Tokens are named by their prefix, never their value. */
export function auditActor(actor: Actor): Pick<AuditEventInput, "actorUserId" | "actorEmail" | "role" | "ip" | "userAgent"> & { via: Record<string, unknown> } {
  const meta = actor.meta ?? {};
  if (actor.kind === "user") {
    return {
      actorUserId: actor.user.id,
      actorEmail: actor.user.email,
      role: actor.user.roles.join(","),
      ip: meta.ip,
      userAgent: meta.userAgent,
      via: { via: "portal" },
    };
  }
  return {
    actorUserId: actor.principal.createdBy,
    actorEmail: null,
    role: "partner",
    ip: meta.ip,
    userAgent: meta.userAgent,
    via: { via: "api", tokenId: actor.principal.tokenId, tokenPrefix: actor.principal.tokenPrefix },
  };
}
