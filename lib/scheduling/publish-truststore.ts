/**
 * Publishes an environment's gateway trust store to S3, as a new numbered version.
 *
 *   truststores/<programId>/<environmentKey>/v<N>/truststore.pem  CA certificates, PEM, concatenated
 *   truststores/<programId>/<environmentKey>/v<N>/clients.json    per developer app: the active leaves
 *   truststores/<programId>/<environmentKey>/current/…           copies of the newest version (the gateway's fixed URI)
 *   truststores/<programId>/<environmentKey>/current.json         pointer: version, keys, digest
 *
 * truststore.pem is what AWS API Gateway's mutual-TLS truststore takes: the CA certificates
 * the gateway verifies client chains against — a chain's intermediates and root, or a
 * self-signed leaf itself — deduplicated (many partners share a public CA). Trusting a CA
 * trusts every certificate it issued, so the gateway must ALSO check the leaf against
 * clients.json (fingerprint allow-list); the mTLS test does exactly that.
 *
 * The content is computed from the database inside a transaction holding a per-environment
 * advisory lock, so concurrent publishers take turns, versions are gap-free and `current`
 * never moves backwards. A version identical to the newest one is not published again.
 */
import { createHash } from "node:crypto";
import { and, asc, desc, eq, gt, inArray, max, sql } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { certificates, developerApps, environments, organisations, programs, submissions, truststoreVersions } from "@/lib/db";
import { anchorFor, programAnchorCandidates } from "@/lib/gateway/anchors";
import type { Storage } from "@/lib/storage";
import { StorageError } from "@/lib/storage";

export type ClientEntry = {
  certificateId: string;
  submissionId: string;
  /** SHA-256 of the leaf's DER, lower-case hex without colons. */
  fingerprintSha256: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  notAfter: string;
  /** "retiring": trusted until `retiresAt` (the rotation overlap). */
  status: "active" | "retiring";
  retiresAt: string | null;
};

export type ClientsApp = { appId: string; appName: string; organisationId: string; organisationName: string; clients: ClientEntry[] };

export type ClientsJson = {
  format: "certdesk-clients/1";
  programId: string;
  environmentKey: string;
  version: number;
  publishedAt: string;
  cause: string;
  apps: ClientsApp[];
};

export type CurrentPointer = { version: number; truststoreKey: string; clientsKey: string; digest: string; publishedAt: string };

export type TruststoreScope = { programId: string; environmentKey: string };

export function truststorePrefix(scope: TruststoreScope): string {
  return `truststores/${scope.programId}/${scope.environmentKey}`;
}

