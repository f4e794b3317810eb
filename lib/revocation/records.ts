/**
 * Revocation checks as records: what the live check said for a submission's leaf, at upload
 * and each day after, so the reviewer sees the result and when it was learned.
 */
import { desc, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { revocationChecks } from "../db/schema";
import type { RevocationCheck } from "./status-checker";

export type RevocationRecord = {
  status: "good" | "revoked" | "unknown";
  source: "ocsp" | "crl" | "none";
  url: string | null;
  why: string | null;
  detail: string;
  revokedAt: Date | null;
  reason: string | null;
  trigger: "upload" | "daily";
  checkedAt: Date;
};

/** Stores one check of `submissionId`'s leaf. */
export async function recordRevocationCheck(db: Database, input: { submissionId: string; check: RevocationCheck; trigger: "upload" | "daily" }): Promise<void> {
  const c = input.check;
  await db.insert(revocationChecks).values({
    submissionId: input.submissionId,
    fingerprintSha256: c.fingerprintSha256,
    status: c.status,
    source: c.source,
    url: c.url ?? null,
    why: c.why ?? null,
    detail: c.detail,
    revokedAt: c.revokedAt ?? null,
    reason: c.reason ?? null,
    trigger: input.trigger,
    checkedAt: c.checkedAt,
  });
}

/** The most recent check of the submission's leaf, or null when it was never checked live. Callers authorise. */
export async function latestRevocationCheck(db: Database, submissionId: string): Promise<RevocationRecord | null> {
  const [row] = await db
    .select({
      status: revocationChecks.status,
      source: revocationChecks.source,
      url: revocationChecks.url,
      why: revocationChecks.why,
      detail: revocationChecks.detail,
      revokedAt: revocationChecks.revokedAt,
      reason: revocationChecks.reason,
      trigger: revocationChecks.trigger,
      checkedAt: revocationChecks.checkedAt,
    })
    .from(revocationChecks)
    .where(eq(revocationChecks.submissionId, submissionId))
    .orderBy(desc(revocationChecks.checkedAt))
    .limit(1);
  return row ?? null;
}

/** One line for people: "Revoked by its CA on … (keyCompromise), per OCSP http://…". */
export function describeRevocation(r: RevocationRecord): { label: string; tone: "success" | "danger" | "warning"; text: string } {
  const where = r.url ? ` (${r.source === "ocsp" ? "OCSP" : "CRL"} ${r.url})` : "";
  switch (r.status) {
    case "good":
      return { label: "Not revoked", tone: "success", text: `The CA says the certificate is not revoked${where}.` };
    case "revoked":
      return { label: "Revoked", tone: "danger", text: `The CA revoked it${r.revokedAt ? ` on ${r.revokedAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : ""}${r.reason ? ` (${r.reason})` : ""}${where}.` };
    case "unknown":
      return { label: "Unknown", tone: "warning", text: `The status could not be learned${r.why ? `: ${r.why}` : ""} — ${r.detail}` };
  }
}
