"use server";
/**
 * Support's scheduling actions: validate (zod) → authorize and act (lib/scheduling decides,
 * refuses with a message and audits) → revalidate. Thin on purpose: server actions are
 * public endpoints, so every rule lives in the domain function they call.
 */
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { headers } from "next/headers";
import { z } from "zod";
import { toPublicError } from "@/lib/auth/app-error";
import { clientIpFrom, userAgentFrom } from "@/lib/auth/client-ip";
import { requireApiUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import {
  addBlackoutDate,
  cancelEnablement,
  cancelWindow,
  createOneOffWindow,
  createRecurrence,
  deactivateRecurrence,
  formatInZone,
  formatInZones,
  isValidTimeZone,
  removeBlackoutDate,
  rescheduleEnablement,
  revokeCertificate,
  REVOCATION_REASONS,
  scheduleEnablement,
  zonedToUtc,
} from "@/lib/scheduling";
import { getStorage } from "@/lib/storage";
import { noteActivationDue } from "@/lib/gateway/activation-due";
import type { Actor } from "@/lib/submissions/actor";

export type ActionState = { ok?: string; error?: string };

async function actor(): Promise<Actor> {
  const user = await requireApiUser();
  const h = await headers();
  return { kind: "user", user, meta: { ip: clientIpFrom(h), userAgent: userAgentFrom(h) } };
}

const id = z.uuid("That record does not exist.");
const zone = z.string().refine(isValidTimeZone, "Unknown time zone.").catch("UTC");
const programEnv = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9-]*$/, "Choose a program environment.")
  .transform((v) => {
    const [programId, environmentKey] = v.split("/") as [string, string];
    return { programId, environmentKey };
  });

function fields(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === "string" && !(k in out)) out[k] = v;
  return out;
}

/** Runs an action: invalid input and expected refusals become messages; anything else a generic one with an id. */
async function run(fn: () => Promise<string>): Promise<ActionState> {
  try {
    const ok = await fn();
    revalidatePath("/support", "layout");
    return { ok };
  } catch (error) {
    if (error instanceof z.ZodError) return { error: error.issues.map((i) => i.message).join(" ") };
    return { error: toPublicError(error).message };
  }
}

export async function scheduleAction(_: ActionState, form: FormData): Promise<ActionState> {
  let booked: { enablementId: string; tz: string } | null = null;
  const result = await run(async () => {
    const input = z.object({ submissionId: id, target: z.string().min(1, "Choose a window."), tz: zone }).parse(fields(form));
    const immediate = input.target === "immediate";
    const result = await scheduleEnablement(await getDb(), {
      actor: await actor(),
      now: new Date(),
      submissionId: input.submissionId,
      ...(immediate ? { immediate: true } : { windowId: id.parse(input.target) }),
      viewerTimeZone: input.tz,
    });
    // Issue 13: the per-minute tick on AWS runs the job at this instant (S3 marker, no database).
    await noteActivationDue(getStorage(), result.startsAt ?? new Date());
    booked = { enablementId: result.enablementId, tz: input.tz };
    return result.startsAt ? `Booked for ${formatInZones(result.startsAt, input.tz)}. The partner has been notified.` : "Booked for immediate enablement at the next activation run.";
  });
  if (result.error || !booked) return result;
  // Issue 16: the row leaves "Ready to schedule", so the page confirms the booking (date in both zones).
  const { enablementId, tz } = booked as { enablementId: string; tz: string };
  redirect(`/support/schedule?${new URLSearchParams({ tz, notice: "booked", enablement: enablementId })}`);
}

export async function rescheduleAction(_: ActionState, form: FormData): Promise<ActionState> {
  let moved: { enablementId: string; tz: string } | null = null;
  const result = await run(async () => {
    const input = z.object({ enablementId: id, windowId: id, reason: z.string().trim().min(3, "Give a reason (the partner sees it)."), tz: zone }).parse(fields(form));
    const result = await rescheduleEnablement(await getDb(), { actor: await actor(), now: new Date(), ...input, viewerTimeZone: input.tz });
    await noteActivationDue(getStorage(), result.startsAt);
    moved = { enablementId: result.enablementId, tz: input.tz };
    return `Moved to ${formatInZones(result.startsAt, input.tz)}. The partner has been notified.`;
  });
  if (result.error || !moved) return result;
  const { enablementId, tz } = moved as { enablementId: string; tz: string };
  redirect(`/support/schedule?${new URLSearchParams({ tz, notice: "moved", enablement: enablementId })}`);
}

export async function cancelEnablementAction(_: ActionState, form: FormData): Promise<ActionState> {
  const result = await run(async () => {
    const input = z
      .object({ enablementId: id, reason: z.string().trim().min(3, "Give a reason (the partner sees it)."), confirm: z.literal("yes", "Tick the box to confirm the cancellation.") })
      .parse(fields(form));
    await cancelEnablement(await getDb(), { actor: await actor(), now: new Date(), enablementId: input.enablementId, reason: input.reason });
    return "Enablement cancelled; the certificate is ready to schedule again.";
  });
  if (result.error) return result;
  // Issue 16: the row is gone once cancelled, so the outcome is shown by the page.
  redirect(`/support/schedule?${backQuery(form, ["tz"], "enablement-cancelled")}`);
}

