/**
 * Test and bench factory: demo organisations, users and apps (the real seed), and
 * submissions written straight into the tables, so lib/reviews is exercised without
 * going through uploads, S3 or the PKI engine.
 *
 * Not for the running portal: nothing in app/ imports this file.
 */
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import {
  certificates,
  developerApps,
  environments,
  findings,
  memberships,
  organisations,
  submissions,
  users,
  type Database,
  type Role,
  type SubmissionStatus,
} from "@/lib/db";
import { seedDemo } from "@/lib/db/seed";
import { loadSessionUser, type SessionUser } from "@/lib/auth/access";
import { EXAMPLE_PROGRAM_RECORDS } from "@/lib/policy";

export type ReviewFixture = {
  users: { acme: SessionUser; globex: SessionUser; reviewer1: SessionUser; reviewer2: SessionUser; support: SessionUser; admin: SessionUser };
  orgs: { acme: string; globex: string; provider: string };
  apps: { acmeCheckout: string; acmeTreasury: string; globexPayouts: string };
};

/** Seeds the demo data (idempotent) and returns its users, organisations and apps. */
export async function seedReviewFixture(db: Database): Promise<ReviewFixture> {
  await seedDemo(db, { programs: EXAMPLE_PROGRAM_RECORDS });
  const user = async (email: string) => {
    const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
    return (await loadSessionUser(db, row!.id))!;
  };
  const org = async (slug: string) => (await db.select({ id: organisations.id }).from(organisations).where(eq(organisations.slug, slug)))[0]!.id;
  const app = async (name: string) => (await db.select({ id: developerApps.id }).from(developerApps).where(eq(developerApps.name, name)))[0]!.id;
  const [provider] = await db.select({ id: organisations.id }).from(organisations).where(eq(organisations.kind, "provider"));
  return {
    users: {
      acme: await user("partner@acme.test"),
      globex: await user("partner@globex.test"),
      reviewer1: await user("reviewer1@certdesk.test"),
      reviewer2: await user("reviewer2@certdesk.test"),
      support: await user("support@certdesk.test"),
      admin: await user("admin@certdesk.test"),
    },
    orgs: { acme: await org("acme-payments"), globex: await org("globex-financial"), provider: provider!.id },
    apps: { acmeCheckout: await app("Acme Checkout"), acmeTreasury: await app("Acme Treasury Gateway"), globexPayouts: await app("Globex Payouts") },
  };
}

/** A further reviewer in the provider organisation (the race test needs many different reviewers). */
export async function createReviewer(db: Database, options: { email: string; name?: string; roles?: Role[] }): Promise<SessionUser> {
  const [provider] = await db.select({ id: organisations.id }).from(organisations).where(eq(organisations.kind, "provider"));
  const [row] = await db.insert(users).values({ email: options.email, name: options.name ?? options.email }).returning({ id: users.id });
  for (const role of options.roles ?? ["reviewer"]) {
    await db.insert(memberships).values({ userId: row!.id, organisationId: provider!.id, role });
  }
  return (await loadSessionUser(db, row!.id))!;
}

/** Adds a membership (e.g. a reviewer who also belongs to a partner) and returns the reloaded user. */
export async function addMembership(db: Database, user: SessionUser, organisationId: string, role: Role): Promise<SessionUser> {
  await db.insert(memberships).values({ userId: user.id, organisationId, role });
  return (await loadSessionUser(db, user.id))!;
}

