/**
 * Test harness for lib/submissions: this file's PGlite (or TEST_DATABASE_URL) database
 * seeded with the demo organisations, and the real embedded S3 server with the local
 * AES keyring, so storage is exercised exactly as the portal runs it.
 */
import "reflect-metadata";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";
import { developerApps, environments, organisations, users } from "@/lib/db";
import { seedDemo } from "@/lib/db/seed";
import { setupTestDatabase } from "@/lib/db/testing";
import { loadSessionUser, type SessionUser } from "@/lib/auth/access";
import { loadConfig, type Config } from "@/lib/config";
import { ensureLocalKey, startS3Server, type EmbeddedS3 } from "@/lib/embedded";
import { createS3Client, createStorage, type Storage } from "@/lib/storage";
import { EXAMPLE_PROGRAMS } from "@/lib/policy";
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
  let current: Harness | undefined;
  let dir: string | undefined;
  let s3: EmbeddedS3 | undefined;
  let destroy: (() => void) | undefined;
  beforeAll(async () => {
    const db = t.current.db;
    dir = await mkdtemp(path.join(tmpdir(), "certdesk-submissions-"));
    s3 = await startS3Server({ directory: path.join(dir, "s3"), port: 0, bucket: BUCKET });
    const config = loadConfig({ CERTDESK_DATA_DIR: ".certdesk", CERTDESK_S3_ENDPOINT: s3.endpoint, CERTDESK_S3_BUCKET: BUCKET }, dir);
    await ensureLocalKey(config);
    const client = createS3Client(config);
    destroy = () => client.destroy();
    const storage = createStorage(config, { s3: client });
    await seedDemo(db, { programs: EXAMPLE_PROGRAMS.map((p) => ({ id: p.id, version: p.version, name: p.name, definition: p })) });
    const user = async (email: string) => {
      const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
      return (await loadSessionUser(db, row!.id))!;
    };
    const app = async (name: string) => (await db.select({ id: developerApps.id }).from(developerApps).where(eq(developerApps.name, name)))[0]!.id;
    const org = async (slugLike: string) => (await db.select({ id: organisations.id, name: organisations.name }).from(organisations)).find((o) => o.name.startsWith(slugLike))!.id;
    current = {
      db,
      storage,
      config,
      s3Dir: path.join(dir, "s3"),
      now: () => DEFAULT_AT,
      users: { acme: await user("partner@acme.test"), globex: await user("partner@globex.test"), reviewer: await user("reviewer1@certdesk.test") },
      apps: { acmeCheckout: await app("Acme Checkout"), acmeTreasury: await app("Acme Treasury Gateway"), globexPayouts: await app("Globex Payouts") },
      acmeOrgId: await org("Acme"),
      globexOrgId: await org("Globex"),
    };
  });
  afterAll(async () => {
    destroy?.();
    await s3?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
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
export async function acmeChain(label: string, options: { leafKeyBits?: 2048 | 4096 } = {}): Promise<{ root: TestCert; ica: TestCert; leaf: TestCert }> {
  const root = await mintCertificate({ subject: `CN=Acme Payments ${label} Root CA, O=Acme Payments Ltd`, ca: true, keyLabel: `${label}:root` });
  const ica = await mintCertificate({ subject: `CN=Acme Payments ${label} Issuing CA, O=Acme Payments Ltd`, ca: true, issuer: root, keyLabel: `${label}:ica` });
  const leaf = await mintCertificate({
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
