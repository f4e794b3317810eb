"use server";
/** Thin server actions: parse, call one domain function, map the result to form state. */
import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/lib/db";
import { requireApiUser } from "@/lib/auth/session";
import { clientIpFrom, userAgentFrom } from "@/lib/auth/client-ip";
import { toPublicError } from "@/lib/auth/app-error";
import { submitForReview } from "@/lib/submissions/submit-for-review";
import { withdrawSubmission } from "@/lib/submissions/withdraw-submission";
import type { Actor } from "@/lib/submissions/actor";

export type ActionState = { ok?: string; error?: string };

async function actor(): Promise<Actor> {
  const user = await requireApiUser();
  const h = await headers();
  return { kind: "user", user, meta: { ip: clientIpFrom(h), userAgent: userAgentFrom(h) } };
}

const submitSchema = z.object({ submissionId: z.string().max(64), path: z.string().startsWith("/").max(400), acknowledged: z.array(z.string().max(64)).max(200) });

export async function submitForReviewAction(_: ActionState, form: FormData): Promise<ActionState> {
  const parsed = submitSchema.safeParse({ submissionId: form.get("submissionId"), path: form.get("path"), acknowledged: form.getAll("acknowledged") });
  if (!parsed.success) return { error: "The form was incomplete; reload the page." };
  try {
    await submitForReview({ db: await getDb() }, { actor: await actor(), submissionId: parsed.data.submissionId, acknowledgedFindingIds: parsed.data.acknowledged });
  } catch (error) {
    return { error: toPublicError(error).message };
  }
  revalidatePath(parsed.data.path);
  return { ok: "Sent for review. The reviewers have it now." };
}

const withdrawSchema = z.object({ submissionId: z.string().max(64), path: z.string().startsWith("/").max(400) });

export async function withdrawAction(_: ActionState, form: FormData): Promise<ActionState> {
  const parsed = withdrawSchema.safeParse({ submissionId: form.get("submissionId"), path: form.get("path") });
  if (!parsed.success) return { error: "The form was incomplete; reload the page." };
  try {
    await withdrawSubmission({ db: await getDb() }, { actor: await actor(), submissionId: parsed.data.submissionId });
  } catch (error) {
    return { error: toPublicError(error).message };
  }
  revalidatePath(parsed.data.path);
  return { ok: "Withdrawn. You can upload a new chain now." };
}
