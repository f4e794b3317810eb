/**
 * Enablement windows: recurring ones (weekdays, local start, duration, IANA zone, capacity)
 * expanded into concrete UTC rows ahead of time, one-off windows, and blackout dates on
 * which no window opens. Concrete rows are what capacity is counted and locked against.
 */
import { and, asc, eq, gte, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/auth/app-error";
import type { Database } from "@/lib/db";
import { blackoutDates, enablements, enablementWindows, windowRecurrences } from "@/lib/db";
import { refuse, requireScheduler, who, type Actor } from "./access";
import { loadSchedulingSettings } from "./settings";
import { addCivilDays, civilWeekday, formatInZone, isValidTimeZone, localDate, MS, parseClock, zonedToUtc } from "./time";

/**
 * Seats taken in a window row of the outer query. Written out with the table name: Drizzle
 * leaves columns unqualified in single-table queries, and an unqualified "id" inside the
 * subquery would silently mean the enablement's own id.
 */
function bookedCount() {
  return sql<number>`(select count(*)::int from enablements e where e.window_id = enablement_windows.id and e.status in ('scheduled','active'))`;
}

export type RecurrenceSpec = {
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  weekdays: number[];
  /** "HH:MM", local wall-clock time in `timeZone`. */
  startTime: string;
  durationMinutes: number;
  timeZone: string;
  capacity: number;
};

export type ConcreteWindow = { startsAt: Date; endsAt: Date; localDate: string };

/** How far ahead recurring windows are materialised as rows. */
export const WINDOW_HORIZON_DAYS = 56;

export const recurrenceInputSchema = z.object({
  programId: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  environmentKey: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
  startTime: z.string().refine((v) => parseClock(v) !== null, "start time must be HH:MM (00:00–23:59)"),
  durationMinutes: z.number().int().min(15).max(24 * 60),
  timeZone: z.string().refine(isValidTimeZone, "unknown time zone (use an IANA name such as Europe/Vilnius)"),
  capacity: z.number().int().min(1).max(1000),
});
export type RecurrenceInput = z.infer<typeof recurrenceInputSchema>;

/**
 * The concrete UTC windows of a recurrence whose start falls in [from, to), skipping
 * blackout dates (civil dates in `blackoutZone`). DST-correct: "10:00 Europe/Vilnius" is
 * 08:00Z in summer and 07:00Z in winter.
 *
 * @example
 * expandRecurrence({ weekdays: [2], startTime: "10:00", durationMinutes: 120, timeZone: "Europe/Vilnius", capacity: 3 },
 *   { from: new Date("2026-11-30T00:00Z"), to: new Date("2026-12-07T00:00Z") }) // [{ startsAt: 2026-12-01T08:00Z, … }]
 */
export function expandRecurrence(
  spec: RecurrenceSpec,
  range: { from: Date; to: Date; blackoutDates?: ReadonlySet<string>; blackoutZone?: string },
): ConcreteWindow[] {
  const clock = parseClock(spec.startTime);
  if (!clock) throw new Error(`invalid start time ${JSON.stringify(spec.startTime)}`);
  const out: ConcreteWindow[] = [];
  // Walk local civil dates from the day before `from` (a zone ahead of UTC) to the day after `to`.
  let date = addCivilDays(localDate(range.from, spec.timeZone), -1);
  const last = addCivilDays(localDate(range.to, spec.timeZone), 1);
  const weekdays = new Set(spec.weekdays);
  for (; date <= last; date = addCivilDays(date, 1)) {
    if (!weekdays.has(civilWeekday(date))) continue;
    const [year, month, day] = date.split("-").map(Number) as [number, number, number];
    const startsAt = zonedToUtc({ year, month, day, hour: clock.hour, minute: clock.minute }, spec.timeZone);
    if (startsAt < range.from || startsAt >= range.to) continue;
    if (range.blackoutDates?.has(localDate(startsAt, range.blackoutZone ?? spec.timeZone))) continue;
    // Duration is elapsed time: a window over a DST change still lasts what it says.
    out.push({ startsAt, endsAt: new Date(startsAt.getTime() + spec.durationMinutes * MS.MINUTE), localDate: date });
  }
  return out;
}

/** Blackout dates of a program environment (those for the whole program included). */
export async function loadBlackoutDates(db: Database, scope: { programId: string; environmentKey: string }): Promise<Map<string, string>> {
  const rows = await db
    .select({ date: blackoutDates.date, reason: blackoutDates.reason })
    .from(blackoutDates)
    .where(and(eq(blackoutDates.programId, scope.programId), or(isNull(blackoutDates.environmentKey), eq(blackoutDates.environmentKey, scope.environmentKey))));
  return new Map(rows.map((r) => [r.date, r.reason]));
}

/**
 * Creates the rows of every active recurrence's windows up to `horizonDays` ahead.
 * Idempotent and safe concurrently: each recurrence row is locked while its existing
 * windows are read, so two runs cannot both insert the same occurrence.
 */
export async function materializeWindows(db: Database, input: { now: Date; horizonDays?: number; recurrenceId?: string }): Promise<{ created: number }> {
  const to = new Date(input.now.getTime() + (input.horizonDays ?? WINDOW_HORIZON_DAYS) * MS.DAY);
  const recurrences = await db
    .select({ id: windowRecurrences.id })
    .from(windowRecurrences)
    .where(and(eq(windowRecurrences.active, true), input.recurrenceId ? eq(windowRecurrences.id, input.recurrenceId) : undefined));
  let created = 0;
  for (const { id } of recurrences) {
    created += await db.transaction(async (tx) => {
      const [rec] = await tx.select().from(windowRecurrences).where(and(eq(windowRecurrences.id, id), eq(windowRecurrences.active, true))).for("update");
      if (!rec) return 0;
      const settings = await loadSchedulingSettings(tx, rec.programId);
      const blackouts = await loadBlackoutDates(tx, rec);
      const wanted = expandRecurrence(rec, { from: input.now, to, blackoutDates: new Set(blackouts.keys()), blackoutZone: settings.timeZone });
      if (wanted.length === 0) return 0;
      const existing = await tx
        .select({ startsAt: enablementWindows.startsAt })
        .from(enablementWindows)
        .where(and(eq(enablementWindows.recurrenceId, rec.id), gte(enablementWindows.startsAt, input.now)));
      const have = new Set(existing.map((w) => w.startsAt.getTime()));
      const rows = wanted
        .filter((w) => !have.has(w.startsAt.getTime()))
        .map((w) => ({ programId: rec.programId, environmentKey: rec.environmentKey, recurrenceId: rec.id, startsAt: w.startsAt, endsAt: w.endsAt, capacity: rec.capacity, createdBy: rec.createdBy }));
      if (rows.length) await tx.insert(enablementWindows).values(rows);
      return rows.length;
    });
  }
  return { created };
}

/** Support adds a recurring window; its occurrences are materialised at once. */
export async function createRecurrence(db: Database, input: { actor: Actor; now: Date; recurrence: RecurrenceInput }): Promise<{ id: string; windowsCreated: number }> {
  await requireScheduler(db, input.actor, "window.recurrence.create", input.now);
  const spec = recurrenceInputSchema.parse(input.recurrence);
  const { fields, via } = who(input.actor);
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(windowRecurrences)
      .values({ ...spec, weekdays: [...new Set(spec.weekdays)].sort(), createdBy: input.actor.kind === "user" ? input.actor.user.id : null })
      .returning({ id: windowRecurrences.id });
    await recordAudit(tx, { ...fields, action: "window.recurrence.create", targetType: "window_recurrence", targetId: row!.id, outcome: "success", at: input.now, details: { ...via, ...spec } });
    return row!.id;
  });
  const { created } = await materializeWindows(db, { now: input.now, recurrenceId: id });
  return { id, windowsCreated: created };
}

