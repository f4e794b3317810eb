/** What partners and reviewers are told after a review action (inside its transaction). */
import { eq } from "drizzle-orm";
import { developerApps, environments, type Database } from "@/lib/db";
import { notify, resolveNotifications } from "@/lib/notifications";
import type { LockedSubmission } from "./decide";

async function where(tx: Database, s: LockedSubmission) {
  const [row] = await tx
    .select({ appName: developerApps.name, envKey: environments.key, envLabel: environments.label })
    .from(environments)
    .innerJoin(developerApps, eq(developerApps.id, environments.appId))
    .where(eq(environments.id, s.environmentId));
  return {
    label: `${row?.appName ?? "your app"} — ${row?.envLabel ?? "environment"}`,
    link: `/apps/${s.appId}/environments/${encodeURIComponent(row?.envKey ?? "")}`,
  };
}

export type PartnerDecision = "approved" | "changes_requested" | "rejected";

/** Every partner member of the submitting organisation, in-app and by e-mail. */
export async function announceDecision(tx: Database, s: LockedSubmission, decision: PartnerDecision, comment?: string): Promise<void> {
  const w = await where(tx, s);
  const what = s.kind === "csr" ? "certificate request" : "certificate";
  const [title, lead] = ((): [string, string] => {
    switch (decision) {
      case "approved":
        return [`Approved: ${w.label}`, `Your ${what} for ${w.label} was approved. Developer support will schedule its enablement.`];
      case "changes_requested":
        return [`Changes requested: ${w.label}`, `A reviewer asked for changes to your ${what} for ${w.label}. Upload a corrected one; it will be linked to this submission.`];
      case "rejected":
        return [`Rejected: ${w.label}`, `Your ${what} for ${w.label} was rejected.`];
      default: {
        const never: never = decision;
        throw new Error(`unknown decision ${String(never)}`);
      }
    }
  })();
  await notify(tx, {
    organisationId: s.organisationId,
    kind: `submission.${decision}`,
    title,
    body: comment ? `${lead}\n\nReviewer's comment:\n${comment}` : lead,
    link: w.link,
    email: true,
  });
}

const approvalNeededLink = (submissionId: string) => `/reviews/${submissionId}`;

/** The other reviewers, in-app: a production submission waits for its next approval. */
export async function announceApprovalNeeded(tx: Database, s: LockedSubmission, input: { by: string; approvals: number }): Promise<void> {
  const w = await where(tx, s);
  await notify(tx, {
    roles: ["reviewer"],
    excludeUserIds: [input.by],
    kind: "review.approval-needed",
    title: `Second approval needed: ${w.label}`,
    body: `${input.approvals} of ${s.approvalsRequired} approvals recorded; a different reviewer must approve it too.`,
    link: approvalNeededLink(s.id),
  });
}

/**
 * Issue 16: the "second approval needed" notice resolves itself (is marked read for every
 * reviewer) once nobody needs to act on it: the submission got its last approval, or left
 * review (changes requested, rejected, withdrawn). Call inside that change's transaction.
 */
export async function resolveApprovalNeeded(tx: Database, submissionId: string, at?: Date): Promise<number> {
  return resolveNotifications(tx, { kind: "review.approval-needed", link: approvalNeededLink(submissionId), at });
}
