/**
 * Daily re-check of every live certificate (active, scheduled, retiring) with its CA: OCSP
 * or the CRL, through the SSRF-safe fetcher and the shared Postgres cache (issue 15).
 *
 * A certificate its CA revoked is handled per program (`revocation.onRevoked`):
 * - `remove` (default): revoked here at once through the revocation flow (reason "revoked by
 *   its CA"): out of the trust store, republished, partner and support notified, audited;
 * - `alert`: partner and support are notified (once), the certificate stays.
 * Every check is recorded (revocation_checks, trigger "daily"); a revocation found upstream is
 * an audit event on the submission, so it shows on the certificate's timeline.
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { getConfig } from "@/lib/config";
import type { Database } from "@/lib/db";
import { certificates, environments, organisations, programs, revocationChecks, submissions } from "@/lib/db";
import { notify } from "@/lib/notifications/notify";
import { dbResponseCache, type ResponseCache } from "@/lib/pki-fetch/cache";
import { fetchPkiUrl } from "@/lib/pki-fetch/fetch";
import { parseCertificate, type ParsedCertificate } from "@/lib/pki/certificate";
import { publicTrustAnchors } from "@/lib/pki";
import { recordRevocationCheck } from "@/lib/revocation/records";
import { type Fetcher, type RevocationCheck, createRevocationChecker } from "@/lib/revocation/status-checker";
import { revokeRevokedByCa } from "@/lib/scheduling/revoke-certificate";
import type { Storage } from "@/lib/storage";

export const RECHECK_JOB = "recheck-revocation";
const LIVE = ["active", "scheduled", "retiring"] as const;

export type RecheckDeps = {
  db: Database;
  storage: Storage;
  now: Date;
  /** Default: lib/pki-fetch with CERTDESK_FETCH_ALLOW_HOSTS. */
  fetch?: Fetcher;
  cache?: ResponseCache;
  log?: (line: string, error?: unknown) => void;
};

export type RecheckReport = {
  checked: number;
  good: number;
  unknown: number;
  revoked: { submissionId: string; subject: string; action: "removed" | "alerted" | "already-alerted" }[];
};

const onRevokedSchema = z.object({ revocation: z.object({ onRevoked: z.enum(["remove", "alert"]) }).partial().optional() });

/** The program's choice, read leniently: an older stored definition without it means "remove". */
function onRevokedOf(definition: unknown): "remove" | "alert" {
  const parsed = onRevokedSchema.safeParse(definition);
  return parsed.success && parsed.data.revocation?.onRevoked === "alert" ? "alert" : "remove";
}

function tryParse(pem: string): ParsedCertificate | undefined {
  try {
    return parseCertificate(pem);
  } catch {
    return undefined;
  }
}

/** The certificate that issued `leaf`: from the submitted chain, else from the trust anchors. */
function issuerOf(leaf: ParsedCertificate, chain: readonly ParsedCertificate[], anchors: readonly string[]): ParsedCertificate | undefined {
  const byName = chain.find((c) => c.subject.key === leaf.issuer.key);
  if (byName) return byName;
  for (const a of anchors) {
    const c = tryParse(a);
    if (c && c.subject.key === leaf.issuer.key) return c;
  }
  return undefined;
}

export function defaultRecheckFetcher(): Fetcher {
  const allowHosts = getConfig().fetch.allowHosts;
  return (url, req) => fetchPkiUrl(url, req, { allowHosts });
}

/**
 * @example
 * const report = await recheckRevocation({ db, storage, now: new Date() });
 */