/**
 * Stops a recurrence: no new occurrences; its future windows without enablements are
 * cancelled, those with enablements stay (support moves them explicitly).
 */
export async function deactivateRecurrence(db: Database, input: { actor: Actor; now: Date; recurrenceId: string }): Promise<{ cancelledWindows: number; keptWindows: number }> {
  await requireScheduler(db, input.actor, "window.recurrence.deactivate", input.now);
  const { fields, via } = who(input.actor);
  return db.transaction(async (tx) => {
    const [rec] = await tx.update(windowRecurrences).set({ active: false }).where(eq(windowRecurrences.id, input.recurrenceId)).returning({ id: windowRecurrences.id });
    if (!rec) throw new AppError("NOT_FOUND", "That recurring window does not exist.");
    const future = await tx
      .select({ id: enablementWindows.id, used: bookedCount() })
      .from(enablementWindows)
      .where(and(eq(enablementWindows.recurrenceId, rec.id), eq(enablementWindows.status, "planned"), gte(enablementWindows.startsAt, input.now)))
      .for("update");
    const empty = future.filter((w) => w.used === 0).map((w) => w.id);
    if (empty.length) {
      await tx.update(enablementWindows).set({ status: "cancelled", cancelReason: "recurrence stopped" }).where(inArray(enablementWindows.id, empty));
    }
    await recordAudit(tx, { ...fields, action: "window.recurrence.deactivate", targetType: "window_recurrence", targetId: rec.id, outcome: "success", at: input.now, details: { ...via, cancelledWindows: empty.length } });
    return { cancelledWindows: empty.length, keptWindows: future.length - empty.length };
  });
}

