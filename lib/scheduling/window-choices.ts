/**
 * What the support schedule page offers for one certificate: every upcoming window of its
 * program environment with the verdict of {@link checkEligibility} (the function the
 * booking itself is refused by), and whether "immediately" is allowed. Nothing is offered
 * that the server would refuse at this moment; a refusal can still come from a change made
 * between the page and the click (another booking, a cancelled window), and says so.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { certificates, developerApps, enablements, submissions } from "@/lib/db";
import { requireScheduler, type Actor } from "./access";
import { checkEligibility, type Eligibility, type EligibilityWindow } from "./eligibility";
import { eligibilityCertificate, findPendingBooking, findReplacedCertificate, loadSchedulable } from "./rules";
import { loadSchedulingSettings } from "./settings";
import { formatInZone } from "./time";
import { loadBlackoutDates } from "./windows";

export type WindowChoice = { windowId: string; startsAt: Date; endsAt: Date; booked: number; capacity: number; eligibility: Eligibility };
export type WindowChoices = { immediate: Eligibility; windows: WindowChoice[] };

/**
 * The choices for booking an approved certificate (`enablementId` omitted) or for moving the
 * booking `enablementId` (its own seat not counted, its current window left out).
 */
export async function windowChoices(
  db: Database,
  input: {
    actor: Actor;
    now: Date;
    submissionId: string;
    viewerTimeZone: string;
    /** Upcoming windows of the certificate's program environment (listWindows), with their seat counts. */
    windows: (EligibilityWindow & { id: string })[];
    enablementId?: string;
    currentWindowId?: string | null;
  },
): Promise<WindowChoices> {
  await requireScheduler(db, input.actor, "enablement.list-ready", input.now);
  const s = await loadSchedulable(db, input.submissionId);
  const settings = await loadSchedulingSettings(db, s.programId);
  const [replaced, blackouts, pending] = await Promise.all([
    findReplacedCertificate(db, s),
    loadBlackoutDates(db, s),
    input.enablementId ? Promise.resolve(null) : findPendingBooking(db, s),
  ]);
  const facts = { certificate: eligibilityCertificate(s), replaced, settings, blackouts, now: input.now, viewerTimeZone: input.viewerTimeZone };
  // One booking per app environment: while another certificate is booked, nothing is offered.
  const blocked: Eligibility | null = pending
    ? {
        eligible: false,
        code: "CONFLICT",
        message: `${s.appName}'s ${s.environmentLabel} already has a certificate booked (${pending.subject}, ${pending.startsAt ? `window of ${formatInZone(pending.startsAt, input.viewerTimeZone, { year: false })}` : "immediate"}); move or cancel that booking first.`,
        reason: "another certificate is booked for this environment",
      }
    : null;
  const own = input.enablementId;
  const seats = own ? await ownSeat(db, own) : null;
  return {
    immediate: blocked ?? checkEligibility(facts, "immediate"),
    windows: input.windows
      .filter((w) => w.id !== input.currentWindowId)
      .map((w) => {
        const booked = seats && seats.windowId === w.id ? w.booked - 1 : w.booked;
        return {
          windowId: w.id,
          startsAt: w.startsAt,
          endsAt: w.endsAt,
          booked,
          capacity: w.capacity,
          eligibility: blocked ?? checkEligibility(facts, { ...w, booked }),
        };
      }),
  };
}

async function ownSeat(db: Database, enablementId: string): Promise<{ windowId: string | null } | null> {
  const [row] = await db.select({ windowId: enablements.windowId }).from(enablements).where(eq(enablements.id, enablementId)).limit(1);
  return row ?? null;
}

export type WindowBooking = { windowId: string; enablementId: string; status: string; appId: string; appName: string; leafSubject: string | null };

/** The certificates booked (scheduled or active) in each of `windowIds`, for the calendar's cells. */
export async function listWindowBookings(db: Database, input: { actor: Actor; now: Date; windowIds: string[] }): Promise<Map<string, WindowBooking[]>> {
  await requireScheduler(db, input.actor, "enablement.list", input.now);
  const out = new Map<string, WindowBooking[]>();
  if (input.windowIds.length === 0) return out;
  const rows = await db
    .select({
      windowId: enablements.windowId,
      enablementId: enablements.id,
      status: enablements.status,
      appId: developerApps.id,
      appName: developerApps.name,
      submissionId: submissions.id,
    })
    .from(enablements)
    .innerJoin(submissions, eq(submissions.id, enablements.submissionId))
    .innerJoin(developerApps, eq(developerApps.id, submissions.appId))
    .where(and(inArray(enablements.windowId, input.windowIds), inArray(enablements.status, ["scheduled", "active"])));
  const leafs = rows.length
    ? await db
        .select({ submissionId: certificates.submissionId, subject: certificates.subject })
        .from(certificates)
        .where(and(inArray(certificates.submissionId, rows.map((r) => r.submissionId)), eq(certificates.role, "leaf")))
    : [];
  const leafOf = new Map(leafs.map((l) => [l.submissionId, l.subject]));
  for (const r of rows) {
    if (!r.windowId) continue;
    const list = out.get(r.windowId) ?? [];
    list.push({ windowId: r.windowId, enablementId: r.enablementId, status: r.status, appId: r.appId, appName: r.appName, leafSubject: leafOf.get(r.submissionId) ?? null });
    out.set(r.windowId, list);
  }
  return out;
}
