"use server";
/** Marking one's own notifications read; markRead is scoped to the caller's user id. */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/lib/db";
import { requireApiUser } from "@/lib/auth/session";
import { toPublicError } from "@/lib/auth/app-error";
import { markRead } from "@/lib/notifications";

export type MarkReadState = { ok?: string; error?: string };

const schema = z.array(z.uuid()).max(500);

export async function markReadAction(_: MarkReadState, form: FormData): Promise<MarkReadState> {
  const ids = form.getAll("id").filter((v): v is string => typeof v === "string");
  const parsed = schema.safeParse(ids);
  if (!parsed.success) return { error: "The form was incomplete; reload the page." };
  try {
    const user = await requireApiUser();
    const n = await markRead(await getDb(), user.id, form.get("all") === "1" ? undefined : parsed.data);
    revalidatePath("/", "layout");
    return { ok: n === 1 ? "1 notification marked read." : `${n} notifications marked read.` };
  } catch (error) {
    return { error: toPublicError(error).message };
  }
}
