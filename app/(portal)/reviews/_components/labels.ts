/** Words and badge tones for review states, shared by the queue and the review page. */
import type { SubmissionStatus } from "@/lib/db";
import type { AgeBadge } from "@/lib/reviews/business-days";
import type { Tone } from "@/app/_data/certificate-status";

export function statusLabel(status: SubmissionStatus): { label: string; tone: Tone } {
  switch (status) {
    case "draft":
      return { label: "Draft", tone: "neutral" };
    case "in_review":
      return { label: "In review", tone: "info" };
    case "changes_requested":
      return { label: "Changes requested", tone: "warning" };
    case "approved":
      return { label: "Approved", tone: "success" };
    case "rejected":
      return { label: "Rejected", tone: "danger" };
    case "scheduled":
      return { label: "Scheduled", tone: "info" };
    case "active":
      return { label: "Active", tone: "success" };
    case "retired":
      return { label: "Retired", tone: "neutral" };
    case "revoked":
      return { label: "Revoked", tone: "danger" };
    case "withdrawn":
      return { label: "Withdrawn", tone: "neutral" };
    case "superseded":
      return { label: "Superseded", tone: "neutral" };
    default: {
      const never: never = status;
      throw new Error(`unknown status ${String(never)}`);
    }
  }
}

export function ageLabel(badge: AgeBadge, days: number, target: number): { label: string; tone: Tone } {
  const age = `${days} business day${days === 1 ? "" : "s"}`;
  switch (badge) {
    case "on-track":
      return { label: `${age} · target ${target}`, tone: "neutral" };
    case "due":
      return { label: `${age} · due today`, tone: "warning" };
    case "overdue":
      return { label: `${age} · overdue (target ${target})`, tone: "danger" };
    default: {
      const never: never = badge;
      throw new Error(`unknown badge ${String(never)}`);
    }
  }
}

export const DECISION_LABELS = { approve: "Approved", request_changes: "Requested changes", reject: "Rejected" } as const;
