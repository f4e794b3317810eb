/**
 * Reviewers hear about new submissions in their queue as one digest a day (issue 14):
 * a busy day is one e-mail, not fifty. The digest lists submissions sent for review since
 * the previous digest (or in the last day, for the first one). Once per UTC day, enforced
 * by a `notification_digests` row written in the same transaction as the notification.
 */
import { and, desc, eq, gt } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { developerApps, environments, notificationDigests, organisations, submissions } from "@/lib/db";
import { notify } from "./notify";

const KIND = "review.queue";
const DAY_MS = 86_400_000;

export async function sendQueueDigest(db: Database, input: { now: Date; publicUrl?: string }): Promise<number | null> {
  const period = input.now.toISOString().slice(0, 10);
  const [previous] = await db
    .select({ sentAt: notificationDigests.sentAt, period: notificationDigests.period })
    .from(notificationDigests)
    .where(eq(notificationDigests.kind, KIND))
    .orderBy(desc(notificationDigests.sentAt))
    .limit(1);
  if (previous?.period === period) return null;
  const since = previous?.sentAt ?? new Date(input.now.getTime() - DAY_MS);
  const waiting = await db
    .select({ id: submissions.id, submittedAt: submissions.submittedAt, organisation: organisations.name, app: developerApps.name, environment: environments.label, production: environments.production })
    .from(submissions)
    .innerJoin(organisations, eq(organisations.id, submissions.organisationId))
    .innerJoin(developerApps, eq(developerApps.id, submissions.appId))
    .innerJoin(environments, eq(environments.id, submissions.environmentId))
    .where(and(eq(submissions.status, "in_review"), gt(submissions.submittedAt, since)))
    .orderBy(submissions.submittedAt)
    .limit(200);
  if (!waiting.length) return null;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(notificationDigests)
      .values({ kind: KIND, period, items: waiting.length, sentAt: input.now })
      .onConflictDoNothing()
      .returning({ kind: notificationDigests.kind });
    if (!row) return null;
    const lines = waiting.map((s) => `- ${s.organisation} / ${s.app} / ${s.environment}${s.production ? " (production: two approvals)" : ""}, sent ${s.submittedAt!.toISOString().slice(0, 16).replace("T", " ")} UTC`);
    await notify(tx, {
      roles: ["reviewer"],
      kind: "review.queue_digest",
      title: `${waiting.length} new ${waiting.length === 1 ? "submission" : "submissions"} in the review queue`,
      body: `Sent for review since the last digest:\n${lines.join("\n")}`,
      link: "/reviews",
      email: true,
      publicUrl: input.publicUrl,
    });
    return waiting.length;
  });
}
