/**
 * Test harness for lib/submissions: this file's PGlite (or TEST_DATABASE_URL) database
 * seeded with the demo organisations, and the real embedded S3 server with the local
 * AES keyring, so storage is exercised exactly as the portal runs it.
 */
import "reflect-metadata";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { eq } from "drizzle-orm";
import { beforeAll } from "vitest";
import { developerApps, environments, organisations, users } from "@/lib/db";
import { seedDemo } from "@/lib/db/seed";
import { setupTestDatabase } from "@/lib/db/testing";
import { loadSessionUser, type SessionUser } from "@/lib/auth/access";
import type { Config } from "@/lib/config";
import { setupTestStorage } from "@/lib/embedded/testing";
import type { Storage } from "@/lib/storage";
import { EXAMPLE_PROGRAM_RECORDS } from "@/lib/policy";
import { DEFAULT_AT, mintCertificate, qcStatementsExtension, type TestCert } from "@/lib/pki/testing/factory";
import type { Database } from "@/lib/db";
import type { Actor } from "./actor";

const BUCKET = "certdesk-test";

export type Harness = {
  db: Database;
  storage: Storage;
  config: Config;
  s3Dir: string;
  now: () => Date;
  users: { acme: SessionUser; globex: SessionUser; reviewer: SessionUser };
  apps: { acmeCheckout: string; acmeTreasury: string; globexPayouts: string };
  acmeOrgId: string;
  globexOrgId: string;
};

export function setupHarness(): { readonly current: Harness } {
  const t = setupTestDatabase();
  const s = setupTestStorage({ prefix: "submissions", bucket: BUCKET });
  let current: Harness | undefined;
  beforeAll(async () => {
    const db = t.current.db;
    await seedDemo(db, { programs: EXAMPLE_PROGRAM_RECORDS });
    const user = async (email: string) => {
      const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
      return (await loadSessionUser(db, row!.id))!;
    };
    const app = async (name: string) => (await db.select({ id: developerApps.id }).from(developerApps).where(eq(developerApps.name, name)))[0]!.id;
    const org = async (slugLike: string) => (await db.select({ id: organisations.id, name: organisations.name }).from(organisations)).find((o) => o.name.startsWith(slugLike))!.id;
    current = {
      db,
      ...s.current,
      now: () => DEFAULT_AT,
      users: { acme: await user("partner@acme.test"), globex: await user("partner@globex.test"), reviewer: await user("reviewer1@certdesk.test") },
      apps: { acmeCheckout: await app("Acme Checkout"), acmeTreasury: await app("Acme Treasury Gateway"), globexPayouts: await app("Globex Payouts") },
      acmeOrgId: await org("Acme"),
      globexOrgId: await org("Globex"),
    };
  });
  return {
    get current() {
      if (!current) throw new Error("setupHarness: read .current inside a test");
      return current;
    },
  };
}

export function asUser(user: SessionUser): Actor {
  return { kind: "user", user, meta: { ip: "127.0.0.1", userAgent: "vitest" } };
}

export async function environmentKeys(db: Database, appId: string): Promise<string[]> {
  return (await db.select({ key: environments.key }).from(environments).where(eq(environments.appId, appId))).map((e) => e.key);
}

/** A self-signed chain Acme's "self-signed-allowed" app accepts: root → issuing CA → leaf, RSA 2048. */
/** `at`: when the chain is issued (default the factory's fixed date; tests whose code reads the real clock pass `new Date()`). */
export async function acmeChain(label: string, options: { leafKeyBits?: 2048 | 4096; at?: Date } = {}): Promise<{ root: TestCert; ica: TestCert; leaf: TestCert }> {
  const at = options.at ? { at: options.at } : {};
  const root = await mintCertificate({ subject: `CN=Acme Payments ${label} Root CA, O=Acme Payments Ltd`, ca: true, keyLabel: `${label}:root`, ...at });
  const ica = await mintCertificate({ subject: `CN=Acme Payments ${label} Issuing CA, O=Acme Payments Ltd`, ca: true, issuer: root, keyLabel: `${label}:ica`, ...at });
  const leaf = await mintCertificate({
    ...at,
    // Acme is a PSD2 payment institution (seed): its leaf carries the QWAC roles and organisationIdentifier.
    subject: `CN=Acme Payments ${label} Client, 2.5.4.97=PSDGB-FCA-654321, O=Acme Payments Ltd`,
    issuer: ica,
    keyLabel: `${label}:leaf`,
    extensions: [qcStatementsExtension({ roles: ["PSP_AI", "PSP_PI"], ncaName: "Financial Conduct Authority", ncaId: "GB-FCA" })],
    ...(options.leafKeyBits ? { keys: { algorithm: "RSA", size: options.leafKeyBits } } : {}),
  });
  return { root, ica, leaf };
}

export const pemFile = (name: string, ...certs: { pem: string }[]) => ({ name, bytes: new TextEncoder().encode(certs.map((c) => c.pem).join("")) });

/** Every stored object's raw bytes under the embedded server's data folder. */
export async function rawStoredFiles(dir: string): Promise<{ file: string; bytes: Buffer }[]> {
  const out: { file: string; bytes: Buffer }[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push({ file: p, bytes: await readFile(p) });
    }
  };
  await walk(dir).catch(() => undefined);
  return out;
}
