"use server";
/** A partner (or support) reports a key compromise: the domain decides who may, revokes, republishes and audits. */
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";
import { toPublicError } from "@/lib/auth/app-error";
import { clientIpFrom, userAgentFrom } from "@/lib/auth/client-ip";
import { requireApiUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { REVOCATION_REASONS, revokeCertificate } from "@/lib/scheduling";
import { getStorage } from "@/lib/storage";
import { noteActivationDue } from "@/lib/gateway/activation-due";

export type RevokeState = { ok?: string; error?: string };

export async function reportCompromiseAction(_: RevokeState, form: FormData): Promise<RevokeState> {
  try {
    const input = z
      .object({ submissionId: z.uuid("That certificate does not exist."), reason: z.enum(REVOCATION_REASONS).catch("key-compromise"), comment: z.string().max(1000).optional() })
      .parse({ submissionId: form.get("submissionId"), reason: form.get("reason"), comment: form.get("comment") ?? undefined });
    const user = await requireApiUser();
    const h = await headers();
    const result = await revokeCertificate(
      { db: await getDb(), storage: getStorage() },
      { actor: { kind: "user", user, meta: { ip: clientIpFrom(h), userAgent: userAgentFrom(h) } }, now: new Date(), ...input },
    );
    // Issue 13: the job moves the gateway's trust store version at the next tick.
    await noteActivationDue(getStorage(), new Date());
    revalidatePath("/apps", "layout");
    return { ok: result.publish.published ? "Revoked. The gateway no longer trusts this certificate." : "Revoked. The gateway trust store is being updated." };
  } catch (error) {
    if (error instanceof z.ZodError) return { error: error.issues.map((i) => i.message).join(" ") };
    return { error: toPublicError(error).message };
  }
}