/** The trust store the database says the gateway must have now (without version stamps). */
export async function computeTruststore(db: Database, input: TruststoreScope & { now: Date }): Promise<{ pem: string; apps: ClientsApp[]; digest: string; caCount: number }> {
  const rows = await db
    .select({
      id: certificates.id,
      submissionId: certificates.submissionId,
      position: certificates.position,
      role: certificates.role,
      subject: certificates.subject,
      issuer: certificates.issuer,
      serialNumber: certificates.serialNumber,
      notAfter: certificates.notAfter,
      fingerprintSha256: certificates.fingerprintSha256,
      pem: certificates.pem,
      status: certificates.status,
      retiresAt: certificates.retiresAt,
      appId: developerApps.id,
      appName: developerApps.name,
      organisationId: organisations.id,
      organisationName: organisations.name,
    })
    .from(certificates)
    .innerJoin(submissions, eq(submissions.id, certificates.submissionId))
    .innerJoin(developerApps, eq(developerApps.id, certificates.appId))
    .innerJoin(organisations, eq(organisations.id, certificates.organisationId))
    .innerJoin(environments, eq(environments.id, certificates.environmentId))
    .where(
      and(
        eq(developerApps.programId, input.programId),
        eq(environments.key, input.environmentKey),
        eq(submissions.purpose, "mtls"),
        inArray(certificates.status, ["active", "retiring"]),
        // Belt and braces: the job marks expired certificates, but a publish between runs must not carry them.
        gt(certificates.notAfter, input.now),
      ),
    )
    .orderBy(asc(certificates.submissionId), asc(certificates.position));

  const bySubmission = new Map<string, typeof rows>();
  for (const r of rows) bySubmission.set(r.submissionId, [...(bySubmission.get(r.submissionId) ?? []), r]);

  const cas = new Map<string, { subject: string; pem: string }>();
  const apps = new Map<string, ClientsApp>();
  // Issue 13: the program's anchors, read only when a chain lacks its root.
  let candidates: ReturnType<typeof programAnchorCandidates> | undefined;
  const programCandidates = async () => {
    if (!candidates) {
      const [program] = await db.select({ definition: programs.definition }).from(programs).where(eq(programs.id, input.programId)).orderBy(desc(programs.version)).limit(1);
      candidates = programAnchorCandidates(program?.definition);
    }
    return candidates;
  };
  for (const chain of bySubmission.values()) {
    const leaf = chain.find((c) => c.role === "leaf");
    if (!leaf) continue;
    const issuers = chain.filter((c) => c.role !== "leaf");
    // A self-signed leaf is its own trust anchor; a CA-issued one is trusted through its chain.
    const anchors = issuers.length > 0 ? issuers : [leaf];
    for (const c of anchors) cas.set(c.fingerprintSha256.toLowerCase().replace(/:/g, ""), { subject: c.subject, pem: normalisePem(c.pem) });
    // API Gateway needs the chain to a root: a chain submitted without its root gets the
    // anchor the engine validated it against (a public root or the program's own).
    if (issuers.length > 0) {
      const top = issuers[issuers.length - 1]!;
      const anchor = top.subject !== top.issuer ? anchorFor(top.pem, await programCandidates()) : null;
      if (anchor) cas.set(createHash("sha256").update(Buffer.from(anchor.replace(/-----[A-Z ]+-----|\s/g, ""), "base64")).digest("hex"), { subject: top.issuer, pem: normalisePem(anchor) });
    }
    const app = apps.get(leaf.appId) ?? { appId: leaf.appId, appName: leaf.appName, organisationId: leaf.organisationId, organisationName: leaf.organisationName, clients: [] };
    app.clients.push({
      certificateId: leaf.id,
      submissionId: leaf.submissionId,
      fingerprintSha256: leaf.fingerprintSha256.toLowerCase(),
      subject: leaf.subject,
      issuer: leaf.issuer,
      serialNumber: leaf.serialNumber,
      notAfter: leaf.notAfter.toISOString(),
      status: leaf.status === "retiring" ? "retiring" : "active",
      retiresAt: leaf.retiresAt?.toISOString() ?? null,
    });
    apps.set(leaf.appId, app);
  }
  // Deterministic order: the same state always yields the same bytes, so "unchanged" is a byte comparison.
  const pem = [...cas.entries()]
    .sort(([a, x], [b, y]) => (x.subject === y.subject ? (a < b ? -1 : 1) : x.subject < y.subject ? -1 : 1))
    .map(([, c]) => c.pem)
    .join("");
  const appList = [...apps.values()].sort((a, b) => (a.appId < b.appId ? -1 : 1));
  for (const a of appList) a.clients.sort((x, y) => (x.fingerprintSha256 < y.fingerprintSha256 ? -1 : 1));
  const digest = createHash("sha256").update(pem).update("\n").update(JSON.stringify(appList)).digest("hex");
  return { pem, apps: appList, digest, caCount: cas.size };
}

/** One certificate per PEM block, LF line endings, trailing newline: concatenation stays valid. */
function normalisePem(pem: string): string {
  const text = pem.replace(/\r\n?/g, "\n").trim();
  return `${text}\n`;
}

const encoder = new TextEncoder();

/** The `current.json` pointer, or null before the first publication. */
export async function readCurrentPointer(storage: Storage, scope: TruststoreScope): Promise<CurrentPointer | null> {
  try {
    const bytes = await storage.getPlain(`${truststorePrefix(scope)}/current.json`);
    return JSON.parse(new TextDecoder().decode(bytes)) as CurrentPointer;
  } catch (error) {
    if (error instanceof StorageError && error.code === "not-found") return null;
    throw error;
  }
}

export type PublishResult =
  | { published: true; version: number; truststoreKey: string; clientsKey: string; digest: string; caCount: number; clientCount: number; s3VersionId: string | null }
  | { published: false; version: number | null; reason: "unchanged" | "empty" };

/**
 * Publishes a new version when the computed trust store differs from the newest one
 * (or `force`). `cause` is recorded in the version row: "activation of …", "revocation of …".
 */
