/**
 * Who may plan enablements: support and admin staff only (reviewers decide, they do not
 * schedule). Every domain function checks it itself: server actions are public endpoints.
 */
import { recordAudit } from "@/lib/audit";
import { hasRole, isStaff } from "@/lib/auth/access";
import { AppError, type AppErrorCode } from "@/lib/auth/app-error";
import type { Database } from "@/lib/db";
import { actorAsUser, auditActor, type Actor } from "@/lib/submissions/actor";

export type { Actor };

export const SCHEDULER_ROLES = ["support", "admin"] as const;

export function isScheduler(actor: Actor): boolean {
  return actor.kind === "user" && hasRole(actor.user, SCHEDULER_ROLES);
}

export function isStaffActor(actor: Actor): boolean {
  return actor.kind === "user" && isStaff(actor.user);
}

/** The audit fields of an actor, without the `via` details split out. */
export function who(actor: Actor) {
  const { via, ...fields } = auditActor(actor);
  return { fields, via };
}

/**
 * Audits a refusal (outside any transaction, which is about to roll back) and throws it.
 * Refusals are audited too: repeated refused attempts are what an investigation looks for.
 */
export async function refuse(
  db: Database,
  input: { actor: Actor; action: string; code: AppErrorCode; message: string; targetType?: string; targetId?: string; organisationId?: string | null; at: Date },
): Promise<never> {
  const { fields, via } = who(input.actor);
  await recordAudit(db, {
    ...fields,
    organisationId: input.organisationId ?? null,
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId,
    outcome: "refused",
    at: input.at,
    details: { ...via, code: input.code, reason: input.message },
  });
  throw new AppError(input.code, input.message);
}

/** Support/admin or an audited FORBIDDEN. */
export async function requireScheduler(db: Database, actor: Actor, action: string, at: Date): Promise<void> {
  if (isScheduler(actor)) return;
  await refuse(db, { actor, action, code: "FORBIDDEN", message: "Only support staff can plan enablement windows and schedule certificates.", at });
}

export { actorAsUser };
