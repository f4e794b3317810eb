/** An enablement with its window, for reschedule/cancel/ics. */
import { eq } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { enablements, enablementWindows } from "@/lib/db";
import { Refusal } from "./rules";

export type LoadedEnablement = typeof enablements.$inferSelect & { window: typeof enablementWindows.$inferSelect | null };

/** Locks the enablement row (FOR UPDATE): a reschedule and the activation job must not both act on it. */
export async function lockEnablement(tx: Database, enablementId: string): Promise<LoadedEnablement> {
  if (!/^[0-9a-f-]{36}$/i.test(enablementId)) throw new Refusal("NOT_FOUND", "That enablement does not exist.");
  const [row] = await tx.select().from(enablements).where(eq(enablements.id, enablementId)).for("update");
  if (!row) throw new Refusal("NOT_FOUND", "That enablement does not exist.");
  const [window] = row.windowId ? await tx.select().from(enablementWindows).where(eq(enablementWindows.id, row.windowId)) : [];
  return { ...row, window: window ?? null };
}