export async function publishTruststore(
  db: Database,
  storage: Storage,
  input: TruststoreScope & { now: Date; cause: string; force?: boolean },
): Promise<PublishResult> {
  const scope = { programId: input.programId, environmentKey: input.environmentKey };
  const prefix = truststorePrefix(scope);
  return db.transaction(async (tx) => {
    // Serialises publishers of this environment (other environments publish in parallel).
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`certdesk.truststore:${prefix}`}, 0))`);
    const content = await computeTruststore(tx, { ...scope, now: input.now });
    const current = await readCurrentPointer(storage, scope);
    if (!input.force && current && current.digest === content.digest) return { published: false, version: current.version, reason: "unchanged" } as const;
    // Nothing was ever published and nothing is trusted: no empty version 1.
    if (!input.force && !current && content.apps.length === 0) return { published: false, version: null, reason: "empty" } as const;
    const [{ last } = { last: null }] = await tx
      .select({ last: max(truststoreVersions.version) })
      .from(truststoreVersions)
      .where(and(eq(truststoreVersions.programId, scope.programId), eq(truststoreVersions.environmentKey, scope.environmentKey)));
    const version = Math.max(last ?? 0, current?.version ?? 0) + 1;
    const truststoreKey = `${prefix}/v${version}/truststore.pem`;
    const clientsKey = `${prefix}/v${version}/clients.json`;
    const publishedAt = input.now.toISOString();
    const clients: ClientsJson = { format: "certdesk-clients/1", ...scope, version, publishedAt, cause: input.cause, apps: content.apps };
    const pemBytes = encoder.encode(content.pem);
    const clientsBytes = encoder.encode(`${JSON.stringify(clients, null, 2)}\n`);
    // Versioned objects first, the row, then the `current` copies and pointer: a reader of
    // `current` never sees a version whose objects are missing.
    await storage.putPlain({ key: truststoreKey, bytes: pemBytes, contentType: "application/x-pem-file" });
    await storage.putPlain({ key: clientsKey, bytes: clientsBytes, contentType: "application/json" });
    await tx.insert(truststoreVersions).values({ ...scope, version, truststoreKey, clientsKey, cause: input.cause.slice(0, 500) });
    const written = await storage.putPlain({ key: `${prefix}/current/truststore.pem`, bytes: pemBytes, contentType: "application/x-pem-file" });
    // Issue 13: API Gateway reads the trust store at the object version its domain names; the
    // job points the domain at this VersionId. No VersionId (s3rver): nothing to point at.
    const s3VersionId = written.versionId ?? null;
    await tx
      .update(truststoreVersions)
      .set(
        s3VersionId
          ? { s3VersionId, gatewayStatus: "pending" }
          : { gatewayStatus: "skipped", gatewayDetail: "The bucket returned no VersionId (not versioned, e.g. the embedded S3 server): no API Gateway domain to update." },
      )
      .where(and(eq(truststoreVersions.programId, scope.programId), eq(truststoreVersions.environmentKey, scope.environmentKey), eq(truststoreVersions.version, version)));
    await storage.putPlain({ key: `${prefix}/current/clients.json`, bytes: clientsBytes, contentType: "application/json" });
    const pointer: CurrentPointer = { version, truststoreKey, clientsKey, digest: content.digest, publishedAt };
    await storage.putPlain({ key: `${prefix}/current.json`, bytes: encoder.encode(`${JSON.stringify(pointer, null, 2)}\n`), contentType: "application/json" });
    const clientCount = content.apps.reduce((n, a) => n + a.clients.length, 0);
    return { published: true, version, truststoreKey, clientsKey, digest: content.digest, caCount: content.caCount, clientCount, s3VersionId } as const;
  });
}

/** The published trust store, read back the way a gateway would: via `current.json`. */
export async function readPublishedTruststore(storage: Storage, scope: TruststoreScope): Promise<{ version: number; pem: string; clients: ClientsJson } | null> {
  const pointer = await readCurrentPointer(storage, scope);
  if (!pointer) return null;
  const decoder = new TextDecoder();
  const pem = decoder.decode(await storage.getPlain(pointer.truststoreKey));
  const clients = JSON.parse(decoder.decode(await storage.getPlain(pointer.clientsKey))) as ClientsJson;
  return { version: pointer.version, pem, clients };
}

/** Every environment that has a published trust store or trusted certificates: the job reconciles them all. */
export async function environmentsToReconcile(db: Database): Promise<TruststoreScope[]> {
  const published = await db.selectDistinct({ programId: truststoreVersions.programId, environmentKey: truststoreVersions.environmentKey }).from(truststoreVersions);
  const trusted = await db
    .selectDistinct({ programId: developerApps.programId, environmentKey: environments.key })
    .from(certificates)
    .innerJoin(developerApps, eq(developerApps.id, certificates.appId))
    .innerJoin(environments, eq(environments.id, certificates.environmentId))
    .where(inArray(certificates.status, ["active", "retiring"]));
  const all = new Map<string, TruststoreScope>();
  for (const s of [...published, ...trusted]) all.set(`${s.programId}/${s.environmentKey}`, s);
  return [...all.values()];
}
