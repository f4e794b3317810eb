/**
 * Linking a resubmission to the submission it answers. After "changes requested" the
 * partner uploads again for the same app, environment and purpose; the new submission's
 * `supersedesId` should name the old one, so reviewers see the thread and what was asked.
 *
 * For lib/submissions (create-submission): inside the insert's transaction, after the
 * slot lock, `supersedesId: await findSupersededSubmission(tx, slot)`.
 */
import { and, desc, eq, notExists } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { submissions, type Database } from "@/lib/db";

/** The newest submission of the slot whose changes were requested and that nothing answers yet, or null. */
export async function findSupersededSubmission(
  db: Database,
  slot: { organisationId: string; appId: string; environmentId: string; purpose: "mtls" | "signature" },
): Promise<string | null> {
  const answer = alias(submissions, "answer");
  const [row] = await db
    .select({ id: submissions.id })
    .from(submissions)
    .where(
      and(
        eq(submissions.organisationId, slot.organisationId),
        eq(submissions.appId, slot.appId),
        eq(submissions.environmentId, slot.environmentId),
        eq(submissions.purpose, slot.purpose),
        eq(submissions.status, "changes_requested"),
        // Answered once any submission names it; a replaced draft is deleted by lib/submissions,
        // which frees the old submission for the replacement.
        notExists(db.select({ one: answer.id }).from(answer).where(eq(answer.supersedesId, submissions.id))),
      ),
    )
    .orderBy(desc(submissions.decidedAt))
    .limit(1);
  return row?.id ?? null;
}
