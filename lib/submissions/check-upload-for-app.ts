/**
 * The engine run for one developer app and environment: the app's program, the
 * partner organisation's parameters, the clock read here (the engine has none), and the
 * checks across records. Used by create-submission (and so by the portal and the API).
 */
import { eq } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { organisations } from "@/lib/db";
import { intake, type IntakeItem } from "@/lib/intake";
import type { FindingSubject } from "@/lib/pki";
import { hasErrors } from "@/lib/pki";
import { checkUpload, evaluateUpload, type ChainEntry, type Partner, type Program, type Verdict } from "@/lib/policy";
import { findEnvironmentForUser, type ScopedDeveloperApp, type ScopedEnvironment } from "@/lib/auth/access";
import { AppError } from "@/lib/auth/app-error";
import type { UploadedFile } from "@/lib/intake";
import { actorAsUser, type Actor } from "./actor";
import { crossRecordChecks } from "./cross-record-checks";
import { getConfig } from "@/lib/config";
import { dbResponseCache } from "@/lib/pki-fetch/cache";
import { pkiFetcher, prepareLiveChecks } from "@/lib/revocation/live-checks";
import type { Fetcher, RevocationCheck } from "@/lib/revocation/status-checker";
import type { Purpose } from "./limits";
import { orderFindings } from "@/lib/policy/finding-order";

export type UploadTarget = {
  app: ScopedDeveloperApp;
  environment: ScopedEnvironment;
  program: Program;
  partner: Partner;
};

/** The app and environment, scoped to the actor: another tenant's (or a made-up) id is NOT_FOUND. */
export async function resolveTarget(db: Database, actor: Actor, ref: { appId: string; environmentKey: string }): Promise<Omit<UploadTarget, "program" | "partner">> {
  const found = await findEnvironmentForUser(db, actorAsUser(actor), { appId: ref.appId, key: ref.environmentKey });
  if (!found) throw new AppError("NOT_FOUND", "No such developer app or environment.");
  return found;
}

/** The partner parameters a program is evaluated with, from the organisation's record. */
export async function partnerOf(db: Database, organisationId: string): Promise<Partner> {
  const [org] = await db
    .select({ companyName: organisations.companyName, organizationIdentifier: organisations.organizationIdentifier, psd2Roles: organisations.psd2Roles })
    .from(organisations)
    .where(eq(organisations.id, organisationId))
    .limit(1);
  if (!org) return {};
  return {
    companyName: org.companyName,
    ...(org.organizationIdentifier ? { organizationIdentifier: org.organizationIdentifier } : {}),
    ...(org.psd2Roles.length ? { psd2Roles: org.psd2Roles } : {}),
  };
}

/** What of the upload the submission records: its kind and the key it registers. */
export type UploadSubject = {
  kind: "chain" | "csr";
  /** The leaf's (or the CSR's) entry, position and identity. */
  entry?: ChainEntry;
  spkiSha256?: string;
  fingerprintSha256?: string;
  subject?: string;
  notAfter?: Date;
};

function str(details: Record<string, unknown>, key: string): string | undefined {
  const v = details[key];
  return typeof v === "string" ? v : undefined;
}

export function uploadSubject(verdict: Verdict): UploadSubject {
  const leaf = verdict.chain.find((c) => c.role === "leaf" && c.position !== null);
  if (leaf) {
    const notAfter = str(leaf.details, "notAfter");
    return {
      kind: "chain",
      entry: leaf,
      spkiSha256: str(leaf.details, "spkiSha256"),
      fingerprintSha256: str(leaf.details, "fingerprintSha256"),
      subject: leaf.subject,
      ...(notAfter ? { notAfter: new Date(notAfter) } : {}),
    };
  }
  const csr = verdict.chain.find((c) => c.role === "csr");
  if (csr) return { kind: "csr", entry: csr, spkiSha256: str(csr.details, "spkiSha256"), subject: csr.subject };
  return { kind: "chain" };
}

