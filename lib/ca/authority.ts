/**
 * The certificate authorities: one root and one issuing CA per environment of every program
 * whose issuance is `provider-ca` (003: "a different set of certificates for each of your
 * environments"). Created idempotently (`certdesk ca init`, `npm start`, or on first issuance),
 * and their public artefacts (ca.pem, the CRL) published to S3 for the public endpoints.
 */
import "reflect-metadata";
import { and, eq, gt, sql } from "drizzle-orm";
import { X509Certificate } from "@peculiar/x509";
import type { Database } from "@/lib/db";
import { certificateAuthorities, issuedCertificates } from "@/lib/db";
import { recordAudit } from "@/lib/audit";
import type { Program } from "@/lib/policy";
import type { Storage } from "@/lib/storage";
import { findProgram } from "@/lib/submissions/load-program";
import { DEFAULT_CA_KEY_SPEC, type CaScope, type SignerSource } from "./keys";
import { caNames, createCrl, createIssuingCertificate, createRootCertificate, type CrlEntry } from "./profile";
import { CA_KEY_SPECS, type CaKeySpec } from "./signer";

export type CaDeps = {
  db: Database;
  storage: Storage;
  signers: SignerSource;
  /** The portal's public origin: certificates point at its /pki endpoints. */
  publicUrl: string;
  now?: () => Date;
};

export type Authority = typeof certificateAuthorities.$inferSelect;

export class CaError extends Error {
  override readonly name = "CaError";
  constructor(
    readonly code: "unknown-program" | "not-provider-ca" | "unknown-environment" | "not-initialised",
    message: string,
  ) {
    super(message);
  }
}

/** The program's issuance settings with their defaults. */
export function issuanceOf(program: Pick<Program, "issuance">): { mode: "partner" | "provider-ca"; validityDays: number } {
  return { mode: program.issuance?.mode ?? "partner", validityDays: program.issuance?.validityDays ?? 365 };
}

export function pkiPrefix(scope: CaScope): string {
  return `pki/${scope.programId}/${scope.environmentKey}`;
}

/** The program and environment of a CA scope, or a CaError saying what is wrong. */
export async function loadCaProgram(db: Database, scope: CaScope): Promise<{ program: Program; environmentLabel: string }> {
  const program = await findProgram(db, scope.programId);
  if (!program) throw new CaError("unknown-program", `No program "${scope.programId}".`);
  if (issuanceOf(program).mode !== "provider-ca") {
    throw new CaError("not-provider-ca", `Program "${program.id}" does not have Certdesk issue its certificates (issuance is not provider-ca).`);
  }
  const environment = program.environments.find((e) => e.id === scope.environmentKey);
  if (!environment) {
    throw new CaError("unknown-environment", `Program "${program.id}" has no environment "${scope.environmentKey}" (it has: ${program.environments.map((e) => e.id).join(", ")}).`);
  }
  return { program, environmentLabel: environment.label };
}

export async function findAuthority(db: Database, scope: CaScope): Promise<Authority | undefined> {
  const [row] = await db
    .select()
    .from(certificateAuthorities)
    .where(and(eq(certificateAuthorities.programId, scope.programId), eq(certificateAuthorities.environmentKey, scope.environmentKey)))
    .limit(1);
  return row;
}

export type InitResult = { created: boolean; authority: Authority };

/**
 * Creates the root and issuing CA of a program environment, or returns the existing ones.
 * Idempotent and safe to race: creation holds a per-scope advisory lock, and the unique index
 * on (program, environment) backs it up. The first CRL is published right away, so the CRL
 * distribution point of the first certificate already answers.
 */