export type TestSubmissionOptions = {
  appId: string;
  environmentKey: string;
  createdBy?: string | null;
  status?: SubmissionStatus;
  verdict?: "accepted" | "rejected";
  /** Defaults to the program's rule: 2 in production, 1 elsewhere. */
  approvalsRequired?: number;
  submittedAt?: Date;
  supersedesId?: string | null;
  warnings?: string[];
  errors?: string[];
  /** Leaf facts; fresh random values by default. */
  leaf?: { subject?: string; issuer?: string; spkiSha256?: string; notBefore?: Date; notAfter?: Date; keyAlgorithm?: string; keySize?: number };
  /** Status of the chain's certificate rows (e.g. "active" for the one in service). */
  certificateStatus?: (typeof certificates.$inferInsert)["status"];
  /** Skip certificate rows (the bench seeds many submissions). */
  withCertificates?: boolean;
};

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/** Inserts one submission of an app's environment, with a two-certificate chain and the given findings. */
export async function createTestSubmission(db: Database, options: TestSubmissionOptions): Promise<{ id: string; organisationId: string; environmentId: string }> {
  const [app] = await db.select().from(developerApps).where(eq(developerApps.id, options.appId));
  if (!app) throw new Error(`createTestSubmission: no app ${options.appId}`);
  const [env] = await db
    .select()
    .from(environments)
    .where(and(eq(environments.appId, app.id), eq(environments.key, options.environmentKey)));
  if (!env) throw new Error(`createTestSubmission: app has no environment ${options.environmentKey}`);
  const status = options.status ?? "in_review";
  const submittedAt = options.submittedAt ?? new Date();
  const leaf = {
    subject: `CN=${app.name} client ${hex(3)}`,
    issuer: `CN=${app.name} Issuing CA`,
    spkiSha256: hex(32),
    notBefore: new Date(submittedAt.getTime() - 86_400_000),
    notAfter: new Date(submittedAt.getTime() + 365 * 86_400_000),
    keyAlgorithm: "ECDSA P-256",
    keySize: 256,
    ...options.leaf,
  };
  const [row] = await db
    .insert(submissions)
    .values({
      organisationId: app.organisationId,
      appId: app.id,
      environmentId: env.id,
      kind: "chain",
      status,
      verdict: options.verdict ?? ((options.errors?.length ?? 0) > 0 ? "rejected" : "accepted"),
      programId: app.programId,
      programVersion: 1,
      createdBy: options.createdBy ?? null,
      supersedesId: options.supersedesId ?? null,
      approvalsRequired: options.approvalsRequired ?? (env.production ? 2 : 1),
      leafFingerprint: hex(32),
      leafSpkiSha256: leaf.spkiSha256,
      leafSubject: leaf.subject,
      leafNotAfter: leaf.notAfter,
      submittedAt: status === "draft" ? null : submittedAt,
      createdAt: submittedAt,
      updatedAt: submittedAt,
    })
    .returning({ id: submissions.id });
  const id = row!.id;
  const findingRows = [
    ...(options.errors ?? []).map((code) => ({ code, severity: "error" as const })),
    ...(options.warnings ?? []).map((code) => ({ code, severity: "warning" as const })),
  ];
  if (findingRows.length) {
    await db.insert(findings).values(findingRows.map((f) => ({ submissionId: id, ...f, position: 0, subject: leaf.subject, message: `${f.code} on the leaf` })));
  }
  if (options.withCertificates !== false) {
    const base = { submissionId: id, organisationId: app.organisationId, appId: app.id, environmentId: env.id, status: options.certificateStatus ?? "pending" } as const;
    await db.insert(certificates).values([
      {
        ...base,
        position: 0,
        role: "leaf",
        subject: leaf.subject,
        issuer: leaf.issuer,
        serialNumber: hex(8),
        notBefore: leaf.notBefore,
        notAfter: leaf.notAfter,
        fingerprintSha256: hex(32),
        spkiSha256: leaf.spkiSha256,
        keyAlgorithm: leaf.keyAlgorithm,
        keySize: leaf.keySize,
        pem: "-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n",
        activatedAt: options.certificateStatus === "active" ? submittedAt : null,
      },
      {
        ...base,
        position: 1,
        role: "root",
        subject: leaf.issuer,
        issuer: leaf.issuer,
        serialNumber: hex(8),
        notBefore: new Date(submittedAt.getTime() - 10 * 86_400_000),
        notAfter: new Date(submittedAt.getTime() + 3650 * 86_400_000),
        fingerprintSha256: hex(32),
        spkiSha256: hex(32),
        keyAlgorithm: "ECDSA P-384",
        keySize: 384,
        pem: "-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n",
      },
    ]);
  }
  return { id, organisationId: app.organisationId, environmentId: env.id };
}