export type CheckedUpload = {
  verdict: Verdict;
  /** Intake's items, by the positions the verdict's chain refers to (DER, never re-encoded). */
  items: IntakeItem[];
  subject: UploadSubject;
  /** Issue 15: the live revocation check of the leaf, when one was made (recorded with the submission). */
  revocation?: RevocationCheck;
};

/**
 * Issue 15: the portal and the API always go online before the engine runs: missing
 * intermediates from AIA caIssuers, revocation through OCSP or the CRL (lib/pki-fetch's
 * SSRF-safe fetcher, CERTDESK_FETCH_ALLOW_HOSTS, the shared Postgres cache). Tests inject `fetch`.
 */
export type LiveOption = { fetch?: Fetcher } | false;

export function liveFetcher(live: LiveOption | undefined): Fetcher | undefined {
  if (live === false) return undefined;
  return live?.fetch ?? pkiFetcher({ allowHosts: getConfig().fetch.allowHosts });
}

/**
 * Runs the engine on an upload for a resolved target at `now`, then the cross-record
 * checks. Never throws on bad input: unreadable files are findings.
 */
export async function checkUploadForTarget(
  db: Database,
  input: { target: UploadTarget; files: UploadedFile[]; purpose: Purpose; now: Date; live?: LiveOption },
): Promise<CheckedUpload> {
  const { target } = input;
  // Intake once here, so the DER of each chain position is at hand for storage.
  const intakeResult = await intake(input.files);
  const fetch = intakeResult.refused ? undefined : liveFetcher(input.live);
  const live = fetch ? await prepareLiveChecks({ items: intakeResult.items, program: target.program, fetch, cache: dbResponseCache(db), now: () => input.now }) : undefined;
  let verdict: Verdict;
  try {
    verdict = await evaluateUpload({
      program: target.program,
      intake: intakeResult,
      partner: target.partner,
      at: input.now,
      environment: target.environment.key,
      ...(live ? { statusChecker: live.checker.statusChecker, fetchedIntermediates: live.fetchedIntermediates } : {}),
    });
  } catch {
    // checkUpload's own defence turns an engine bug into a FORMAT_UNRECOGNIZED verdict.
    verdict = await checkUpload({ files: input.files, program: target.program, partner: target.partner, at: input.now });
  }
  const subject = uploadSubject(verdict);
  if (!verdict.refused && subject.spkiSha256) {
    const certificate: FindingSubject | undefined =
      subject.entry && subject.entry.position !== null
        ? { position: subject.entry.position, subject: subject.entry.subject, ...(subject.entry.source ? { source: subject.entry.source } : {}) }
        : undefined;
    const extra = await crossRecordChecks(db, {
      organisationId: target.app.organisationId,
      appId: target.app.id,
      environmentId: target.environment.id,
      purpose: input.purpose,
      spkiSha256: subject.spkiSha256,
      ...(subject.kind === "chain" && subject.fingerprintSha256 ? { fingerprintSha256: subject.fingerprintSha256 } : {}),
      ...(certificate ? { certificate } : {}),
      ...(subject.kind === "csr"
        ? { csrSpkiSha256s: verdict.chain.filter((c) => c.role === "csr").map((c) => str(c.details, "spkiSha256")).filter((k): k is string => !!k) }
        : {}),
      program: target.program,
    });
    if (extra.length) {
      // Issue 16: the cross-record findings take their place in the fix-first order.
      const findings = orderFindings([...verdict.findings, ...extra]);
      verdict = { ...verdict, findings, verdict: hasErrors(findings) ? "rejected" : "accepted" };
    }
  }
  const revocation = live && subject.fingerprintSha256 ? live.checker.results.find((r) => r.fingerprintSha256 === subject.fingerprintSha256) : undefined;
  return { verdict, items: intakeResult.items, subject, ...(revocation ? { revocation } : {}) };
}