export const oneOffWindowSchema = z.object({
  programId: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  environmentKey: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  startsAt: z.date(),
  durationMinutes: z.number().int().min(15).max(24 * 60),
  capacity: z.number().int().min(1).max(1000),
});

/** Support adds a single window (a catch-up slot, an extra production change). */
export async function createOneOffWindow(db: Database, input: { actor: Actor; now: Date; window: z.infer<typeof oneOffWindowSchema> }): Promise<{ id: string }> {
  await requireScheduler(db, input.actor, "window.create", input.now);
  const w = oneOffWindowSchema.parse(input.window);
  const settings = await loadSchedulingSettings(db, w.programId);
  if (w.startsAt <= input.now) {
    await refuse(db, { actor: input.actor, action: "window.create", code: "INVALID_INPUT", message: `A window must start in the future; ${formatInZone(w.startsAt, settings.timeZone)} has passed.`, at: input.now });
  }
  const blackouts = await loadBlackoutDates(db, w);
  const day = localDate(w.startsAt, settings.timeZone);
  if (blackouts.has(day)) {
    await refuse(db, { actor: input.actor, action: "window.create", code: "CONFLICT", message: `${day} is a blackout date (${blackouts.get(day)}); no window can open on it.`, at: input.now });
  }
  const { fields, via } = who(input.actor);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(enablementWindows)
      .values({ programId: w.programId, environmentKey: w.environmentKey, startsAt: w.startsAt, endsAt: new Date(w.startsAt.getTime() + w.durationMinutes * MS.MINUTE), capacity: w.capacity, createdBy: input.actor.kind === "user" ? input.actor.user.id : null })
      .returning({ id: enablementWindows.id });
    await recordAudit(tx, { ...fields, action: "window.create", targetType: "enablement_window", targetId: row!.id, outcome: "success", at: input.now, details: { ...via, ...w, startsAt: w.startsAt.toISOString() } });
    return { id: row!.id };
  });
}

export const blackoutInputSchema = z.object({
  programId: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  /** Omitted: the whole program (every environment). */
  environmentKey: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).optional(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "date must be YYYY-MM-DD"),
  reason: z.string().trim().min(3).max(200),
});

