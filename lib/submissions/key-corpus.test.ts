/**
 * No private key is ever stored, through any channel (issue 10). The key-encoding corpus
 * (lib/intake/testing/key-corpus.ts: 100+ encodings) × {alone, beside a chain, in a zip, in a
 * nested folder of a zip} × {API send for review, portal upload (draft), API draft}: every upload
 * must be refused with PRIVATE_KEY_PRESENT. Then everything Certdesk kept is searched for any
 * window of any key (raw, hex, base64): every stored object AFTER DECRYPTION through lib/storage
 * (also each object at the moment it was written, in case a later upload replaced a draft), every
 * row of every table, every log line and every answer given. One database and one embedded S3
 * for the whole file, as the portal runs them.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { submissionFiles } from "@/lib/db";
import { DEMO_API_TOKEN } from "@/lib/db/seed";
import { authenticateApiToken } from "@/lib/auth/api-tokens";
import { AppError } from "@/lib/auth/app-error";
import type { Storage } from "@/lib/storage";
import { CONTEXTS, keyCorpus, needles, uploadFor, type Context, type KeyCase } from "@/lib/intake/testing/key-corpus";
import type { Actor } from "./actor";
import { createSubmission, type CreateSubmissionResult } from "./create-submission";
import { withdrawSubmission } from "./withdraw-submission";
import { acmeChain, asUser, setupHarness } from "./testing";

const h = setupHarness();
const CORPUS = keyCorpus();
const CHANNELS = ["api", "portal", "draft"] as const;
type Channel = (typeof CHANNELS)[number];

/** Plaintext of every object written, read back through lib/storage right after the write. */
const written: { key: string; bytes: Uint8Array }[] = [];
const logs: string[] = [];
const answers: string[] = [];
const letThrough: string[] = [];
let chainPem = "";
let chainDer: Uint8Array;
let tokenActor: Actor;

/** The harness's storage, with every write read back decrypted (a draft may be replaced and deleted later). */
function tapped(storage: Storage): Storage {
  const t: Storage = Object.create(storage) as Storage;
  t.putEncrypted = async (input) => {
    const stored = await storage.putEncrypted(input);
    written.push({ key: input.key, bytes: await storage.getDecrypted({ key: input.key, context: { ...input.context, sha256: stored.sha256 } }) });
    return stored;
  };
  return t;
}

beforeAll(async () => {
  const { db, now } = h.current;
  const chain = await acmeChain("corpus");
  chainPem = chain.leaf.pem + chain.ica.pem + chain.root.pem;
  chainDer = chain.leaf.der;
  // A control: one good upload is stored (as a draft of another app), so the scan below must decrypt real objects.
  const control = await createSubmission(
    { db, storage: tapped(h.current.storage), now },
    { actor: asUser(h.current.users.acme), appId: h.current.apps.acmeTreasury, environmentKey: "sandbox", files: [{ name: "client-chain.pem", bytes: new TextEncoder().encode(chainPem) }] },
  );
  expect(control.outcome).toBe("created");
  const principal = await authenticateApiToken(db, `Bearer ${DEMO_API_TOKEN}`, now());
  tokenActor = { kind: "token", principal: principal!, meta: { ip: "127.0.0.1", userAgent: "vitest" } };
  // Every log line, from here on, is kept for the scan (and not printed).
  for (const m of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      logs.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
  }
});

afterAll(() => {
  vi.restoreAllMocks();
});

async function send(channel: Channel, files: { name: string; bytes: Uint8Array }[]): Promise<CreateSubmissionResult | { outcome: `error:${string}` }> {
  const { db, storage, now, users, apps } = h.current;
  const deps = { db, storage: tapped(storage), now };
  const target = { appId: apps.acmeCheckout, environmentKey: "stage", files };
  try {
    switch (channel) {
      case "api":
        return await createSubmission(deps, { ...target, actor: tokenActor, submit: true });
      case "portal":
        return await createSubmission(deps, { ...target, actor: asUser(users.acme) });
      case "draft":
        return await createSubmission(deps, { ...target, actor: tokenActor, submit: false });
      default: {
        const never: never = channel;
        throw new Error(`unknown channel ${String(never)}`);
      }
    }
  } catch (error) {
    return { outcome: `error:${error instanceof AppError ? error.code : "unexpected"}` };
  }
}

