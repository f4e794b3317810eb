import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

let dir: string;
const KEYS = ["CERTDESK_MODE", "CERTDESK_DATA_DIR", "DATABASE_URL"] as const;
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "certdesk-client-"));
  // getDb() reads the process configuration: an embedded database in a fresh folder.
  process.env.CERTDESK_MODE = "local";
  process.env.CERTDESK_DATA_DIR = path.join(dir, "nested", ".certdesk");
  delete process.env.DATABASE_URL;
});

afterAll(async () => {
  const { closeDb } = await import("./client");
  await closeDb();
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await rm(dir, { recursive: true, force: true });
});

describe("the process-wide database", () => {
  it("resolves the committed migrations from the working directory", async () => {
    const { MIGRATIONS_DIR, committedMigrationCount } = await import("./client");
    expect(MIGRATIONS_DIR).toBe(path.join(process.cwd(), "lib/db/migrations"));
    expect(committedMigrationCount()).toBeGreaterThanOrEqual(2);
  });

  it("is opened once and shared by a second copy of the module (the Next bundle's), and keeps its data across reopening", async () => {
    const first = await import("./client");
    const { organisations } = await import("./schema");
    const [a, b] = await Promise.all([first.getDb(), first.getDb()]);
    expect(a).toBe(b);
    expect(existsSync(path.join(dir, "nested", ".certdesk", "db", "PG_VERSION"))).toBe(true);

    vi.resetModules();
    const second = await import("./client");
    expect(second).not.toBe(first);
    expect(await second.getDb()).toBe(a);

    await a.insert(organisations).values({ name: "Kept Ltd", slug: "kept", companyName: "Kept Ltd" });
    await second.closeDb();
    const reopened = await first.getDb();
    expect(reopened).not.toBe(a);
    const rows = await reopened.select().from(organisations);
    expect(rows.map((r) => r.slug)).toEqual(["kept"]);
  });
});