export async function recheckRevocation(deps: RecheckDeps): Promise<RecheckReport> {
  const { db, now } = deps;
  const log = deps.log ?? ((line: string, error?: unknown) => console.error(line, error ?? ""));
  const checker = createRevocationChecker({ fetch: deps.fetch ?? defaultRecheckFetcher(), cache: deps.cache ?? dbResponseCache(db), now: () => now });
  const leaves = await db
    .select({
      submissionId: certificates.submissionId,
      subject: certificates.subject,
      pem: certificates.pem,
      fingerprintSha256: certificates.fingerprintSha256,
      organisationId: certificates.organisationId,
      appId: certificates.appId,
      environmentKey: environments.key,
      programId: submissions.programId,
      programVersion: submissions.programVersion,
    })
    .from(certificates)
    .innerJoin(submissions, eq(submissions.id, certificates.submissionId))
    .innerJoin(environments, eq(environments.id, certificates.environmentId))
    .where(and(eq(certificates.role, "leaf"), inArray(certificates.status, [...LIVE])));

  const report: RecheckReport = { checked: 0, good: 0, unknown: 0, revoked: [] };
  const programCache = new Map<string, { onRevoked: "remove" | "alert"; anchors: string[] }>();
  for (const leafRow of leaves) {
    try {
      const leaf = tryParse(leafRow.pem);
      if (!leaf) continue;
      const chainRows = await db.select({ pem: certificates.pem }).from(certificates).where(eq(certificates.submissionId, leafRow.submissionId));
      const chain = chainRows.map((r) => tryParse(r.pem)).filter((c): c is ParsedCertificate => !!c && c.der.length > 0);
      const pkey = `${leafRow.programId}@${leafRow.programVersion}`;
      let program = programCache.get(pkey);
      if (!program) {
        const [row] = await db.select({ definition: programs.definition }).from(programs).where(and(eq(programs.id, leafRow.programId), eq(programs.version, leafRow.programVersion))).limit(1);
        const def = row?.definition as { trustAnchors?: { pems?: string[] } } | undefined;
        program = { onRevoked: onRevokedOf(def), anchors: [...(def?.trustAnchors?.pems ?? []), ...publicTrustAnchors()] };
        programCache.set(pkey, program);
      }
      const issuer = issuerOf(leaf, chain.filter((c) => c.subject.key !== leaf.subject.key), program.anchors);
      const check: RevocationCheck = issuer
        ? await checker.check(leaf.der, issuer.der)
        : { fingerprintSha256: leafRow.fingerprintSha256, subject: leafRow.subject, status: "unknown", source: "none", why: "no URL", detail: "the issuer's certificate is not on record", checkedAt: now };
      report.checked++;
      const [previous] = await db
        .select({ status: revocationChecks.status })
        .from(revocationChecks)
        .where(eq(revocationChecks.submissionId, leafRow.submissionId))
        .orderBy(desc(revocationChecks.checkedAt))
        .limit(1);
      await recordRevocationCheck(db, { submissionId: leafRow.submissionId, check: { ...check, checkedAt: now }, trigger: "daily" });
      if (check.status === "good") report.good++;
      else if (check.status === "unknown") report.unknown++;
      else report.revoked.push({ submissionId: leafRow.submissionId, subject: leafRow.subject, action: await handleRevoked(deps, { leafRow, check, onRevoked: program.onRevoked, alreadyKnown: previous?.status === "revoked" }) });
    } catch (error) {
      // One certificate's failure must not stop the others' checks; tomorrow's run retries it.
      log(`${RECHECK_JOB}: ${leafRow.submissionId} not checked`, error);
    }
  }
  // Answers past their nextUpdate (or 24 h) are never used again: drop them.
  if (!deps.cache) await dbResponseCache(db).purgeExpired(now).catch((error: unknown) => log(`${RECHECK_JOB}: expired cache entries not purged`, error));
  return report;
}

async function handleRevoked(
  deps: RecheckDeps,
  input: { leafRow: { submissionId: string; subject: string; organisationId: string; appId: string; environmentKey: string }; check: RevocationCheck; onRevoked: "remove" | "alert"; alreadyKnown: boolean },
): Promise<"removed" | "alerted" | "already-alerted"> {
  const { db, now } = deps;
  const { leafRow, check } = input;
  const said = `${check.source === "ocsp" ? "its OCSP responder" : "its CRL"} ${check.url ?? ""} says revoked${check.revokedAt ? ` on ${check.revokedAt.toISOString()}` : ""}${check.reason ? ` (${check.reason})` : ""}`;
  if (input.onRevoked === "remove") {
    await db.transaction(async (tx) => {
      await recordAudit(tx, {
        actorUserId: null,
        actorEmail: null,
        role: "system",
        organisationId: leafRow.organisationId,
        action: "certificate.revoked_upstream",
        targetType: "submission",
        targetId: leafRow.submissionId,
        outcome: "success",
        at: now,
        details: { via: "job", job: RECHECK_JOB, source: check.source, url: check.url ?? null, revokedAt: check.revokedAt?.toISOString() ?? null, reason: check.reason ?? null, action: "remove" },
      });
    });
    const result = await revokeRevokedByCa({ db, storage: deps.storage, ...(deps.log ? { log: deps.log } : {}) }, { now, submissionId: leafRow.submissionId, detail: said, job: RECHECK_JOB });
    return result ? "removed" : "already-alerted";
  }
  if (input.alreadyKnown) return "already-alerted";
  await db.transaction(async (tx) => {
    const [org] = await tx.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, leafRow.organisationId)).limit(1);
    await recordAudit(tx, {
      actorUserId: null,
      actorEmail: null,
      role: "system",
      organisationId: leafRow.organisationId,
      action: "certificate.revoked_upstream",
      targetType: "submission",
      targetId: leafRow.submissionId,
      outcome: "success",
      at: now,
      details: { via: "job", job: RECHECK_JOB, source: check.source, url: check.url ?? null, revokedAt: check.revokedAt?.toISOString() ?? null, reason: check.reason ?? null, action: "alert" },
    });
    const title = `Certificate revoked by its CA: ${leafRow.subject}`;
    const body = `The certificate ${leafRow.subject} is still trusted by the gateway, but ${said}. Upload a replacement with a NEW key; support will remove the revoked one.`;
    await notify(tx, { organisationId: leafRow.organisationId, kind: "certificate.revoked_upstream", title, body, link: `/apps/${leafRow.appId}/environments/${leafRow.environmentKey}/submissions/${leafRow.submissionId}`, email: true });
    await notify(tx, { roles: ["support", "admin"], kind: "certificate.revoked_upstream", title: `${org?.name ?? "A partner"}: ${title}`, body, link: "/support", email: true });
  });
  return "alerted";
}

/** The job's entry for lib/jobs (Lambda dispatcher and the local runner). */
export async function run({ now }: { now: Date }): Promise<RecheckReport> {
  const { getDb } = await import("@/lib/db");
  const { getStorage } = await import("@/lib/storage");
  return recheckRevocation({ db: await getDb(), storage: getStorage(), now });
}