describe("no private key is stored through any channel: the key-encoding corpus", () => {
  it("has at least 60 encodings", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(60);
  });

  for (const channel of CHANNELS) {
    it.each(CONTEXTS.map((c) => [c] as [Context]))(`${channel}: every encoding %s is refused with PRIVATE_KEY_PRESENT`, async (context) => {
      const failures: string[] = [];
      for (const c of CORPUS) {
        const result = await send(channel, await uploadFor(c, context, chainPem));
        // What the partner is told (the findings; the chain entries describe the certificates only).
        answers.push(JSON.stringify("verdict" in result ? result.verdict.findings : result));
        const key = "verdict" in result && result.verdict.findings.some((f) => f.code === "PRIVATE_KEY_PRESENT");
        if (result.outcome !== "refused" || !key) failures.push(`${channel}/${context}/${c.name}: ${result.outcome}`);
        // Keep the slot free for the next upload if the old behaviour sent one for review.
        if (result.outcome === "created" && result.submission.status === "in_review") {
          await withdrawSubmission({ db: h.current.db, now: h.current.now }, { actor: tokenActor, submissionId: result.submission.id });
        }
      }
      letThrough.push(...failures);
      expect(failures, `${failures.length} of ${CORPUS.length} let through (${channel}, ${context})`).toEqual([]);
    });
  }

  it("leaves no window of any key in the decrypted stored objects, the database, the logs or the answers", async () => {
    const { db, storage } = h.current;
    // Every object still in the bucket, decrypted through lib/storage with the context its row records.
    const rows = await db.select().from(submissionFiles);
    const byKey = new Map(rows.map((r) => [r.objectKey, r]));
    const objects: Uint8Array[] = [];
    const unaccounted: string[] = [];
    for (const key of await storage.listKeys("")) {
      const row = byKey.get(key);
      if (!row) {
        if (!written.some((w) => w.key === key)) unaccounted.push(key);
        continue;
      }
      const [s] = (await db.execute(sql`select organisation_id, app_id, environment_id from submissions where id = ${row.submissionId}`)).rows as {
        organisation_id: string;
        app_id: string;
        environment_id: string;
      }[];
      const context = { organisationId: s!.organisation_id, appId: s!.app_id, environmentId: s!.environment_id, submissionId: row.submissionId, purpose: row.kind, sha256: row.sha256 };
      objects.push(await storage.getDecrypted({ key, context }));
    }
    // An object no row describes could not be decrypted for the scan: none may exist.
    expect(unaccounted).toEqual([]);
    // The control upload's objects were decrypted: its leaf certificate is in them, in the clear.
    expect(objects.length).toBeGreaterThanOrEqual(2);
    expect(objects.some((o) => Buffer.from(o).includes(Buffer.from(chain64(chainDer))))).toBe(true);

    const tables = (await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`)).rows as { table_name: string }[];
    expect(tables.length).toBeGreaterThan(5);
    const dump: string[] = [];
    for (const { table_name } of tables) {
      const result = await db.execute(sql.raw(`select row_to_json(t)::text as j from "${table_name.replace(/"/g, "")}" t`));
      for (const r of result.rows as { j: string }[]) dump.push(r.j);
    }
    const latin1 = (b: Uint8Array) => Buffer.from(b).toString("latin1");
    const haystack = [...written.map((w) => latin1(w.bytes)), ...objects.map(latin1), ...dump, ...logs, ...answers].join("\n\u0000\n");

    const leaks = leaksIn(haystack, CORPUS);
    expect(leaks, `key windows found in what Certdesk kept: ${leaks.slice(0, 20).join(", ")}`).toEqual([]);
    // The scan can find what it looks for: a planted key window is seen.
    const planted = CORPUS.find((c) => c.name === "p256.pkcs8.hex")!;
    expect(leaksIn(`${haystack}\n${new TextDecoder().decode(planted.bytes).slice(40, 120)}`, [planted])).toEqual([planted.name]);
  });
});

const chain64 = (der: Uint8Array) => Buffer.from(der).toString("base64").slice(0, 64);

/** Names of the cases any window of whose secrets occurs in the haystack (one pass per form over all needles). */
function leaksIn(haystack: string, corpus: readonly KeyCase[]): string[] {
  const forms = { raw: new Map<string, string>(), hex: new Map<string, string>(), b64: new Map<string, string>() };
  for (const c of corpus) {
    const n = needles(c.secrets);
    for (const w of n.raw) forms.raw.set(w, c.name);
    for (const w of n.hex) forms.hex.set(w, c.name);
    for (const w of n.b64) forms.b64.set(w, c.name);
  }
  const found = new Set<string>();
  const slide = (h: string, map: Map<string, string>, width: number) => {
    for (let i = 0; i + width <= h.length; i++) {
      const name = map.get(h.slice(i, i + width));
      if (name) found.add(name);
    }
  };
  slide(haystack, forms.raw, 16);
  slide(haystack.toLowerCase(), forms.hex, 32);
  slide(haystack.replace(/\\[nrt]/g, "").replace(/[\s\\]+/g, "").replace(/-/g, "+").replace(/_/g, "/"), forms.b64, 24);
  return [...found];
}

afterAll(() => {
  if (letThrough.length) process.stderr.write(`key corpus: ${letThrough.length} uploads let through\n`);
});