/**
 * Declares a blackout date. Planned windows on it without enablements are cancelled; if
 * enablements are already booked on it the date is refused, naming the windows, so no
 * partner's booked change silently disappears.
 */
export async function addBlackoutDate(db: Database, input: { actor: Actor; now: Date; blackout: z.infer<typeof blackoutInputSchema> }): Promise<{ id: string; cancelledWindows: number }> {
  await requireScheduler(db, input.actor, "window.blackout.add", input.now);
  const b = blackoutInputSchema.parse(input.blackout);
  const settings = await loadSchedulingSettings(db, b.programId);
  const { fields, via } = who(input.actor);
  // The civil date in the provider's zone spans these instants (with a day's slack either side, filtered below).
  const [y, m, d] = b.date.split("-").map(Number) as [number, number, number];
  const from = new Date(Date.UTC(y, m - 1, d) - MS.DAY);
  const to = new Date(Date.UTC(y, m - 1, d) + 2 * MS.DAY);
  const result = await db.transaction(async (tx): Promise<{ refused: string } | { id: string; cancelledWindows: number }> => {
    const candidates = await tx
      .select({
        id: enablementWindows.id,
        startsAt: enablementWindows.startsAt,
        used: bookedCount(),
      })
      .from(enablementWindows)
      .where(
        and(
          eq(enablementWindows.programId, b.programId),
          b.environmentKey ? eq(enablementWindows.environmentKey, b.environmentKey) : undefined,
          eq(enablementWindows.status, "planned"),
          gte(enablementWindows.startsAt, from),
          lt(enablementWindows.startsAt, to),
        ),
      )
      .for("update");
    const onDate = candidates.filter((w) => localDate(w.startsAt, settings.timeZone) === b.date);
    const booked = onDate.filter((w) => w.used > 0);
    if (booked.length) {
      return {
        refused: `Enablements are booked on ${b.date} (${booked.map((w) => formatInZone(w.startsAt, settings.timeZone)).join(", ")}); move or cancel them first.`,
      };
    }
    const [row] = await tx.insert(blackoutDates).values({ programId: b.programId, environmentKey: b.environmentKey ?? null, date: b.date, reason: b.reason }).returning({ id: blackoutDates.id });
    if (onDate.length) {
      await tx.update(enablementWindows).set({ status: "cancelled", cancelReason: `blackout: ${b.reason}` }).where(inArray(enablementWindows.id, onDate.map((w) => w.id)));
    }
    await recordAudit(tx, { ...fields, action: "window.blackout.add", targetType: "blackout_date", targetId: row!.id, outcome: "success", at: input.now, details: { ...via, ...b, cancelledWindows: onDate.length } });
    return { id: row!.id, cancelledWindows: onDate.length };
  });
  if ("refused" in result) {
    return refuse(db, { actor: input.actor, action: "window.blackout.add", code: "CONFLICT", message: result.refused, at: input.now });
  }
  return result;
}

/** Removes a blackout date; recurring windows on it come back at the next materialisation. */
export async function removeBlackoutDate(db: Database, input: { actor: Actor; now: Date; blackoutId: string }): Promise<void> {
  await requireScheduler(db, input.actor, "window.blackout.remove", input.now);
  const { fields, via } = who(input.actor);
  await db.transaction(async (tx) => {
    const [row] = await tx.delete(blackoutDates).where(eq(blackoutDates.id, input.blackoutId)).returning();
    if (!row) throw new AppError("NOT_FOUND", "That blackout date does not exist.");
    await recordAudit(tx, { ...fields, action: "window.blackout.remove", targetType: "blackout_date", targetId: row.id, outcome: "success", at: input.now, details: { ...via, programId: row.programId, date: row.date } });
    // Cancelled occurrences on that date are recreated: drop the cancelled placeholders first.
    await tx
      .delete(enablementWindows)
      .where(and(eq(enablementWindows.programId, row.programId), eq(enablementWindows.status, "cancelled"), sql`${enablementWindows.cancelReason} like 'blackout:%'`, sql`not exists (select 1 from enablements e where e.window_id = enablement_windows.id)`));
  });
  await materializeWindows(db, { now: input.now });
}

