/**
 * Renewal links (issue 14): a submission names the live certificate it renews
 * (`submissions.replaces_certificate_id`). "Renew" on a certificate sends its id; an upload
 * made without the button is linked to the certificate in service for the same app,
 * environment and purpose, if there is one — so reminders stop and the timeline shows the
 * chain of successors either way.
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { certificates, submissions } from "@/lib/db";
import { AppError } from "@/lib/auth/app-error";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RENEWABLE = ["scheduled", "active", "retiring"] as const;

export async function resolveRenewalLink(
  db: Database,
  input: { organisationId: string; appId: string; environmentId: string; purpose: string; replacesCertificateId?: string | null },
): Promise<string | null> {
  const slot = and(
    eq(certificates.organisationId, input.organisationId),
    eq(certificates.appId, input.appId),
    eq(certificates.environmentId, input.environmentId),
    eq(certificates.role, "leaf"),
    inArray(certificates.status, [...RENEWABLE]),
    eq(submissions.purpose, input.purpose as "mtls" | "signature"),
  );
  const explicit = input.replacesCertificateId?.trim();
  if (explicit) {
    // Another tenant's id, a retired certificate or one of another app reads the same: not renewable here.
    const [row] = UUID.test(explicit)
      ? await db.select({ id: certificates.id }).from(certificates).innerJoin(submissions, eq(submissions.id, certificates.submissionId)).where(and(slot, eq(certificates.id, explicit))).limit(1)
      : [];
    if (!row) throw new AppError("INVALID_INPUT", "The certificate to renew is not a live certificate of this app, environment and purpose.");
    return row.id;
  }
  const [live] = await db
    .select({ id: certificates.id })
    .from(certificates)
    .innerJoin(submissions, eq(submissions.id, certificates.submissionId))
    .where(and(slot, eq(certificates.status, "active")))
    .orderBy(desc(certificates.notAfter))
    .limit(1);
  return live?.id ?? null;
}
