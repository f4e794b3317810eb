/**
 * Leaf certificates as the viewer may see them: the partner API (`/api/v1/certificates`,
 * `/{id}`, `.ics`), the certificate page and the Expiring page. Metadata only — never key
 * material, never certificate bytes beyond what the fingerprint says.
 *
 * Scoping: partners and API tokens see their own organisations' certificates; staff see
 * all. Another organisation's id is "not found" (never "forbidden": ids cannot be probed).
 */
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { certificateReminders, certificates, submissions } from "@/lib/db";
import { isStaff, partnerOrganisationIds, type SessionUser } from "@/lib/auth/access";
import { AppError } from "@/lib/auth/app-error";
import { buildIcs, type IcsEvent } from "@/lib/scheduling/ics";
import { loadCertificateRecords, type CertificateRecord } from "./records";
import { DAY_MS, EXPIRY_STATES, type ExpiryState } from "./state";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The API's certificate resource (docs/api.md). */
export type CertificateResource = {
  id: string;
  appId: string;
  environment: string;
  purpose: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  fingerprintSha256: string;
  notBefore: string;
  notAfter: string;
  status: string;
  expiry: { state: ExpiryState; daysLeft: number };
  successorId: string | null;
  remindersSent: { days: number; sentAt: string }[];
};

export function toResource(c: CertificateRecord): CertificateResource {
  return {
    id: c.id,
    appId: c.appId,
    environment: c.environmentKey,
    purpose: c.purpose,
    subject: c.subject,
    issuer: c.issuer,
    serialNumber: c.serialNumber,
    fingerprintSha256: c.fingerprintSha256,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    status: c.status,
    expiry: c.expiry,
    successorId: c.successor?.certificateId ?? null,
    remindersSent: c.remindersSent.map((r) => ({ days: r.days, sentAt: r.sentAt.toISOString() })),
  };
}

/** The organisations whose certificates the viewer sees; null = all (staff). */
function scopeOf(viewer: SessionUser): SQL | undefined {
  if (isStaff(viewer)) return undefined;
  const orgs = partnerOrganisationIds(viewer);
  return orgs.length ? inArray(certificates.organisationId, orgs) : sql`false`;
}

export function parseExpiryState(value: string | null | undefined): ExpiryState | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  if ((EXPIRY_STATES as readonly string[]).includes(value)) return value as ExpiryState;
  throw new AppError("INVALID_INPUT", `state must be one of ${EXPIRY_STATES.join(", ")}; got "${value.slice(0, 40)}".`);
}

/** The viewer's leaf certificates (every status but "pending"), soonest expiry first, optionally of one expiry state. */
export async function listCertificates(db: Database, input: { viewer: SessionUser; now: Date; state?: ExpiryState; where?: SQL }): Promise<CertificateRecord[]> {
  const rows = await loadCertificateRecords(db, {
    now: input.now,
    limit: 5_000,
    where: and(scopeOf(input.viewer), sql`${certificates.status} <> 'pending'`, input.where),
  });
  return input.state ? rows.filter((r) => r.expiry.state === input.state) : rows;
}

/** One certificate of the viewer's organisations, or NOT_FOUND (malformed ids too). */
export async function getCertificate(db: Database, input: { viewer: SessionUser; id: string; now: Date }): Promise<CertificateRecord> {
  if (!UUID.test(input.id)) throw new AppError("NOT_FOUND", "No such certificate.");
  const [row] = await loadCertificateRecords(db, { now: input.now, limit: 1, where: and(scopeOf(input.viewer), eq(certificates.id, input.id)) });
  if (!row) throw new AppError("NOT_FOUND", "No such certificate.");
  return row;
}

