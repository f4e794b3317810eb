/** Support moves a scheduled enablement to another window, with a reason the partner sees. */
import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/auth/app-error";
import type { Database } from "@/lib/db";
import { enablements } from "@/lib/db";
import { notify } from "@/lib/notifications/notify";
import { refuse, requireScheduler, who, type Actor } from "./access";
import { lockEnablement } from "./load-enablement";
import { checkWindowRules, findReplacedCertificate, loadSchedulable, lockWindow, Refusal } from "./rules";
import { environmentLink } from "./schedule-enablement";
import { loadSchedulingSettings } from "./settings";
import { formatInZone } from "./time";

export async function rescheduleEnablement(
  db: Database,
  input: { actor: Actor; now: Date; enablementId: string; windowId: string; reason: string; viewerTimeZone?: string },
): Promise<{ enablementId: string; windowId: string; startsAt: Date }> {
  const action = "enablement.reschedule";
  await requireScheduler(db, input.actor, action, input.now);
  const reason = input.reason.trim();
  if (reason.length < 3 || reason.length > 500) throw new AppError("INVALID_INPUT", "Give a reason for the change (3–500 characters); the partner sees it.");
  const { fields, via } = who(input.actor);
  let organisationId: string | null = null;
  try {
    return await db.transaction(async (tx) => {
      const e = await lockEnablement(tx, input.enablementId);
      const s = await loadSchedulable(tx, e.submissionId);
      organisationId = s.organisationId;
      if (e.status !== "scheduled") throw new Refusal("CONFLICT", `This enablement is ${e.status}; only a scheduled one can be moved.`);
      if (e.windowId === input.windowId) throw new Refusal("INVALID_INPUT", "The enablement is already in that window.");
      const settings = await loadSchedulingSettings(tx, s.programId);
      const zone = input.viewerTimeZone ?? settings.timeZone;
      // Lock order: enablement, then window — the same as the activation job, so the two cannot deadlock.
      const window = await lockWindow(tx, input.windowId);
      // The certificate it replaces may have changed since booking (another rotation went live).
      const replaced = await findReplacedCertificate(tx, s);
      await checkWindowRules(tx, { s, window, replaced, settings, now: input.now, viewerTimeZone: zone, excludeEnablementId: e.id });
      await tx.update(enablements).set({ windowId: window.id, replacesCertificateId: replaced?.id ?? null, reason }).where(eq(enablements.id, e.id));
      await recordAudit(tx, {
        ...fields,
        organisationId: s.organisationId,
        action,
        targetType: "enablement",
        targetId: e.id,
        outcome: "success",
        at: input.now,
        details: { ...via, submissionId: s.submissionId, fromWindowId: e.windowId, toWindowId: window.id, startsAt: window.startsAt, reason },
      });
      await notify(tx, {
        organisationId: s.organisationId,
        kind: "enablement.rescheduled",
        title: `${s.appName} ${s.environmentLabel}: enablement moved`,
        body:
          `Your certificate ${s.leaf?.subject ?? ""} will now be enabled in the window of ${formatInZone(window.startsAt, settings.timeZone)}` +
          (e.window ? ` (was ${formatInZone(e.window.startsAt, settings.timeZone)})` : "") +
          `. Reason: ${reason}. Download the new calendar entry from the environment page.`,
        link: environmentLink(s),
        email: true,
      });
      return { enablementId: e.id, windowId: window.id, startsAt: window.startsAt };
    });
  } catch (error) {
    if (error instanceof Refusal) {
      return refuse(db, { actor: input.actor, action, code: error.code, message: error.message, targetType: "enablement", targetId: input.enablementId, organisationId, at: input.now });
    }
    throw error;
  }
}
