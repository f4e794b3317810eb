/** Support cancels a scheduled enablement; the certificate goes back to "approved", ready to schedule again. */
import { and, eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/auth/app-error";
import type { Database } from "@/lib/db";
import { certificates, enablements, submissions } from "@/lib/db";
import { notify } from "@/lib/notifications/notify";
import { refuse, requireScheduler, who, type Actor } from "./access";
import { lockEnablement } from "./load-enablement";
import { loadSchedulable, Refusal } from "./rules";
import { environmentLink } from "./schedule-enablement";

export async function cancelEnablement(db: Database, input: { actor: Actor; now: Date; enablementId: string; reason: string }): Promise<{ enablementId: string }> {
  const action = "enablement.cancel";
  await requireScheduler(db, input.actor, action, input.now);
  const reason = input.reason.trim();
  if (reason.length < 3 || reason.length > 500) throw new AppError("INVALID_INPUT", "Give a reason for cancelling (3–500 characters); the partner sees it.");
  const { fields, via } = who(input.actor);
  let organisationId: string | null = null;
  try {
    return await db.transaction(async (tx) => {
      const e = await lockEnablement(tx, input.enablementId);
      const s = await loadSchedulable(tx, e.submissionId);
      organisationId = s.organisationId;
      if (e.status !== "scheduled") throw new Refusal("CONFLICT", `This enablement is ${e.status}; only a scheduled one can be cancelled.`);
      await tx.update(enablements).set({ status: "cancelled", reason }).where(eq(enablements.id, e.id));
      await tx
        .update(submissions)
        .set({ status: "approved", version: s.submissionVersion + 1, updatedAt: input.now })
        .where(and(eq(submissions.id, s.submissionId), eq(submissions.status, "scheduled")));
      await tx.update(certificates).set({ status: "approved" }).where(and(eq(certificates.submissionId, s.submissionId), eq(certificates.status, "scheduled")));
      await recordAudit(tx, {
        ...fields,
        organisationId: s.organisationId,
        action,
        targetType: "enablement",
        targetId: e.id,
        outcome: "success",
        at: input.now,
        details: { ...via, submissionId: s.submissionId, windowId: e.windowId, reason },
      });
      await notify(tx, {
        organisationId: s.organisationId,
        kind: "enablement.cancelled",
        title: `${s.appName} ${s.environmentLabel}: enablement cancelled`,
        body: `The enablement of your certificate ${s.leaf?.subject ?? ""} was cancelled. Reason: ${reason}. Support will schedule it again.`,
        link: environmentLink(s),
        email: true,
      });
      return { enablementId: e.id };
    });
  } catch (error) {
    if (error instanceof Refusal) {
      return refuse(db, { actor: input.actor, action, code: error.code, message: error.message, targetType: "enablement", targetId: input.enablementId, organisationId, at: input.now });
    }
    throw error;
  }
}