/** Cancels a window; refused while enablements are booked in it (they must be moved first). */
export async function cancelWindow(db: Database, input: { actor: Actor; now: Date; windowId: string; reason: string }): Promise<void> {
  await requireScheduler(db, input.actor, "window.cancel", input.now);
  const reason = input.reason.trim();
  if (reason.length < 3) throw new AppError("INVALID_INPUT", "Give a reason for cancelling the window.");
  const { fields, via } = who(input.actor);
  const outcome = await db.transaction(async (tx) => {
    const [w] = await tx.select().from(enablementWindows).where(eq(enablementWindows.id, input.windowId)).for("update");
    if (!w) throw new AppError("NOT_FOUND", "That window does not exist.");
    if (w.status !== "planned") return { refused: `This window is ${w.status}; only a planned window can be cancelled.` };
    const [{ used } = { used: 0 }] = await tx
      .select({ used: sql<number>`count(*)::int` })
      .from(enablements)
      .where(and(eq(enablements.windowId, w.id), eq(enablements.status, "scheduled")));
    if (used > 0) return { refused: `${used} enablement${used === 1 ? " is" : "s are"} booked in this window; reschedule or cancel ${used === 1 ? "it" : "them"} first.` };
    await tx.update(enablementWindows).set({ status: "cancelled", cancelReason: reason }).where(eq(enablementWindows.id, w.id));
    await recordAudit(tx, { ...fields, action: "window.cancel", targetType: "enablement_window", targetId: w.id, outcome: "success", at: input.now, details: { ...via, reason } });
    return { ok: true };
  });
  if ("refused" in outcome) await refuse(db, { actor: input.actor, action: "window.cancel", code: "CONFLICT", message: outcome.refused!, targetType: "enablement_window", targetId: input.windowId, at: input.now });
}

export type WindowView = {
  id: string;
  programId: string;
  environmentKey: string;
  recurrenceId: string | null;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  booked: number;
  status: "planned" | "open" | "closed" | "cancelled";
  cancelReason: string | null;
};

/** Windows of a program environment starting in [from, to), with how many enablements each holds. */
export async function listWindows(db: Database, input: { programId: string; environmentKey?: string; from: Date; to: Date }): Promise<WindowView[]> {
  return db
    .select({
      id: enablementWindows.id,
      programId: enablementWindows.programId,
      environmentKey: enablementWindows.environmentKey,
      recurrenceId: enablementWindows.recurrenceId,
      startsAt: enablementWindows.startsAt,
      endsAt: enablementWindows.endsAt,
      capacity: enablementWindows.capacity,
      status: enablementWindows.status,
      cancelReason: enablementWindows.cancelReason,
      booked: bookedCount(),
    })
    .from(enablementWindows)
    .where(
      and(
        eq(enablementWindows.programId, input.programId),
        input.environmentKey ? eq(enablementWindows.environmentKey, input.environmentKey) : undefined,
        gte(enablementWindows.startsAt, input.from),
        lt(enablementWindows.startsAt, input.to),
      ),
    )
    .orderBy(asc(enablementWindows.startsAt));
}

export async function listRecurrences(db: Database, input: { programId?: string } = {}) {
  return db
    .select()
    .from(windowRecurrences)
    .where(input.programId ? eq(windowRecurrences.programId, input.programId) : undefined)
    .orderBy(asc(windowRecurrences.programId), asc(windowRecurrences.environmentKey), asc(windowRecurrences.createdAt));
}

export async function listBlackoutDates(db: Database, input: { programId?: string } = {}) {
  return db
    .select()
    .from(blackoutDates)
    .where(input.programId ? eq(blackoutDates.programId, input.programId) : undefined)
    .orderBy(asc(blackoutDates.date));
}