/** What the certificate page shows beyond the record: its predecessor and the chain of successors. */
export async function getCertificateLineage(
  db: Database,
  input: { viewer: SessionUser; certificate: CertificateRecord; now: Date },
): Promise<{ predecessor: CertificateRecord | null; successors: CertificateRecord[] }> {
  const predecessor = input.certificate.predecessorId
    ? await getCertificate(db, { viewer: input.viewer, id: input.certificate.predecessorId, now: input.now }).catch(() => null)
    : null;
  const successors: CertificateRecord[] = [];
  let current: CertificateRecord = input.certificate;
  const seen = new Set([current.id]);
  while (current.successor?.certificateId && !seen.has(current.successor.certificateId) && successors.length < 20) {
    seen.add(current.successor.certificateId);
    const next = await getCertificate(db, { viewer: input.viewer, id: current.successor.certificateId, now: input.now }).catch(() => null);
    if (!next) break;
    successors.push(next);
    current = next;
  }
  return { predecessor, successors };
}

/** Reminder rows of a certificate, including the expiry notice (days 0). */
export async function remindersSentFor(db: Database, certificateId: string): Promise<{ days: number; sentAt: Date; recipients: number }[]> {
  return db
    .select({ days: certificateReminders.days, sentAt: certificateReminders.sentAt, recipients: certificateReminders.recipients })
    .from(certificateReminders)
    .where(eq(certificateReminders.certificateId, certificateId))
    .orderBy(certificateReminders.sentAt);
}

/**
 * iCalendar feed of the viewer's live certificates (scheduled, active, retiring): one event
 * on each expiry date and one on each renewal deadline (not-after minus the program's
 * `renewalLeadDays`, or its urgent threshold: the last day to start a renewal calmly).
 */
export async function certificatesIcs(db: Database, input: { viewer: SessionUser; now: Date; publicUrl: string }): Promise<string> {
  const rows = await loadCertificateRecords(db, {
    now: input.now,
    limit: 5_000,
    where: and(scopeOf(input.viewer), inArray(certificates.status, ["scheduled", "active", "retiring"])),
  });
  const leadDays = await renewalLeadDays(db, rows.map((r) => r.submissionId));
  const events: IcsEvent[] = [];
  for (const c of rows) {
    const url = new URL(`/certificates/${c.id}`, input.publicUrl).toString();
    const what = `${c.appName} ${c.environmentLabel}`;
    events.push({
      uid: `certificate-${c.id}-expiry@certdesk`,
      start: c.notAfter,
      end: new Date(c.notAfter.getTime() + 60 * 60_000),
      stamp: input.now,
      summary: `Certificate expires: ${what}`,
      description: `${c.subject} (serial ${c.serialNumber}) expires; calls with it fail afterwards.${c.successor ? " A renewal is under way." : " Renew it before then."}`,
      url,
    });
    const lead = leadDays.get(c.submissionId) ?? c.settings.urgentDays;
    const deadline = new Date(c.notAfter.getTime() - lead * DAY_MS);
    events.push({
      uid: `certificate-${c.id}-renewal@certdesk`,
      start: deadline,
      end: new Date(deadline.getTime() + 60 * 60_000),
      stamp: input.now,
      summary: `Renew certificate: ${what}`,
      description: `Renewal deadline for ${c.subject}: ${lead} days before it expires on ${c.notAfter.toISOString().slice(0, 10)}. Open it in Certdesk and choose Renew.`,
      url,
    });
  }
  return buildIcs(events, { prodId: "-//Certdesk//Certificate expiry//EN" });
}

/** rules.renewalLeadDays of the program version each submission was checked against. */
async function renewalLeadDays(db: Database, submissionIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!submissionIds.length) return out;
  const result = await db.execute<{ id: string; lead: unknown }>(sql`
    select s.id, p.definition->'rules'->'renewalLeadDays' as lead
    from ${submissions} s join programs p on p.id = s.program_id and p.version = s.program_version
    where s.id in (${sql.join(submissionIds.map((id) => sql`${id}::uuid`), sql`, `)})`);
  for (const r of result.rows) if (typeof r.lead === "number" && Number.isInteger(r.lead) && r.lead >= 0) out.set(r.id, r.lead);
  return out;
}
