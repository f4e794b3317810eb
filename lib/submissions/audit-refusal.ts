/**
 * Issue 10, item 7: every refusal of a state-changing or cross-tenant request is an audit
 * event. A probe for other tenants' ids (a run of 404s), a partner trying to withdraw what
 * is not theirs, or a token used against another organisation's app shows up in the
 * trail, not only the requests that worked.
 *
 * The event is written outside the refused operation's transaction (which rolled back),
 * names the target id as sent (bounded), and never says whether the id exists — the
 * caller still gets the same NOT_FOUND as for a made-up id.
 */
import { recordAudit } from "@/lib/audit";
import type { Database } from "@/lib/db";
import { AppError, type AppErrorCode } from "@/lib/auth/app-error";
import { actorAsUser, auditActor, type Actor } from "./actor";

/** The codes that are refusals (not outages): NOT_FOUND covers another tenant's id. */
export const REFUSAL_CODES: readonly AppErrorCode[] = ["NOT_FOUND", "FORBIDDEN", "CONFLICT", "INVALID_INPUT", "UNAUTHENTICATED"];

export type RefusalTarget = {
  /** The action that was refused, e.g. "submission.withdraw". */
  action: string;
  targetType: string;
  targetId: unknown;
  /** Only these codes are audited (default: every refusal code). */
  codes?: readonly AppErrorCode[];
  details?: Record<string, unknown>;
};

/**
 * Runs `operation`; if it throws an AppError refusal, records `<action>` with outcome
 * "refused" and rethrows it unchanged.
 *
 * @example
 * return auditRefusals(db, actor, { action: "submission.withdraw", targetType: "submission", targetId: id }, () => withdraw(...));
 */
export async function auditRefusals<T>(db: Database, actor: Actor, target: RefusalTarget, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof AppError && (target.codes ?? REFUSAL_CODES).includes(error.code)) {
      await recordRefusal(db, actor, target, error.code);
    }
    throw error;
  }
}

async function recordRefusal(db: Database, actor: Actor, target: RefusalTarget, code: AppErrorCode): Promise<void> {
  const { via, ...who } = auditActor(actor);
  const organisationId = actor.kind === "token" ? actor.principal.organisationId : actorAsUser(actor).memberships[0]?.organisationId;
  try {
    await recordAudit(db, {
      ...who,
      organisationId,
      action: target.action,
      targetType: target.targetType,
      targetId: typeof target.targetId === "string" ? target.targetId.slice(0, 64) : null,
      outcome: "refused",
      details: { ...via, code, ...target.details },
    });
  } catch (error) {
    // The audit write failing (database down) must not replace the caller's clear answer.
    console.error("audit: could not record a refusal", error instanceof Error ? error.message : error);
  }
}
