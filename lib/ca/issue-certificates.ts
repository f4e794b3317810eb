/**
 * Issuance on approval. When a CSR submission under a `provider-ca` program is approved, the
 * approval records a pending issuance (same transaction); this module then signs one
 * certificate per CSR, has Certdesk's own engine check each issued chain under the program
 * before anything is released (a failure blocks release and alerts support), stores the
 * chains encrypted like every upload, attaches them to the submission, and tells the partner.
 * From there the submission follows the enablement flow like an uploaded chain: its
 * `certificates` rows (the mTLS leaf, the issuing CA, the root) are what the trust store
 * publisher reads.
 */
import "reflect-metadata";
import { createHash, randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { Pkcs10CertificateRequest, X509Certificate } from "@peculiar/x509";
import type { Database } from "@/lib/db";
import { caIssuances, certificates, environments, issuedCertificates, submissionFiles, submissions } from "@/lib/db";
import { recordAudit } from "@/lib/audit";
import { intake, type IntakeItem } from "@/lib/intake";
import { notify } from "@/lib/notifications/notify";
import { spkiSha256 } from "@/lib/pki";
import { evaluateUpload, type Program, type Verdict } from "@/lib/policy";
import { newObjectKey } from "@/lib/storage";
import { partnerOf } from "@/lib/submissions/check-upload-for-app";
import { findProgram } from "@/lib/submissions/load-program";
import { certificateRow } from "@/lib/submissions/create-submission";
import { contextFor, pathCertificates } from "@/lib/submissions/stored-files";
import { caBundlePem, initCertificateAuthority, issuanceOf, type CaDeps } from "./authority";
import { ISSUED_PURPOSES, issueLeafCertificate, publicCaUrls, type IssuedPurpose } from "./profile";
import type { CaKeySpec } from "./signer";

export type IssuanceOutcome =
  | { status: "issued"; certificates: { purpose: IssuedPurpose; serialNumber: string }[] }
  | { status: "blocked"; reason: string }
  | { status: "skipped"; reason: string };

/**
 * Called inside the approval's transaction: a CSR submission under a `provider-ca` program
 * gets a pending issuance. Returns whether one was recorded.
 */
export async function markIssuancePending(tx: Database, s: { id: string; kind: string; programId: string }, now: Date): Promise<boolean> {
  if (s.kind !== "csr") return false;
  const program = await findProgram(tx, s.programId);
  if (!program || issuanceOf(program).mode !== "provider-ca") return false;
  await tx.insert(caIssuances).values({ submissionId: s.id, status: "pending", createdAt: now, updatedAt: now }).onConflictDoNothing();
  return true;
}

/**
 * The program the engine checks an issued chain under: the program's own rules (keys,
 * validity, signature hashes…) with the submission shape of an uploaded chain, the CA's root
 * as the only trust anchor, and the purpose's EKU rule.
 */
export function selfCheckProgram(program: Program, purpose: IssuedPurpose, validityDays: number): Program {
  return {
    ...program,
    rules: {
      ...program.rules,
      submission: { chain: "required", csr: "refused", csrPurposes: [], encodings: ["pem"], archive: "accepted" },
      issuance: "ca-issued",
      root: "optional",
      eku: purpose === "mtls" ? "client-auth-required" : "not-checked",
      requireDigitalSignature: true,
      leafValidityDays: { caIssued: { maxDays: validityDays + 1 } },
      companyName: { leaf: false, selfSignedRoot: false, csr: false },
      psd2: { qwac: "never" },
      revocation: "not-checked",
    },
    trustAnchors: { mode: "public", pems: [] },
  };
}

type CsrFor = { purpose: IssuedPurpose; csr: Pkcs10CertificateRequest };

/** The submission's CSRs by purpose, read back from its encrypted originals and assigned as the engine did at upload. */
async function loadCsrs(deps: CaDeps, s: typeof submissions.$inferSelect, program: Program, environmentKey: string, now: Date): Promise<CsrFor[]> {
  const files = await deps.db.select().from(submissionFiles).where(and(eq(submissionFiles.submissionId, s.id), eq(submissionFiles.kind, "original"))).orderBy(asc(submissionFiles.createdAt));
  const scope = { organisationId: s.organisationId, appId: s.appId, environmentId: s.environmentId, submissionId: s.id };
  const uploaded = [];
  for (const f of files) {
    const bytes = await deps.storage.getDecrypted({ key: f.objectKey, context: { ...contextFor(scope, "original"), sha256: f.sha256 } });
    uploaded.push({ name: f.name, bytes });
  }
  const result = await intake(uploaded);
  const verdict = await evaluateUpload({ program, intake: result, at: now, environment: environmentKey });
  const out: CsrFor[] = [];
  for (const entry of verdict.chain) {
    if (entry.kind !== "csr" || entry.position === null) continue;
    const purpose = (entry.purpose ?? (program.rules.submission.csrPurposes.length ? undefined : "mtls")) as IssuedPurpose | undefined;
    if (!purpose || !ISSUED_PURPOSES.includes(purpose) || out.some((o) => o.purpose === purpose)) continue;
    const item = result.items[entry.position];
    if (item?.kind === "csr") out.push({ purpose, csr: new Pkcs10CertificateRequest(Uint8Array.from(item.der)) });
  }
  return out;
}

type Issued = {
  purpose: IssuedPurpose;
  leaf: X509Certificate;
  chainPem: string;
  verdict: Verdict;
  items: IntakeItem[];
};

function fingerprint(cert: X509Certificate): string {
  return createHash("sha256").update(new Uint8Array(cert.rawData)).digest("hex");
}

function certificateRowsOf(issued: Issued, scope: { organisationId: string; appId: string; environmentId: string; submissionId: string }): (typeof certificates.$inferInsert)[] {
  return pathCertificates(issued.verdict, issued.items).map((p, position) => certificateRow(p, { ...scope, position }, "approved"));
}

/**
 * Issues the certificates of an approved submission whose issuance is pending. Idempotent:
 * an issued or blocked issuance is not redone. Never throws for a blocked self-check (that is
 * an outcome); throws for infrastructure failures, leaving the issuance pending for the job.
 */
export async function issueForSubmission(deps: CaDeps, submissionId: string): Promise<IssuanceOutcome> {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const [pending] = await db.select().from(caIssuances).where(eq(caIssuances.submissionId, submissionId)).limit(1);
  if (!pending) return { status: "skipped", reason: "no issuance for this submission" };
  if (pending.status !== "pending") return { status: "skipped", reason: `issuance already ${pending.status}` };
  const [row] = await db
    .select({ s: submissions, environmentKey: environments.key })
    .from(submissions)
    .innerJoin(environments, eq(environments.id, submissions.environmentId))
    .where(eq(submissions.id, submissionId))
    .limit(1);
  if (!row) return { status: "skipped", reason: "no such submission" };
  const s = row.s;
  if (s.status !== "approved") return { status: "skipped", reason: `submission is ${s.status}` };
  const program = await findProgram(db, s.programId);
  if (!program || issuanceOf(program).mode !== "provider-ca") return { status: "skipped", reason: "program does not issue" };
  const { validityDays } = issuanceOf(program);
  const scope = { programId: s.programId, environmentKey: row.environmentKey };
  await db.update(caIssuances).set({ attempts: pending.attempts + 1, updatedAt: now }).where(eq(caIssuances.submissionId, s.id));

  const { authority } = await initCertificateAuthority(deps, scope);
  const issuingSigner = await deps.signers.open(authority.issuingKeyRef, authority.keySpec as CaKeySpec);
  const issuingCa = new X509Certificate(authority.issuingPem);
  const urls = publicCaUrls(deps.publicUrl, scope);
  const csrs = await loadCsrs(deps, s, program, row.environmentKey, now);
  const wanted = program.rules.submission.csrPurposes.length ? program.rules.submission.csrPurposes : ["mtls"];
  const missing = wanted.filter((p) => !csrs.some((c) => c.purpose === p));
  const fileScope = { organisationId: s.organisationId, appId: s.appId, environmentId: s.environmentId, submissionId: s.id };

  const issued: Issued[] = [];
  const selfCheck: Record<string, { verdict: string; codes: string[] }> = {};
  for (const { purpose, csr } of csrs) {
    const leaf = await issueLeafCertificate({ signer: issuingSigner, issuing: issuingCa, csr, purpose, now, validityDays, urls });
    const chainPem = `${leaf.toString("pem").trim()}\n${caBundlePem(authority)}`;
    const result = await intake([{ name: `${purpose}-chain.pem`, bytes: new TextEncoder().encode(chainPem) }]);
    const verdict = await evaluateUpload({
      program: selfCheckProgram(program, purpose, validityDays),
      intake: result,
      partner: await partnerOf(db, s.organisationId),
      at: now,
      environment: row.environmentKey,
      trustAnchors: [authority.rootPem],
    });
    selfCheck[purpose] = { verdict: verdict.verdict, codes: [...new Set(verdict.findings.map((f) => f.code))] };
    issued.push({ purpose, leaf, chainPem, verdict, items: result.items });
  }

  const failed = issued.filter((i) => i.verdict.verdict !== "accepted");
  if (missing.length || failed.length) {
    const reason = missing.length
      ? `no CSR for ${missing.join(", ")}`
      : `the engine rejected the issued ${failed.map((f) => `${f.purpose} chain (${selfCheck[f.purpose]!.codes.join(", ")})`).join(" and ")}`;
    await db.transaction(async (tx) => {
      await tx.update(caIssuances).set({ status: "blocked", selfCheck, detail: reason, updatedAt: now }).where(eq(caIssuances.submissionId, s.id));
      await recordAudit(tx, { organisationId: s.organisationId, action: "certificate.issue", targetType: "submission", targetId: s.id, outcome: "failure", at: now, details: { reason, selfCheck } });
      await notify(tx, {
        roles: ["support", "admin"],
        kind: "certificate.issue_blocked",
        title: "Certificate issuance blocked by the self-check",
        body: `Certdesk did not release the certificates of submission ${s.id}: ${reason}. Nothing was sent to the partner; investigate the CA profile and program before retrying.`,
        link: `/reviews/${s.id}`,
        email: true,
      });
    });
    return { status: "blocked", reason };
  }

  // Stored encrypted like every upload, before the transaction that attaches them.
  const stored: { purpose: IssuedPurpose; key: string; size: number; sha256: string }[] = [];
  try {
    for (const i of issued) {
      const key = newObjectKey(s.id);
      const put = await deps.storage.putEncrypted({ key, bytes: new TextEncoder().encode(i.chainPem), context: contextFor(fileScope, "issued-chain") });
      stored.push({ purpose: i.purpose, key, size: put.size, sha256: put.sha256 });
    }
  } catch (error) {
    await Promise.all(stored.map((o) => deps.storage.deleteObject(o.key).catch(() => undefined)));
    throw error;
  }

  try {
    await db.transaction(async (tx) => {
      const [locked] = await tx.select({ status: submissions.status, version: submissions.version }).from(submissions).where(eq(submissions.id, s.id)).for("update");
      const [still] = await tx.select({ status: caIssuances.status }).from(caIssuances).where(eq(caIssuances.submissionId, s.id)).for("update");
      if (locked?.status !== "approved" || still?.status !== "pending") throw new NotReleased(`submission ${locked?.status ?? "gone"}, issuance ${still?.status ?? "gone"}`);
      for (const o of stored) {
        await tx.insert(submissionFiles).values({ id: randomUUID(), submissionId: s.id, kind: "issued-chain", name: `${o.purpose}-chain.pem`, size: o.size, sha256: o.sha256, objectKey: o.key, createdAt: now });
      }
      for (const i of issued) {
        await tx.insert(issuedCertificates).values({
          authorityId: authority.id,
          ...fileScope,
          purpose: i.purpose,
          serialNumber: i.leaf.serialNumber.toLowerCase(),
          subject: i.leaf.subject,
          notBefore: i.leaf.notBefore,
          notAfter: i.leaf.notAfter,
          fingerprintSha256: fingerprint(i.leaf),
          spkiSha256: spkiSha256(new Uint8Array(i.leaf.rawData)),
          pem: i.leaf.toString("pem"),
          chainPem: i.chainPem,
          createdAt: now,
        });
      }
      const mtls = issued.find((i) => i.purpose === "mtls");
      if (mtls) {
        // The mTLS chain enters the enablement flow like an uploaded one: the trust store gets
        // the issuing CA and root, clients.json the leaf.
        await tx.delete(certificates).where(eq(certificates.submissionId, s.id));
        await tx.insert(certificates).values(certificateRowsOf(mtls, fileScope));
        await tx
          .update(submissions)
          .set({ leafFingerprint: fingerprint(mtls.leaf), leafSubject: mtls.leaf.subject, leafNotAfter: mtls.leaf.notAfter, version: (locked.version ?? 0) + 1, updatedAt: now })
          .where(eq(submissions.id, s.id));
      }
      await tx.update(caIssuances).set({ status: "issued", selfCheck, detail: null, updatedAt: now }).where(eq(caIssuances.submissionId, s.id));
      await recordAudit(tx, {
        organisationId: s.organisationId,
        action: "certificate.issue",
        targetType: "submission",
        targetId: s.id,
        outcome: "success",
        at: now,
        details: { authorityId: authority.id, certificates: issued.map((i) => ({ purpose: i.purpose, serialNumber: i.leaf.serialNumber.toLowerCase(), fingerprintSha256: fingerprint(i.leaf) })), selfCheck },
      });
      await notify(tx, {
        organisationId: s.organisationId,
        kind: "certificate.issued",
        title: "Your certificates are ready",
        body: `Certdesk signed your ${issued.map((i) => i.purpose).join(" and ")} certificate${issued.length === 1 ? "" : "s"} (valid until ${issued[0]!.leaf.notAfter.toISOString().slice(0, 10)}). Download them, with the chain, from the submission page.`,
        link: `/apps/${s.appId}/environments/${row.environmentKey}/submissions/${s.id}`,
        email: true,
      });
    });
  } catch (error) {
    await Promise.all(stored.map((o) => deps.storage.deleteObject(o.key).catch(() => undefined)));
    if (error instanceof NotReleased) return { status: "skipped", reason: error.message };
    throw error;
  }
  return { status: "issued", certificates: issued.map((i) => ({ purpose: i.purpose, serialNumber: i.leaf.serialNumber.toLowerCase() })) };
}

class NotReleased extends Error {}

/** The job's pass: every pending issuance of an approved submission, oldest first. */
export async function issuePending(deps: CaDeps): Promise<{ issued: number; blocked: number; failed: number }> {
  const rows = await deps.db.select({ submissionId: caIssuances.submissionId }).from(caIssuances).where(eq(caIssuances.status, "pending")).orderBy(asc(caIssuances.createdAt)).limit(50);
  let issued = 0;
  let blocked = 0;
  let failed = 0;
  for (const r of rows) {
    try {
      const out = await issueForSubmission(deps, r.submissionId);
      if (out.status === "issued") issued++;
      if (out.status === "blocked") blocked++;
    } catch (error) {
      failed++;
      console.error(`ca: issuance for submission ${r.submissionId} failed; the next run retries`, error instanceof Error ? error.message : "unknown error");
    }
  }
  return { issued, blocked, failed };
}