export async function initCertificateAuthority(deps: CaDeps, scope: CaScope & { keySpec?: CaKeySpec }): Promise<InitResult> {
  const { db } = deps;
  const existing = await findAuthority(db, scope);
  if (existing) return { created: false, authority: existing };
  const { program, environmentLabel } = await loadCaProgram(db, scope);
  const keySpec = scope.keySpec ?? DEFAULT_CA_KEY_SPEC;
  if (!CA_KEY_SPECS.includes(keySpec)) throw new Error(`unsupported key spec ${keySpec}`);
  const now = deps.now?.() ?? new Date();
  const created = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`certdesk.ca:${scope.programId}:${scope.environmentKey}`}, 0))`);
    const again = await findAuthority(tx, scope);
    if (again) return { created: false, authority: again };
    const rootKeyRef = deps.signers.refFor(scope, "root");
    const issuingKeyRef = deps.signers.refFor(scope, "issuing");
    const rootSigner = await deps.signers.open(rootKeyRef, keySpec);
    const issuingSigner = await deps.signers.open(issuingKeyRef, keySpec);
    const names = caNames({ provider: program.source.provider, programId: program.id, environmentLabel });
    const root = await createRootCertificate({ signer: rootSigner, subject: names.root, now });
    const issuing = await createIssuingCertificate({ rootSigner, root, issuingSpki: await issuingSigner.publicKeySpki(), subject: names.issuing, now });
    const [row] = await tx
      .insert(certificateAuthorities)
      .values({
        programId: scope.programId,
        environmentKey: scope.environmentKey,
        keySpec,
        rootKeyRef,
        issuingKeyRef,
        rootPem: root.toString("pem"),
        issuingPem: issuing.toString("pem"),
        crlNumber: 0,
        crlStale: true,
        createdAt: now,
      })
      .returning();
    await recordAudit(tx, {
      action: "ca.init",
      targetType: "certificate_authority",
      targetId: row!.id,
      outcome: "success",
      at: now,
      details: { programId: scope.programId, environmentKey: scope.environmentKey, keySpec, root: root.subject, issuing: issuing.subject, rootKey: keyKind(rootKeyRef), issuingKey: keyKind(issuingKeyRef) },
    });
    return { created: true, authority: row! };
  });
  if (created.created) await publishCaArtefacts(deps, scope);
  return created.created ? { created: true, authority: (await findAuthority(db, scope))! } : created;
}

/** "kms" or "local": audit events say where keys live, never which file or key. */
function keyKind(ref: string): string {
  return ref.split(":")[0] ?? "unknown";
}

/** The CA certificates, PEM: issuing CA then root (what `GET /pki/…/ca.pem` serves). */
export function caBundlePem(authority: Pick<Authority, "issuingPem" | "rootPem">): string {
  const clean = (pem: string) => `${pem.trim()}\n`;
  return clean(authority.issuingPem) + clean(authority.rootPem);
}

export type PublishedCrl = { crlNumber: number; thisUpdate: Date; nextUpdate: Date; entries: number; der: Uint8Array };

/**
 * Signs and publishes a new CRL for the issuing CA (and the CA bundle beside it): the next CRL
 * number, every unexpired revoked certificate with its RFC 5280 reason, nextUpdate = thisUpdate
 * + 7 days. The row lock makes concurrent publishers take turns, so numbers only increase.
 */
export async function publishCaArtefacts(deps: CaDeps, scope: CaScope): Promise<PublishedCrl> {
  const now = deps.now?.() ?? new Date();
  return deps.db.transaction(async (tx) => {
    const [authority] = await tx
      .select()
      .from(certificateAuthorities)
      .where(and(eq(certificateAuthorities.programId, scope.programId), eq(certificateAuthorities.environmentKey, scope.environmentKey)))
      .for("update");
    if (!authority) throw new CaError("not-initialised", `No CA for ${scope.programId}/${scope.environmentKey}; run: npm run -s certdesk -- ca init --program ${scope.programId} --environment ${scope.environmentKey}`);
    const revoked = await tx
      .select({ serialNumber: issuedCertificates.serialNumber, revokedAt: issuedCertificates.revokedAt, crlReason: issuedCertificates.crlReason })
      .from(issuedCertificates)
      .where(and(eq(issuedCertificates.authorityId, authority.id), eq(issuedCertificates.status, "revoked"), gt(issuedCertificates.notAfter, now)));
    const entries: CrlEntry[] = revoked.map((r) => ({ serialNumber: r.serialNumber, revokedAt: r.revokedAt ?? now, reason: r.crlReason ?? 0 }));
    const signer = await deps.signers.open(authority.issuingKeyRef, authority.keySpec as CaKeySpec);
    const crlNumber = authority.crlNumber + 1;
    const crl = await createCrl({ signer, issuer: new X509Certificate(authority.issuingPem), crlNumber, now, entries });
    const der = new Uint8Array(crl.rawData);
    const prefix = pkiPrefix(scope);
    // Written before the number is committed: a failed upload leaves the old CRL and number in place.
    await deps.storage.putPlain({ key: `${prefix}/crl.der`, bytes: der, contentType: "application/pkix-crl" });
    await deps.storage.putPlain({ key: `${prefix}/ca.pem`, bytes: new TextEncoder().encode(caBundlePem(authority)), contentType: "application/x-pem-file" });
    await tx
      .update(certificateAuthorities)
      .set({ crlNumber, crlThisUpdate: crl.thisUpdate, crlStale: false })
      .where(eq(certificateAuthorities.id, authority.id));
    return { crlNumber, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate!, entries: entries.length, der };
  });
}

/**
 * The CRL job: republishes every CA whose CRL is stale (a revocation since the last one) or
 * older than a day. Runs every minute locally and on AWS, so a revocation reaches the CRL
 * within a minute and every CRL is refreshed daily, long before its 7-day nextUpdate.
 */
export async function publishDueCrls(deps: CaDeps, options: { maxAgeMs?: number } = {}): Promise<{ published: string[]; failed: string[] }> {
  const now = deps.now?.() ?? new Date();
  const maxAge = options.maxAgeMs ?? 24 * 3_600_000;
  const rows = await deps.db.select().from(certificateAuthorities);
  const published: string[] = [];
  const failed: string[] = [];
  for (const a of rows) {
    const due = a.crlStale || !a.crlThisUpdate || now.getTime() - a.crlThisUpdate.getTime() >= maxAge;
    if (!due) continue;
    const name = `${a.programId}/${a.environmentKey}`;
    try {
      await publishCaArtefacts(deps, { programId: a.programId, environmentKey: a.environmentKey });
      published.push(name);
    } catch (error) {
      console.error(`ca: CRL of ${name} not published; the next run retries`, error instanceof Error ? error.message : "unknown error");
      failed.push(name);
    }
  }
  return { published, failed };
}

/** The published CRL (DER), or undefined when none has been published. */
export async function readPublishedCrl(storage: Storage, scope: CaScope): Promise<Uint8Array | undefined> {
  try {
    return await storage.getPlain(`${pkiPrefix(scope)}/crl.der`);
  } catch (error) {
    if ((error as { code?: string }).code === "not-found") return undefined;
    throw error;
  }
}
