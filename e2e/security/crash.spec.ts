/**
 * Issue 10, item 9: `npm start` comes back healthy after a crash at any moment.
 *
 * Starts the real portal (scripts/start.ts, its own data dir and ports, the build the e2e
 * run just made), uploads concurrently through the partner API, `kill -9`s it at several
 * moments (in the middle of uploads, and during start-up), and after each restart
 * asserts /api/health is 200 without any hand repair. Each round also leaves what a crash
 * in the middle of s3rver's write leaves (an object with zero-byte metadata) and an
 * orphan object (stored, never committed). At the end: the orphans are gone after the
 * first job run, every submission file row has its object, and the audit chain verifies.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { expect, test } from "@playwright/test";
import { acmeChain } from "../submissions/material";

const DATA_DIR = ".certdesk-e2e-crash";
const BUCKET = "certdesk-local";
const TOKEN = "certdesk_demo_acme";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

type Portal = { child: ChildProcess; output: string[]; exited: Promise<number | null> };

/** Every portal this file started, so a failing test never leaves one running. */
const started: Portal[] = [];
test.afterEach(async () => {
  for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  await Promise.all(started.map((p) => p.exited));
  await rm(DATA_DIR, { recursive: true, force: true });
});

function startPortal(env: Record<string, string>): Portal {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts", "--no-build"], { cwd: process.cwd(), env: env as unknown as NodeJS.ProcessEnv, stdio: "pipe" });
  const output: string[] = [];
  child.stdout!.on("data", (chunk: Buffer) => output.push(...chunk.toString().split("\n")));
  child.stderr!.on("data", (chunk: Buffer) => output.push(...chunk.toString().split("\n")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const portal = { child, output, exited };
  started.push(portal);
  return portal;
}

/** Generous: a first start mints the demo CAs' keys, and two shared cores can make any start slow. */
async function waitFor(what: string, portal: Portal, check: () => Promise<boolean> | boolean, timeoutMs = 240_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (portal.child.exitCode !== null) throw new Error(`the portal exited (${portal.child.exitCode}) while waiting for ${what}:\n${portal.output.slice(-30).join("\n")}`);
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}:\n${portal.output.slice(-30).join("\n")}`);
}

async function kill9(portal: Portal): Promise<void> {
  portal.child.kill("SIGKILL");
  await portal.exited;
}

test("kill -9 at several moments: every restart is healthy, orphans are cleaned, rows keep their objects, the audit chain verifies", async () => {
  test.setTimeout(900_000);
  const began = Date.now();
  await rm(DATA_DIR, { recursive: true, force: true });
  const [port, s3Port, gatewayPort] = [await freePort(), await freePort(), await freePort()];
  const base = `http://127.0.0.1:${port}`;
  const { DATABASE_URL: _ignored, ...inherited } = process.env as Record<string, string>;
  const env = {
    ...inherited,
    CERTDESK_MODE: "local",
    CERTDESK_DATA_DIR: DATA_DIR,
    CERTDESK_S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
    CERTDESK_PUBLIC_URL: `http://localhost:${port}`,
    CERTDESK_GATEWAY_PORT: String(gatewayPort),
    PORT: String(port),
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const s3 = new S3Client({ endpoint: env.CERTDESK_S3_ENDPOINT, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
  const healthy = async () => {
    try {
      return (await fetch(`${base}/api/health`)).status === 200;
    } catch {
      return false;
    }
  };
  const chains = await Promise.all(["c1", "c2", "c3"].map((l) => acmeChain(`crash-${l}`)));
  const planted: string[] = [];
  const rounds: string[] = [];

  const upload = async (appId: string, envKey: string, pem: string) => {
    const form = new FormData();
    form.append("files", new Blob([pem]), "chain.pem");
    form.append("draft", "true");
    const r = await fetch(`${base}/api/v1/apps/${appId}/environments/${envKey}/submissions`, {
      method: "POST",
      body: form,
      headers: { authorization: `Bearer ${TOKEN}`, "idempotency-key": randomUUID() },
    });
    return r.status;
  };

  /** What a kill between s3rver's object and metadata writes leaves, plus an orphan object. */
  const leaveCrashDebris = async () => {
    const submission = randomUUID();
    const folder = path.join(DATA_DIR, "s3", BUCKET, "submissions", submission);
    await mkdir(folder, { recursive: true });
    // Killed before the metadata was written…
    await writeFile(path.join(folder, `${randomUUID()}._S3rver_object`), "half-written ciphertext");
    // …and while it was being written (s3rver truncates, then writes).
    const broken = randomUUID();
    await writeFile(path.join(folder, `${broken}._S3rver_object`), "cut short");
    await writeFile(path.join(folder, `${broken}._S3rver_metadata.json`), "");
  };

  // Four starts in all (each costs seconds of database open, seed and Next start-up on two cores).
  const moments = [
    { name: "during concurrent uploads, 300 ms in", afterUploadsMs: 300 },
    { name: "during start-up (database open / seed)", duringStartup: true },
    { name: "during concurrent uploads, 2,500 ms in", afterUploadsMs: 2_500 },
  ] as const;

  let portal = startPortal(env);
  let appId = "";
  let envKeys: string[] = [];
  for (const [index, moment] of moments.entries()) {
    if ("duringStartup" in moment) {
      // Kill as soon as S3 is up, while the database is being opened and seeded.
      await waitFor("the start-up log", portal, () => portal.output.some((l) => l.includes("embedded PostgreSQL")), 60_000);
      await kill9(portal);
      rounds.push(`round ${index + 1}: killed ${moment.name}`);
      await leaveCrashDebris();
      portal = startPortal(env);
      continue;
    }
    await waitFor("a healthy portal", portal, healthy);
    if (index > 0) expect(portal.output.join("\n"), "the start says what it repaired").toMatch(/embedded S3 data checked \(\d+ object\(s\)\): moved \d+ object\(s\) with missing or broken metadata/);
    if (!appId) {
      const apps = (await (await fetch(`${base}/api/v1/apps`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { apps: { id: string; name: string; environments: { key: string }[] }[] };
      const checkout = apps.apps.find((a) => a.name === "Acme Checkout")!;
      appId = checkout.id;
      envKeys = checkout.environments.map((e) => e.key);
    }
    // An orphan: stored, its row never committed (what a crash between the two leaves).
    const orphan = `submissions/${randomUUID()}/${randomUUID()}`;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: orphan, Body: "orphaned ciphertext" }));
    planted.push(orphan);
    // Uploads that complete (their rows and objects must survive every later crash)…
    const settled = await Promise.all(envKeys.map((k, i) => upload(appId, k, chains[(index + i) % chains.length]!.pem)));
    expect(settled.filter((st) => st >= 500), "no completed upload answered 5xx").toEqual([]);
    // …then concurrent ones (drafts replace drafts: objects written and deleted), killed mid-flight.
    const inFlight: Promise<number | string>[] = [];
    const uploadsStarted = Date.now();
    const stopAt = uploadsStarted + moment.afterUploadsMs;
    for (let wave = 0; Date.now() < stopAt || wave === 0; wave++) {
      for (let i = 0; i < 4; i++) inFlight.push(upload(appId, envKeys[i % envKeys.length]!, chains[(wave + i) % chains.length]!.pem).catch((e: Error) => e.message));
      await new Promise((r) => setTimeout(r, Math.min(250, Math.max(0, stopAt - Date.now()))));
    }
    await kill9(portal);
    const outcomes = await Promise.all(inFlight);
    const completed = outcomes.filter((o) => typeof o === "number");
    expect(completed.filter((s) => (s as number) >= 500), "no upload answered 5xx before the kill").toEqual([]);
    rounds.push(`round ${index + 1}: ${settled.length} uploads completed (${[...new Set(settled)].join("/")}), then killed ${moment.name} with ${inFlight.length} uploads sent, ${completed.length} answered (${[...new Set(completed)].join("/")}), ${inFlight.length - completed.length} cut off`);
    await leaveCrashDebris();
    portal = startPortal(env);
  }

  // The last restart: healthy, the repair reported, the orphans gone after the first job run.
  await waitFor("a healthy portal after the last crash", portal, healthy);
  expect(portal.output.join("\n")).toMatch(/embedded S3 data checked \(\d+ object\(s\)\): moved \d+ object\(s\)/);
  const listKeys = async () => ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "submissions/" }))).Contents ?? []).map((o) => o.Key!);
  // The job deletes, then logs: its line can reach us a moment after the objects are gone, so wait for both.
  const jobLine = /jobs: clean-orphaned-objects removed \d+ of \d+ stored objects/;
  await waitFor("the orphan clean-up's first run", portal, async () => {
    const keys = await listKeys();
    return planted.every((k) => !keys.includes(k)) && jobLine.test(portal.output.join("\n"));
  }, 60_000);
  expect(portal.output.join("\n")).toMatch(jobLine);
  const health = (await (await fetch(`${base}/api/health`)).json()) as { status: string };
  expect(health.status).toBe("ok");
  const stored = await listKeys();

  // Stop it properly, then look at its database directly.
  portal.child.kill("SIGTERM");
  expect(await portal.exited).toBe(0);
  s3.destroy();
  const { openDatabase } = await import("../../lib/db/client");
  const { submissionFiles } = await import("../../lib/db/schema");
  const { verifyAuditChain } = await import("../../lib/audit");
  const opened = await openDatabase({ kind: "pglite", dir: path.join(DATA_DIR, "db") });
  try {
    const rows = await opened.db.select({ key: submissionFiles.objectKey }).from(submissionFiles);
    const missing = rows.map((r) => r.key).filter((k) => !stored.includes(k));
    expect(missing, "every submission file row has its object").toEqual([]);
    const unreferenced = stored.filter((k) => !rows.some((r) => r.key === k));
    expect(unreferenced, "no orphan object is left after the job ran").toEqual([]);
    const audit = await verifyAuditChain(opened.db);
    expect(audit).toMatchObject({ ok: true });
    const quarantined = await readdir(path.join(DATA_DIR, "s3-quarantine")).catch(() => []);
    rounds.push(`final start: healthy; ${rows.length} file rows all with their objects; ${planted.length} planted orphans removed; ${quarantined.length} quarantine batch(es); audit chain verified`);
  } finally {
    await opened.close();
  }
  console.log(`crash test (${Math.round((Date.now() - began) / 1000)} s):\n  ${rounds.join("\n  ")}`);
  await rm(DATA_DIR, { recursive: true, force: true });
});
