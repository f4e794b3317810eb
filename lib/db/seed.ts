/**
 * Demo data for local mode: two partner organisations with two developer apps each,
 * the provider's own organisation for staff, the example programs, one user per role
 * and one API token. Idempotent: every row is keyed by a natural unique key and
 * inserted only when missing, so `npm start` can run it on every start.
 *
 * Programs come in as a parameter so lib/db does not depend on lib/policy; the start
 * script passes lib/policy's `EXAMPLE_PROGRAMS`.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "./client";
import { hashPassword } from "./passwords";
import { apiTokens, developerApps, environments, memberships, organisations, programs, users, type Role } from "./schema";
import { hashApiToken } from "./tokens";

/** Shared by every demo account. Local mode only: aws mode refuses credentials sign-in. */
export const DEMO_PASSWORD = "certdesk-demo";

/** The demo organisation's API token; only its SHA-256 is stored. */
export const DEMO_API_TOKEN = "certdesk_demo_acme";

export const DEMO_ORGANISATIONS = {
  acme: "Acme Payments Ltd",
  globex: "Globex Financial",
  provider: "Certdesk Operations",
} as const;

/** The demo sign-ins, in the order the start script prints them. */
export const DEMO_ACCOUNTS: readonly { email: string; name: string; role: Role; organisation: string }[] = [
  { email: "partner@acme.test", name: "Ada Acme", role: "partner", organisation: DEMO_ORGANISATIONS.acme },
  { email: "partner@globex.test", name: "Gus Globex", role: "partner", organisation: DEMO_ORGANISATIONS.globex },
  { email: "reviewer1@certdesk.test", name: "Rita Reviewer", role: "reviewer", organisation: DEMO_ORGANISATIONS.provider },
  { email: "reviewer2@certdesk.test", name: "Ravi Reviewer", role: "reviewer", organisation: DEMO_ORGANISATIONS.provider },
  { email: "support@certdesk.test", name: "Sam Support", role: "support", organisation: DEMO_ORGANISATIONS.provider },
  { email: "admin@certdesk.test", name: "Alex Admin", role: "admin", organisation: DEMO_ORGANISATIONS.provider },
];

type SeedEnvironment = { id: string; label: string; production: boolean };

/** A program to store: lib/policy's `Program` fits as `definition`. */
export type SeedProgram = {
  id: string;
  version: number;
  name: string;
  definition: { environments: readonly SeedEnvironment[] } & Record<string, unknown>;
};

type SeedOrganisation = {
  name: string;
  slug: string;
  kind: "partner" | "provider";
  companyName: string;
  organizationIdentifier?: string;
  psd2Roles?: string[];
  apps: { name: string; programId: string }[];
};

const ORGANISATIONS: readonly SeedOrganisation[] = [
  {
    name: DEMO_ORGANISATIONS.acme,
    slug: "acme-payments",
    kind: "partner",
    companyName: "Acme Payments Ltd",
    // A licensed payment institution. No PSD2 roles are configured for the demo: a partner with roles must
    // present a QWAC carrying them (PSD2_QWAC_REQUIRED), which no self-made demo chain can be. An operator
    // sets the roles of a partner that calls PSD2 APIs.
    organizationIdentifier: "PSDGB-FCA-654321",
    psd2Roles: [],
    apps: [
      { name: "Acme Checkout", programId: "self-signed-allowed" },
      { name: "Acme Treasury Gateway", programId: "ca-chain" },
    ],
  },
  {
    name: DEMO_ORGANISATIONS.globex,
    slug: "globex-financial",
    kind: "partner",
    companyName: "Globex Financial",
    apps: [
      { name: "Globex Payouts", programId: "s2s-zip" },
      { name: "Globex Cards", programId: "provider-ca-csr" },
    ],
  },
  {
    name: DEMO_ORGANISATIONS.provider,
    slug: "certdesk-operations",
    kind: "provider",
    companyName: "Certdesk Operations",
    apps: [],
  },
];

export type SeedSummary = { organisations: number; users: number; apps: number; environments: number; programs: number };

