/**
 * What a partner sees in one app × environment cell: the certificate that is live
 * (or about to be), else where the latest submission stands. Presentation of
 * existing records only; no rule of the domain is decided here.
 */
import type { CertificateStatus, SubmissionStatus } from "@/lib/db";

export type CellCertificate = { status: CertificateStatus; notAfter: Date };
export type CellSubmission = { status: SubmissionStatus; createdAt: Date };

export type Tone = "neutral" | "info" | "success" | "warning" | "danger";
export type CellStatus = { label: string; tone: Tone };

const DAY_MS = 86_400_000;

export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}

function describeSubmission(status: SubmissionStatus): CellStatus {
  switch (status) {
    case "draft":
      return { label: "Draft", tone: "neutral" };
    case "in_review":
      return { label: "In review", tone: "info" };
    case "changes_requested":
      return { label: "Changes requested", tone: "warning" };
    case "approved":
      return { label: "Approved, awaiting enablement", tone: "info" };
    case "rejected":
      return { label: "Rejected", tone: "danger" };
    case "scheduled":
      return { label: "Enablement scheduled", tone: "info" };
    case "active":
      return { label: "Active", tone: "success" };
    case "retired":
      return { label: "Retired", tone: "neutral" };
    case "revoked":
      return { label: "Revoked", tone: "danger" };
    case "withdrawn":
      return { label: "Withdrawn", tone: "neutral" };
    case "superseded":
      return { label: "Superseded by a newer upload", tone: "neutral" };
    default: {
      const never: never = status;
      return { label: String(never), tone: "neutral" };
    }
  }
}

/** The cell's status from the environment's leaf certificates and submissions. */
export function describeCell(input: { certificates: CellCertificate[]; submissions: CellSubmission[]; now: Date }): CellStatus {
  const live = input.certificates
    .filter((c) => c.status === "active" || c.status === "retiring")
    .sort((a, b) => b.notAfter.getTime() - a.notAfter.getTime())[0];
  if (live) {
    const days = daysBetween(input.now, live.notAfter);
    if (days < 0) return { label: `Expired on ${isoDay(live.notAfter)}`, tone: "danger" };
    return {
      label: `Active until ${isoDay(live.notAfter)} (${days} ${days === 1 ? "day" : "days"})`,
      tone: days <= 30 ? "warning" : "success",
    };
  }
  if (input.certificates.some((c) => c.status === "scheduled")) return { label: "Enablement scheduled", tone: "info" };
  const latest = [...input.submissions].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  if (latest) return describeSubmission(latest.status);
  return { label: "No certificate", tone: "neutral" };
}

export function submissionStatusLabel(status: SubmissionStatus): string {
  return describeSubmission(status).label;
}
