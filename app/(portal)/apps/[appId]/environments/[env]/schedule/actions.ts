"use server";
/** A partner (or support) reports a key compromise: the domain decides who may, revokes, republishes and audits. */
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";
import { toPublicError } from "@/lib/auth/app-error";
import { clientIpFrom, userAgentFrom } from "@/lib/auth/client-ip";
import { requireApiUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { getEnvironmentSchedule, REVOCATION_REASONS, revokeCertificate } from "@/lib/scheduling";
import { redirect } from "next/navigation";
import { getStorage } from "@/lib/storage";
import { noteActivationDue } from "@/lib/gateway/activation-due";

export type RevokeState = { ok?: string; error?: string };

export async function reportCompromiseAction(_: RevokeState, form: FormData): Promise<RevokeState> {
  let back: string;
  try {
    const input = z
      .object({
        submissionId: z.uuid("That certificate does not exist."),
        appId: z.uuid("That developer app does not exist."),
        environmentKey: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "That environment does not exist."),
        reason: z.enum(REVOCATION_REASONS).catch("key-compromise"),
        comment: z.string().max(1000).optional(),
        confirm: z.string().optional(),
        confirmName: z.string().optional(),
      })
      .parse({
        submissionId: form.get("submissionId"),
        appId: form.get("appId"),
        environmentKey: form.get("environmentKey"),
        reason: form.get("reason"),
        comment: form.get("comment") ?? undefined,
        confirm: form.get("confirm") ?? undefined,
        confirmName: form.get("confirmName") ?? undefined,
      });
    const user = await requireApiUser();
    const db = await getDb();
    const actor = { kind: "user" as const, user };
    // Issue 16: the confirmation is checked here too, not only by the browser: the
    // certificate must be in service in this environment, and for production the
    // partner must have typed the app's name.
    const schedule = await getEnvironmentSchedule(db, { actor, appId: input.appId, environmentKey: input.environmentKey });
    if (!schedule.inService.some((c) => c.submissionId === input.submissionId)) return { error: "That certificate is not in service in this environment." };
    if (schedule.environment.production) {
      if ((input.confirmName ?? "").trim() !== schedule.app.name) return { error: `Type the app name “${schedule.app.name}” exactly to confirm the revocation.` };
    } else if (input.confirm !== "yes") {
      return { error: "Tick the box to confirm the revocation." };
    }
    const h = await headers();
    await revokeCertificate(
      { db, storage: getStorage() },
      { actor: { ...actor, meta: { ip: clientIpFrom(h), userAgent: userAgentFrom(h) } }, now: new Date(), submissionId: input.submissionId, reason: input.reason, comment: input.comment },
    );
    // Issue 13: the job moves the gateway's trust store version at the next tick.
    await noteActivationDue(getStorage(), new Date());
    revalidatePath("/apps", "layout");
    back = `/apps/${input.appId}/environments/${encodeURIComponent(input.environmentKey)}?notice=revoked`;
  } catch (error) {
    if (error instanceof z.ZodError) return { error: error.issues.map((i) => i.message).join(" ") };
    return { error: toPublicError(error).message };
  }
  // Outside the try: redirect() throws to navigate. The page shows the outcome and the next step.
  redirect(back);
}