/**
 * Inserts whatever demo rows are missing; running it twice changes nothing.
 * Runs in one transaction, so a failure leaves no half-seeded portal.
 */
export async function seedDemo(db: Database, options: { programs: readonly SeedProgram[] }): Promise<SeedSummary> {
  // Demo accounts share a published password: they must never reach a deployed database.
  if (process.env.CERTDESK_MODE?.trim() === "aws") throw new Error("seedDemo: refusing to seed demo accounts in aws mode");
  const byId = new Map<string, SeedProgram>();
  // The newest version of each program names the environments an app gets.
  for (const p of options.programs) if ((byId.get(p.id)?.version ?? 0) < p.version) byId.set(p.id, p);
  for (const org of ORGANISATIONS) {
    for (const app of org.apps) {
      if (!byId.has(app.programId)) throw new Error(`seedDemo: program "${app.programId}" was not passed in`);
    }
  }

  // Hash outside the transaction (scrypt is slow on purpose) and only for missing users.
  const existing = await db
    .select({ email: users.email })
    .from(users)
    .where(inArray(users.email, DEMO_ACCOUNTS.map((a) => a.email)));
  const present = new Set(existing.map((u) => u.email));
  const hashes = new Map<string, string>();
  for (const account of DEMO_ACCOUNTS) {
    if (!present.has(account.email)) hashes.set(account.email, await hashPassword(DEMO_PASSWORD));
  }

  return db.transaction(async (tx) => {
    for (const p of options.programs) {
      await tx
        .insert(programs)
        .values({ id: p.id, version: p.version, name: p.name, definition: p.definition })
        .onConflictDoNothing();
    }

    const orgIds = new Map<string, string>();
    let appCount = 0;
    let envCount = 0;
    for (const org of ORGANISATIONS) {
      await tx
        .insert(organisations)
        .values({
          name: org.name,
          slug: org.slug,
          kind: org.kind,
          companyName: org.companyName,
          organizationIdentifier: org.organizationIdentifier,
          psd2Roles: org.psd2Roles ?? [],
        })
        .onConflictDoNothing({ target: organisations.slug });
      const [row] = await tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.slug, org.slug));
      orgIds.set(org.name, row!.id);

      for (const app of org.apps) {
        await tx
          .insert(developerApps)
          .values({ organisationId: row!.id, name: app.name, programId: app.programId })
          .onConflictDoNothing({ target: [developerApps.organisationId, developerApps.name] });
        const [appRow] = await tx
          .select({ id: developerApps.id })
          .from(developerApps)
          .where(and(eq(developerApps.organisationId, row!.id), eq(developerApps.name, app.name)));
        appCount++;
        for (const env of byId.get(app.programId)!.definition.environments) {
          await tx
            .insert(environments)
            .values({ appId: appRow!.id, key: env.id, label: env.label, production: env.production })
            .onConflictDoNothing({ target: [environments.appId, environments.key] });
          envCount++;
        }
      }
    }

    for (const account of DEMO_ACCOUNTS) {
      const passwordHash = hashes.get(account.email);
      if (passwordHash) {
        await tx.insert(users).values({ email: account.email, name: account.name, passwordHash }).onConflictDoNothing();
      }
      const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.email, account.email));
      await tx
        .insert(memberships)
        .values({ userId: user!.id, organisationId: orgIds.get(account.organisation)!, role: account.role })
        .onConflictDoNothing();
    }

    const [acmePartner] = await tx.select({ id: users.id }).from(users).where(eq(users.email, "partner@acme.test"));
    await tx
      .insert(apiTokens)
      .values({
        organisationId: orgIds.get(DEMO_ORGANISATIONS.acme)!,
        name: "Demo CI token",
        tokenHash: hashApiToken(DEMO_API_TOKEN),
        prefix: DEMO_API_TOKEN.slice(0, 13),
        createdBy: acmePartner!.id,
      })
      .onConflictDoNothing({ target: apiTokens.tokenHash });

    return {
      organisations: ORGANISATIONS.length,
      users: DEMO_ACCOUNTS.length,
      apps: appCount,
      environments: envCount,
      programs: options.programs.length,
    };
  });
}
