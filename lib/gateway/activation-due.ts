/**
 * "When must the activation job next run?", kept in S3 so the per-minute tick on AWS can
 * answer it without waking the database.
 *
 * One empty object per due instant: `schedule/activation-due/<yyyymmddThhmmssZ>`. Writers
 * only ever add markers (no read-modify-write, so concurrent bookings cannot lose one);
 * keys sort chronologically, so the tick lists the prefix and looks at the first key.
 *
 * - a booking, a move, an immediate enablement, a revocation: the portal adds the instant it
 *   becomes due (the window's start, or now);
 * - each activation run removes the markers it has served and adds the next instants it
 *   knows from the database: the next booked window, the next end of an overlap, the next
 *   expiry.
 */
import { and, eq, gt, inArray, isNotNull, min } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { certificates, enablements, enablementWindows } from "@/lib/db";
import type { Storage } from "@/lib/storage";
import { DUE_PREFIX, dueAt, dueKey, SERVED_GRACE_MS } from "./due-keys";

export { DUE_PREFIX, dueAt, dueKey, SERVED_GRACE_MS };

export async function markActivationDue(storage: Pick<Storage, "putPlain">, at: Date): Promise<void> {
  await storage.putPlain({ key: dueKey(at), bytes: new Uint8Array(), contentType: "text/plain" });
}

/**
 * The job's part: drop markers up to `now` (served by this run) and add the next instants the
 * database knows. Called at the end of every activation run; failures are the caller's to log.
 */
export async function planActivationDue(deps: { db: Database; storage: Pick<Storage, "putPlain" | "listKeys" | "deleteObject">; now: Date }): Promise<{ removed: number; planned: string[] }> {
  const { db, storage, now } = deps;
  const [window] = await db
    .select({ at: min(enablementWindows.startsAt) })
    .from(enablements)
    .innerJoin(enablementWindows, eq(enablementWindows.id, enablements.windowId))
    .where(and(eq(enablements.status, "scheduled"), gt(enablementWindows.startsAt, now)));
  const [overlap] = await db
    .select({ at: min(certificates.retiresAt) })
    .from(certificates)
    .where(and(eq(certificates.status, "retiring"), isNotNull(certificates.retiresAt), gt(certificates.retiresAt, now)));
  const [expiry] = await db
    .select({ at: min(certificates.notAfter) })
    .from(certificates)
    .where(and(inArray(certificates.status, ["active", "retiring"]), gt(certificates.notAfter, now)));
  const planned: string[] = [];
  for (const at of [window?.at, overlap?.at, expiry?.at]) {
    if (!at) continue;
    await markActivationDue(storage, at);
    planned.push(dueKey(at));
  }
  // A marker is removed two minutes after its instant, not at once: a booking committed while
  // this run was already past its claims still gets a run at the next tick.
  const servedBefore = new Date(now.getTime() - SERVED_GRACE_MS);
  let removed = 0;
  for (const key of await storage.listKeys(DUE_PREFIX)) {
    const at = dueAt(key);
    if (at && at <= servedBefore) {
      await storage.deleteObject(key);
      removed++;
    }
  }
  return { removed, planned };
}

/**
 * The portal's part, after a booking, a move or a revocation has committed: best effort. The
 * change itself stands either way; a lost marker costs lateness (the next planned instant or
 * the daily run), never a wrong activation, so a failure is logged, not shown to the user.
 */
export async function noteActivationDue(storage: Pick<Storage, "putPlain">, at: Date): Promise<void> {
  try {
    await markActivationDue(storage, at);
  } catch (error) {
    console.error(`scheduling: could not write the activation due marker for ${at.toISOString()}; the daily run catches up`, error);
  }
}
