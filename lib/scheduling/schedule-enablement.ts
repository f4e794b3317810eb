/**
 * Support books an approved certificate into an enablement window (or, outside
 * production, enables it at the next activation run). Validate → authorize → act → audit,
 * with the window row locked so concurrent bookings cannot overbook it.
 */
import { and, eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/auth/app-error";
import type { Database } from "@/lib/db";
import { certificates, enablements, environments, submissions } from "@/lib/db";
import { notify } from "@/lib/notifications/notify";
import { refuse, requireScheduler, who, type Actor } from "./access";
import { checkWindowRules, eligibilityCertificate, findPendingBooking, findReplacedCertificate, loadSchedulable, lockWindow, Refusal, type Schedulable } from "./rules";
import { checkEligibility } from "./eligibility";
import { loadSchedulingSettings } from "./settings";
import { formatInZone } from "./time";
import { buildIcs } from "./ics";

export type ScheduleInput = {
  actor: Actor;
  now: Date;
  submissionId: string;
  /** The window to enable in; omit with `immediate` for a non-production environment. */
  windowId?: string;
  /** Non-production only (program setting sandboxImmediate): enable at the next job run, outside windows. */
  immediate?: boolean;
  /** The viewer's zone for messages; defaults to the program's. */
  viewerTimeZone?: string;
};

export type ScheduleResult = { enablementId: string; windowId: string | null; startsAt: Date | null; replacesCertificateId: string | null };

export function environmentLink(s: Pick<Schedulable, "appId" | "environmentKey">): string {
  return `/apps/${s.appId}/environments/${s.environmentKey}`;
}

export async function scheduleEnablement(db: Database, input: ScheduleInput): Promise<ScheduleResult> {
  const action = "enablement.schedule";
  await requireScheduler(db, input.actor, action, input.now);
  const s = await loadSchedulable(db, input.submissionId);
  const settings = await loadSchedulingSettings(db, s.programId);
  const zone = input.viewerTimeZone ?? settings.timeZone;
  const refusal = (code: "CONFLICT" | "INVALID_INPUT" | "NOT_FOUND", message: string) =>
    refuse(db, { actor: input.actor, action, code, message, targetType: "submission", targetId: s.submissionId, organisationId: s.organisationId, at: input.now });

  if (s.purpose !== "mtls") return refusal("INVALID_INPUT", "Only mTLS certificates are enabled at the gateway; this submission is for signatures.");
  if (s.submissionStatus !== "approved") return refusal("CONFLICT", `This submission is ${s.submissionStatus.replace("_", " ")}; only an approved certificate can be scheduled.`);
  if (!s.leaf) return refusal("CONFLICT", "This submission has no certificate yet (a CSR awaiting issuance); it can be scheduled once the certificate is issued.");
  if (input.immediate && input.windowId) return refusal("INVALID_INPUT", "Choose a window or immediate enablement, not both.");
  if (!input.immediate && !input.windowId) return refusal("INVALID_INPUT", "Choose a window.");
  if (input.immediate) {
    // The same rule the support page greys "Immediately" out with.
    const verdict = checkEligibility({ certificate: eligibilityCertificate(s), replaced: null, settings, blackouts: new Map(), now: input.now, viewerTimeZone: zone }, "immediate");
    if (!verdict.eligible) return refusal(verdict.code, verdict.message);
  }
  if (s.leaf.notAfter <= input.now) return refusal("CONFLICT", `The certificate expired ${formatInZone(s.leaf.notAfter, zone)}; it cannot be enabled.`);

  const replaced = await findReplacedCertificate(db, s);
  const { fields, via } = who(input.actor);
  try {
    return await db.transaction(async (tx) => {
      // One booking per app environment at a time: two rotations racing each other would leave
      // the gateway trusting whichever window came last. The environment row serialises bookers.
      await tx.select({ id: environments.id }).from(environments).where(eq(environments.id, s.environmentId)).for("update");
      const pending = await findPendingBooking(tx, s);
      if (pending) {
        throw new Refusal(
          "CONFLICT",
          `${s.appName}'s ${s.environmentLabel} already has a certificate booked (${pending.subject}, ${pending.startsAt ? `window of ${formatInZone(pending.startsAt, zone, { year: false })}` : "immediate"}); move or cancel that booking first.`,
        );
      }
      let window: Awaited<ReturnType<typeof lockWindow>> | null = null;
      if (input.windowId) {
        window = await lockWindow(tx, input.windowId);
        await checkWindowRules(tx, { s, window, replaced, settings, now: input.now, viewerTimeZone: zone });
      }
      // The submission's version guards against a double click or two support engineers
      // booking the same certificate into two windows at once: only one update matches.
      const [moved] = await tx
        .update(submissions)
        .set({ status: "scheduled", version: s.submissionVersion + 1, updatedAt: input.now })
        .where(and(eq(submissions.id, s.submissionId), eq(submissions.status, "approved"), eq(submissions.version, s.submissionVersion)))
        .returning({ id: submissions.id });
      if (!moved) throw new Refusal("CONFLICT", "This certificate was scheduled or changed in the meantime; reload the page.");
      await tx.update(certificates).set({ status: "scheduled" }).where(eq(certificates.submissionId, s.submissionId));
      const [row] = await tx
        .insert(enablements)
        .values({
          submissionId: s.submissionId,
          windowId: window?.id ?? null,
          replacesCertificateId: replaced?.id ?? null,
          status: "scheduled",
          scheduledBy: input.actor.kind === "user" ? input.actor.user.id : null,
        })
        .returning({ id: enablements.id });
      const when = window ? formatInZone(window.startsAt, settings.timeZone) : "within a minute (immediate, outside windows)";
      await recordAudit(tx, {
        ...fields,
        organisationId: s.organisationId,
        action,
        targetType: "enablement",
        targetId: row!.id,
        outcome: "success",
        at: input.now,
        details: { ...via, submissionId: s.submissionId, windowId: window?.id ?? null, startsAt: window?.startsAt ?? null, immediate: !window, replacesCertificateId: replaced?.id ?? null },
      });
      await notify(tx, {
        organisationId: s.organisationId,
        kind: "enablement.scheduled",
        title: `${s.appName} ${s.environmentLabel}: certificate enablement scheduled`,
        body:
          `Your certificate ${s.leaf!.subject} will be enabled ${window ? `in the window of ${when}` : when}.` +
          (replaced ? ` The certificate it replaces (${replaced.subject}) stays trusted for ${settings.overlapHours} hours after that.` : "") +
          (window ? " You can add the window to your calendar from the environment page." : ""),
        link: environmentLink(s),
        email: true,
        // Issue 14: the window travels with the e-mail as an .ics (SESv2 attachments).
        ...(window
          ? {
              attachments: [
                {
                  filename: "certdesk-enablement.ics",
                  contentType: "text/calendar; charset=utf-8; method=PUBLISH",
                  contentBase64: Buffer.from(
                    buildIcs([{ uid: `enablement-${row!.id}@certdesk`, start: window.startsAt, end: window.endsAt, stamp: input.now, summary: `Certificate enablement: ${s.appName} (${s.environmentLabel})`, description: `Your certificate ${s.leaf!.subject} is enabled at the gateway in this window.` }]),
                  ).toString("base64"),
                },
              ],
            }
          : {}),
      });
      return { enablementId: row!.id, windowId: window?.id ?? null, startsAt: window?.startsAt ?? null, replacesCertificateId: replaced?.id ?? null };
    });
  } catch (error) {
    if (error instanceof Refusal) return refusal(error.code as "CONFLICT", error.message);
    if (error instanceof AppError) throw error;
    throw error;
  }
}
