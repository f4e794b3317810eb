/** The admin outbox page: e-mails as rendered (locally nothing is sent; this is where they are read). */
import { desc } from "drizzle-orm";
import { emailOutbox, type Database } from "@/lib/db";
import { AppError } from "@/lib/auth/app-error";
import type { SessionUser } from "@/lib/auth/access";

export type OutboxEmail = typeof emailOutbox.$inferSelect;

/** Newest first. E-mails carry partners' names and reviewers' comments: the provider's admins only. */
export async function listOutboxEmails(db: Database, input: { viewer: SessionUser; limit?: number }): Promise<OutboxEmail[]> {
  if (!input.viewer.memberships.some((m) => m.role === "admin" && m.kind === "provider")) {
    throw new AppError("FORBIDDEN", "Only administrators can read the e-mail outbox.");
  }
  return db
    .select()
    .from(emailOutbox)
    .orderBy(desc(emailOutbox.createdAt), desc(emailOutbox.id))
    .limit(Math.min(Math.max(input.limit ?? 100, 1), 500));
}