/** The page's own view parameters (whitelisted) plus a notice code, for the redirect after a destructive action. */
function backQuery(form: FormData, keys: string[], notice: string): string {
  const raw = form.get("back");
  const from = new URLSearchParams(typeof raw === "string" ? raw : "");
  const out = new URLSearchParams();
  for (const k of keys) {
    const v = from.get(k);
    if (v && /^[A-Za-z0-9_+\-/:.]{1,80}$/.test(v)) out.set(k, v);
  }
  out.set("notice", notice);
  return out.toString();
}

export async function revokeAction(_: ActionState, form: FormData): Promise<ActionState> {
  return run(async () => {
    const input = z.object({ submissionId: id, reason: z.enum(REVOCATION_REASONS), comment: z.string().max(1000).optional() }).parse(fields(form));
    const result = await revokeCertificate({ db: await getDb(), storage: getStorage() }, { actor: await actor(), now: new Date(), ...input });
    // The authorizer drops it within a minute from clients.json; the job then moves the gateway's trust store version.
    await noteActivationDue(getStorage(), new Date());
    return result.publish.published
      ? `Revoked. Trust store version ${result.publish.version} published without it.`
      : "error" in result.publish
        ? `Revoked. ${result.publish.error}`
        : "Revoked. The trust store did not contain it.";
  });
}

export async function createRecurrenceAction(_: ActionState, form: FormData): Promise<ActionState> {
  return run(async () => {
    const weekdays = form.getAll("weekdays").map((v) => Number(v));
    const input = z
      .object({
        programEnv,
        startTime: z.string(),
        durationMinutes: z.coerce.number().int(),
        timeZone: z.string(),
        capacity: z.coerce.number().int(),
      })
      .parse(fields(form));
    const { windowsCreated } = await createRecurrence(await getDb(), {
      actor: await actor(),
      now: new Date(),
      recurrence: { ...input.programEnv, weekdays, startTime: input.startTime, durationMinutes: input.durationMinutes, timeZone: input.timeZone, capacity: input.capacity },
    });
    return `Recurring window added; ${windowsCreated} window${windowsCreated === 1 ? "" : "s"} planned for the next 8 weeks.`;
  });
}

export async function deactivateRecurrenceAction(_: ActionState, form: FormData): Promise<ActionState> {
  return run(async () => {
    const { recurrenceId } = z.object({ recurrenceId: id }).parse(fields(form));
    const r = await deactivateRecurrence(await getDb(), { actor: await actor(), now: new Date(), recurrenceId });
    return `Recurrence stopped: ${r.cancelledWindows} empty window(s) cancelled, ${r.keptWindows} with bookings kept.`;
  });
}

export async function createWindowAction(_: ActionState, form: FormData): Promise<ActionState> {
  return run(async () => {
    const input = z
      .object({
        programEnv,
        date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Date must be YYYY-MM-DD."),
        time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Time must be HH:MM."),
        timeZone: z.string().refine(isValidTimeZone, "Unknown time zone."),
        durationMinutes: z.coerce.number().int(),
        capacity: z.coerce.number().int(),
      })
      .parse(fields(form));
    const [year, month, day] = input.date.split("-").map(Number) as [number, number, number];
    const [hour, minute] = input.time.split(":").map(Number) as [number, number];
    const startsAt = zonedToUtc({ year, month, day, hour, minute }, input.timeZone);
    await createOneOffWindow(await getDb(), {
      actor: await actor(),
      now: new Date(),
      window: { ...input.programEnv, startsAt, durationMinutes: input.durationMinutes, capacity: input.capacity },
    });
    return `Window added: ${formatInZone(startsAt, input.timeZone)}.`;
  });
}

export async function cancelWindowAction(_: ActionState, form: FormData): Promise<ActionState> {
  const result = await run(async () => {
    const input = z.object({ windowId: id, reason: z.string().trim().min(3, "Give a reason."), confirm: z.literal("yes", "Tick the box to confirm the cancellation.") }).parse(fields(form));
    await cancelWindow(await getDb(), { actor: await actor(), now: new Date(), windowId: input.windowId, reason: input.reason });
    return "Window cancelled.";
  });
  if (result.error) return result;
  redirect(`/support/windows?${backQuery(form, ["app", "scope", "view", "start", "tz"], "window-cancelled")}`);
}

export async function addBlackoutAction(_: ActionState, form: FormData): Promise<ActionState> {
  return run(async () => {
    const input = z.object({ programId: z.string(), environmentKey: z.string().optional(), date: z.string(), reason: z.string() }).parse(fields(form));
    const r = await addBlackoutDate(await getDb(), {
      actor: await actor(),
      now: new Date(),
      blackout: { programId: input.programId, environmentKey: input.environmentKey || undefined, date: input.date, reason: input.reason },
    });
    return `Blackout date added${r.cancelledWindows ? `; ${r.cancelledWindows} empty window(s) on it cancelled` : ""}.`;
  });
}

export async function removeBlackoutAction(_: ActionState, form: FormData): Promise<ActionState> {
  return run(async () => {
    const { blackoutId } = z.object({ blackoutId: id }).parse(fields(form));
    await removeBlackoutDate(await getDb(), { actor: await actor(), now: new Date(), blackoutId });
    return "Blackout date removed.";
  });
}
