/**
 * Who may review, and the conflict-of-interest rules every review action shares.
 * Checked in the domain functions, not only in pages: server actions are public endpoints.
 */
import { AppError } from "@/lib/auth/app-error";
import type { SessionUser } from "@/lib/auth/access";

/**
 * Reviewing takes the reviewer role in the provider organisation. A partner organisation
 * cannot grant itself a "reviewer" membership and so review its own certificates.
 */
export function isReviewer(user: Pick<SessionUser, "memberships">): boolean {
  return user.memberships.some((m) => m.role === "reviewer" && m.kind === "provider");
}

/** Reading the queue and review pages: reviewers, and admins (who oversee but do not decide). */
export function canReadReviews(user: Pick<SessionUser, "memberships">): boolean {
  return isReviewer(user) || user.memberships.some((m) => m.role === "admin" && m.kind === "provider");
}

export function assertCanReadReviews(user: Pick<SessionUser, "memberships">): void {
  if (!canReadReviews(user)) throw new AppError("FORBIDDEN", "Only reviewers can see the review queue.");
}

export function assertReviewer(user: Pick<SessionUser, "memberships">): void {
  if (!isReviewer(user)) throw new AppError("FORBIDDEN", "Only reviewers can decide on submissions.");
}

/**
 * Four-eyes independence: nobody decides on a submission they made, or on one from an
 * organisation they belong to (in any role).
 */
export function assertIndependent(
  user: Pick<SessionUser, "id" | "memberships">,
  submission: { createdBy: string | null; organisationId: string; organisationName?: string },
): void {
  if (submission.createdBy === user.id) {
    throw new AppError("FORBIDDEN", "You made this submission, so you cannot review it; another reviewer must decide.");
  }
  if (user.memberships.some((m) => m.organisationId === submission.organisationId)) {
    const name = submission.organisationName ?? user.memberships.find((m) => m.organisationId === submission.organisationId)?.name;
    throw new AppError("FORBIDDEN", `You belong to ${name ?? "the submitting organisation"}, which made this submission, so you cannot review it; a reviewer outside it must decide.`);
  }
}
