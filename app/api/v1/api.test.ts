/**
 * The partner API's route handlers, called as Next calls them (a Request in, a Response
 * out) against the process-wide PGlite database and the real embedded S3 server.
 */
import "reflect-metadata";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certificates, closeDb, developerApps, getDb, submissions, users, type Database } from "@/lib/db";
import { DEMO_API_TOKEN, seedDemo } from "@/lib/db/seed";
import { getConfig } from "@/lib/config";
import { ensureLocalKey, startS3Server, type EmbeddedS3 } from "@/lib/embedded";
import { getStorage } from "@/lib/storage";
import { EXAMPLE_PROGRAM_RECORDS } from "@/lib/policy";
import { loadSessionUser } from "@/lib/auth/access";
import { createApiToken, revokeApiToken } from "@/lib/auth/api-tokens";
import { acmeChain } from "@/lib/submissions/testing";
import { GET as listApps } from "./apps/route";
import { POST as preflight } from "./preflight/route";
import { POST as createSubmission } from "./apps/[appId]/environments/[env]/submissions/route";
import { GET as activeCertificate } from "./apps/[appId]/environments/[env]/certificate/route";
import { GET as getSubmission } from "./submissions/[id]/route";
import { GET as openapi } from "./openapi.json/route";
import { POST as withdraw } from "./submissions/[id]/withdraw/route";

const BASE = "http://localhost:3000";
let dir: string;
let s3: EmbeddedS3;
let db: Database;
let globexToken: string;
let acmeCheckout: string;
let chainPem: string;
let reversedPem: string;
let keyPem: string;
let productionSubmissionId: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "certdesk-api-"));
  s3 = await startS3Server({ directory: path.join(dir, "s3"), port: 0, bucket: "certdesk-api-test" });
  // The route handlers use the process singletons (getDb, getStorage): point them at this test's own data.
  Object.assign(process.env, { CERTDESK_MODE: "local", CERTDESK_DATA_DIR: dir, CERTDESK_S3_ENDPOINT: s3.endpoint, CERTDESK_S3_BUCKET: "certdesk-api-test", CERTDESK_PUBLIC_URL: BASE });
  delete process.env.DATABASE_URL;
  await ensureLocalKey(getConfig());
  db = await getDb();
  await seedDemo(db, { programs: EXAMPLE_PROGRAM_RECORDS });
  const [globexUser] = await db.select({ id: users.id }).from(users).where(eq(users.email, "partner@globex.test"));
  globexToken = (await createApiToken(db, { user: (await loadSessionUser(db, globexUser!.id))!, name: "Globex CI" })).token;
  acmeCheckout = (await db.select({ id: developerApps.id }).from(developerApps).where(eq(developerApps.name, "Acme Checkout")))[0]!.id;
  // The route handlers read the real clock: chains issued now stay valid whatever the date.
  const c = await acmeChain("api", { at: new Date() });
  chainPem = c.leaf.pem + c.ica.pem + c.root.pem;
  reversedPem = c.root.pem + c.ica.pem + c.leaf.pem;
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey("pkcs8", c.leaf.keys.privateKey)).toString("base64");
  keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/.{1,64}/g, "$&\n")}-----END PRIVATE KEY-----\n`;
});

afterAll(async () => {
  await closeDb();
  await s3?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Part = [name: string, value: string] | [name: string, content: string | Uint8Array, filename: string];

function form(parts: Part[]): FormData {
  const f = new FormData();
  for (const p of parts) {
    if (p.length === 2) f.append(p[0], p[1]);
    else f.append(p[0], new Blob([typeof p[1] === "string" ? p[1] : Buffer.from(p[1])]), p[2]);
  }
  return f;
}

function post(url: string, body: BodyInit, headers: Record<string, string> = {}, token: string | null = DEMO_API_TOKEN): Request {
  return new Request(`${BASE}${url}`, { method: "POST", body, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
}

function get(url: string, token: string | null = DEMO_API_TOKEN): Request {
  return new Request(`${BASE}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

const params = <T>(value: T) => ({ params: Promise.resolve(value) });
const submissionsUrl = (appId: string, env: string) => `/api/v1/apps/${appId}/environments/${env}/submissions`;

async function problem(response: Response, status: number, slug: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ type: `urn:certdesk:problem:${slug}`, status });
  expect(typeof body.title).toBe("string");
  expect(typeof body.detail).toBe("string");
  return body;
}

async function storedObjects(): Promise<string[]> {
  return getStorage().listKeys("submissions/");
}

describe("authentication", () => {
  it("refuses a missing, malformed, unknown or revoked token with 401 and a Bearer challenge", async () => {
    for (const token of [null, "not-a-token", "certdesk_unknown"]) {
      const response = await listApps(get("/api/v1/apps", token));
      await problem(response, 401, "unauthenticated");
      expect(response.headers.get("www-authenticate")).toContain("Bearer");
    }
    const [acmeUser] = await db.select({ id: users.id }).from(users).where(eq(users.email, "partner@acme.test"));
    const user = (await loadSessionUser(db, acmeUser!.id))!;
    const { token, summary } = await createApiToken(db, { user, name: "short-lived" });
    expect((await listApps(get("/api/v1/apps", token))).status).toBe(200);
    await revokeApiToken(db, { user, tokenId: summary.id, now: new Date() });
    await problem(await listApps(get("/api/v1/apps", token)), 401, "unauthenticated");
  });
});

describe("GET /api/v1/apps", () => {
  it("lists only the token's organisation's apps, with their environments", async () => {
    const response = await listApps(get("/api/v1/apps"));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { apps: { name: string; organisation: { name: string }; environments: { key: string }[] }[] };
    expect(body.apps.map((a) => a.name).sort()).toEqual(["Acme Checkout", "Acme Treasury Gateway"]);
    expect(body.apps.find((a) => a.name === "Acme Checkout")!.environments.map((e) => e.key)).toEqual(["stage", "production"]);
  });
});

describe("POST /api/v1/preflight", () => {
  it("answers the CLI's JSON object, 200 when accepted and 422 with the corrected chain when not; stores nothing", async () => {
    const before = await storedObjects();
    const ok = await preflight(post("/api/v1/preflight", form([["files", chainPem, "chain.pem"], ["program", "self-signed-allowed"]])));
    expect(ok.status).toBe(200);
    const verdict = (await ok.json()) as Record<string, unknown>;
    expect(Object.keys(verdict).sort()).toEqual(["chain", "findings", "verdict"]);
    expect(verdict.verdict).toBe("accepted");

    const reversed = await preflight(post("/api/v1/preflight", form([["files", reversedPem, "chain.pem"], ["program", "self-signed-allowed"]])));
    expect(reversed.status).toBe(422);
    const rv = (await reversed.json()) as { verdict: string; findings: { code: string; fix?: string }[]; correctedPem?: string };
    expect(rv.findings.map((f) => f.code)).toContain("CHAIN_ORDER");
    expect(rv.correctedPem).toBe(chainPem);

    // `company` overrides the organisation's name for the company-name rule.
    const company = await preflight(post("/api/v1/preflight", form([["files", chainPem, "chain.pem"], ["program", "self-signed-allowed"], ["company", "Initech"]])));
    expect(((await company.json()) as { findings: { code: string }[] }).findings.map((f) => f.code)).toContain("SUBJECT_COMPANY_NAME");
    expect(await storedObjects()).toEqual(before);
  });

  it("answers bad input with problems: not multipart 415, no files 400, unknown program 404, garbage 422 FORMAT_UNRECOGNIZED", async () => {
    await problem(await preflight(post("/api/v1/preflight", chainPem, { "content-type": "application/x-pem-file" })), 415, "unsupported-media-type");
    await problem(await preflight(post("/api/v1/preflight", JSON.stringify({ files: [] }), { "content-type": "application/json" })), 415, "unsupported-media-type");
    const noFiles = await problem(await preflight(post("/api/v1/preflight", form([["program", "ca-chain"]]))), 400, "invalid-input");
    expect(noFiles.errors).toEqual([{ field: "files", message: "required" }]);
    await problem(await preflight(post("/api/v1/preflight", form([["files", "text, not a file"], ["program", "ca-chain"]]))), 400, "invalid-input");
    await problem(await preflight(post("/api/v1/preflight", form([["files", chainPem, "chain.pem"], ["program", "no-such-program"]]))), 404, "not-found");
    await problem(await preflight(post("/api/v1/preflight", form([["files", chainPem, "chain.pem"]]))), 400, "invalid-input");
    const garbage = await preflight(post("/api/v1/preflight", form([["files", crypto.getRandomValues(new Uint8Array(4096)), "random.bin"], ["program", "ca-chain"]])));
    expect(garbage.status).toBe(422);
    expect(((await garbage.json()) as { findings: { code: string }[] }).findings.map((f) => f.code)).toContain("FORMAT_UNRECOGNIZED");
  });

  it("refuses a 50 MB body with 413, whether or not it declares its length, without reading it whole", async () => {
    const fifty = 50 * 1024 * 1024;
    const declared = await preflight(post("/api/v1/preflight", new Uint8Array(16), { "content-type": "multipart/form-data; boundary=x", "content-length": String(fifty) }));
    await problem(declared, 413, "payload-too-large");

    let produced = 0;
    const chunk = new Uint8Array(1024 * 1024);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (produced >= fifty) return controller.close();
        produced += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const streamed = await preflight(
      new Request(`${BASE}/api/v1/preflight`, { method: "POST", body: stream, duplex: "half", headers: { authorization: `Bearer ${DEMO_API_TOKEN}`, "content-type": "multipart/form-data; boundary=x" } } as RequestInit),
    );
    const body = await problem(streamed, 413, "payload-too-large");
    expect(body.limits).toMatchObject({ maxFiles: 20 });
    // It stopped pulling shortly after the limit instead of buffering 50 MB.
    expect(produced).toBeLessThan(4 * 1024 * 1024);
  });
});

describe("POST /api/v1/apps/{appId}/environments/{env}/submissions", () => {
  it("creates a submission in review (201), replays an Idempotency-Key (200, same id), and refuses a second one while in review (409)", async () => {
    const url = submissionsUrl(acmeCheckout, "production");
    const first = await createSubmission(post(url, form([["files", chainPem, "chain.pem"]]), { "idempotency-key": "ci-run-1234-production" }), params({ appId: acmeCheckout, env: "production" }));
    expect(first.status).toBe(201);
    const created = (await first.json()) as { id: string; status: string; verdict: { verdict: string } };
    expect(created).toMatchObject({ status: "in_review", verdict: { verdict: "accepted" } });
    expect(first.headers.get("location")).toBe(`/api/v1/submissions/${created.id}`);
    productionSubmissionId = created.id;

    const replay = await createSubmission(post(url, form([["files", chainPem, "chain.pem"]]), { "idempotency-key": "ci-run-1234-production" }), params({ appId: acmeCheckout, env: "production" }));
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(((await replay.json()) as { id: string }).id).toBe(created.id);
    expect(await db.select({ id: submissions.id }).from(submissions).where(eq(submissions.appId, acmeCheckout))).toHaveLength(1);

    const again = await createSubmission(post(url, form([["files", chainPem, "chain.pem"]])), params({ appId: acmeCheckout, env: "production" }));
    const conflict = await problem(again, 409, "conflict");
    expect(conflict.detail).toContain("Withdraw it first");

    // GET the submission: status, findings, certificate metadata, never file contents.
    const read = await getSubmission(get(`/api/v1/submissions/${created.id}`), params({ id: created.id }));
    expect(read.status).toBe(200);
    const text = await read.text();
    expect(text).not.toContain("BEGIN CERTIFICATE");
    expect(text).not.toContain("objectKey");
    const view = JSON.parse(text) as { status: string; certificates: { role: string }[]; files: { kind: string }[] };
    expect(view.status).toBe("in_review");
    expect(view.certificates.map((c) => c.role)).toEqual(["leaf", "intermediate", "root"]);

    // Another organisation's token: not found, never forbidden; neither can it withdraw.
    await problem(await withdraw(post(`/api/v1/submissions/${created.id}/withdraw`, "", {}, globexToken), params({ id: created.id })), 404, "not-found");
    await problem(await getSubmission(get(`/api/v1/submissions/${created.id}`, globexToken), params({ id: created.id })), 404, "not-found");
    await problem(await getSubmission(get(`/api/v1/submissions/not-a-uuid`), params({ id: "not-a-uuid" })), 404, "not-found");
  });

  it("answers errors with 422 and the verdict, a private key with 422 upload-refused; nothing stored either way", async () => {
    const before = await storedObjects();
    const url = submissionsUrl(acmeCheckout, "stage");
    const p = params({ appId: acmeCheckout, env: "stage" });
    // Content Certdesk does not understand is refused like a key (issue 10): nothing of it is stored.
    const garbage = await problem(await createSubmission(post(url, form([["files", crypto.getRandomValues(new Uint8Array(2048)), "x.bin"]])), p), 422, "upload-refused");
    expect((garbage.verdict as { findings: { code: string }[] }).findings.map((f) => f.code)).toContain("FORMAT_UNRECOGNIZED");
    const reversed = await problem(await createSubmission(post(url, form([["files", reversedPem, "c.pem"]])), p), 422, "verdict-rejected");
    expect((reversed.verdict as { correctedPem?: string }).correctedPem).toBe(chainPem);
    const keyed = await problem(await createSubmission(post(url, form([["files", chainPem, "c.pem"], ["files", keyPem, "client.key"]])), p), 422, "upload-refused");
    expect(JSON.stringify(keyed)).not.toContain("PRIVATE KEY-----\nMI");
    expect((keyed.verdict as { findings: { code: string }[] }).findings.map((f) => f.code)).toContain("PRIVATE_KEY_PRESENT");
    expect(await storedObjects()).toEqual(before);
    // A bad field and a bad purpose are 400s.
    await problem(await createSubmission(post(url, form([["files", chainPem, "c.pem"], ["purpose", "fun"]])), p), 400, "invalid-input");
    await problem(await createSubmission(post(url, form([["files", chainPem, "c.pem"], ["draft", "maybe"]])), p), 400, "invalid-input");
  });

  it("keeps a draft when asked, and never lets another organisation's token upload to the app (404)", async () => {
    const url = submissionsUrl(acmeCheckout, "stage");
    const draft = await createSubmission(post(url, form([["files", chainPem, "c.pem"], ["draft", "true"]])), params({ appId: acmeCheckout, env: "stage" }));
    expect(draft.status).toBe(201);
    const kept = (await draft.json()) as { id: string; status: string };
    expect(kept.status).toBe("draft");
    // Issue 16: a draft upload whose verdict has errors is stored as rejected (201, its own URL), and supersedes no draft.
    const bad = await createSubmission(post(url, form([["files", reversedPem, "c.pem"], ["draft", "true"]])), params({ appId: acmeCheckout, env: "stage" }));
    expect(bad.status).toBe(201);
    const badBody = (await bad.json()) as { id: string; status: string; verdict: { verdict: string }; links: { self: string } };
    expect(badBody).toMatchObject({ status: "rejected", verdict: { verdict: "rejected" }, links: { self: `/api/v1/submissions/${badBody.id}` } });
    expect(bad.headers.get("location")).toBe(`/api/v1/submissions/${badBody.id}`);
    const read = async (id: string) => (await (await getSubmission(get(`/api/v1/submissions/${id}`), params({ id }))).json()) as { status: string; verdict: string };
    expect(await read(badBody.id)).toMatchObject({ status: "rejected", verdict: "rejected" });
    expect((await read(kept.id)).status).toBe("draft");
    // A newer good draft supersedes the earlier one, which stays readable, marked superseded.
    const newer = (await (await createSubmission(post(url, form([["files", chainPem, "c.pem"], ["draft", "true"]])), params({ appId: acmeCheckout, env: "stage" }))).json()) as { id: string; status: string };
    expect(newer.status).toBe("draft");
    expect((await read(kept.id)).status).toBe("superseded");
    expect((await withdraw(post(`/api/v1/submissions/${newer.id}/withdraw`, ""), params({ id: newer.id }))).status).toBe(200);
    await problem(await createSubmission(post(url, form([["files", chainPem, "c.pem"]]), {}, globexToken), params({ appId: acmeCheckout, env: "stage" })), 404, "not-found");
    await problem(await createSubmission(post(submissionsUrl(acmeCheckout, "nowhere"), form([["files", chainPem, "c.pem"]])), params({ appId: acmeCheckout, env: "nowhere" })), 404, "not-found");
  });
});

describe("POST /api/v1/submissions/{id}/withdraw", () => {
  it("withdraws a submission in review, after which a new upload is accepted; twice is a conflict", async () => {
    const url = submissionsUrl(acmeCheckout, "stage");
    const p = params({ appId: acmeCheckout, env: "stage" });
    // Its own key: the API chain's key is already registered for mTLS (KEY_REUSED_ACROSS_PURPOSES).
    const own = await acmeChain("api-withdraw", { at: new Date() });
    const chainPem = own.leaf.pem + own.ica.pem + own.root.pem;
    const created = (await (await createSubmission(post(url, form([["files", chainPem, "c.pem"], ["purpose", "signature"]])), p)).json()) as { id: string; status: string };
    expect(created.status).toBe("in_review");
    await problem(await createSubmission(post(url, form([["files", chainPem, "c.pem"], ["purpose", "signature"]])), p), 409, "conflict");
    const response = await withdraw(post(`/api/v1/submissions/${created.id}/withdraw`, ""), params({ id: created.id }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: created.id, status: "withdrawn" });
    await problem(await withdraw(post(`/api/v1/submissions/${created.id}/withdraw`, ""), params({ id: created.id })), 409, "conflict");
    expect((await createSubmission(post(url, form([["files", chainPem, "c.pem"], ["purpose", "signature"]])), p)).status).toBe(201);
  });
});

describe("GET /api/v1/apps/{appId}/environments/{env}/certificate", () => {
  it("is a 404 problem while nothing is active, then the active leaf and its chain; another organisation gets 404", async () => {
    const url = `/api/v1/apps/${acmeCheckout}/environments/production/certificate`;
    const p = params({ appId: acmeCheckout, env: "production" });
    await problem(await activeCertificate(get(url), p), 404, "not-found");
    await db.update(certificates).set({ status: "active", activatedAt: new Date() }).where(eq(certificates.submissionId, productionSubmissionId));
    const response = await activeCertificate(get(url), p);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { certificate: { role: string; status: string }; chain: unknown[] };
    expect(body.certificate).toMatchObject({ role: "leaf", status: "active" });
    expect(body.chain).toHaveLength(3);
    expect(JSON.stringify(body)).not.toContain("BEGIN CERTIFICATE");
    await problem(await activeCertificate(get(url, globexToken), p), 404, "not-found");
  });
});

describe("GET /api/v1/openapi.json", () => {
  it("describes every endpoint as OpenAPI 3.1", async () => {
    const response = openapi();
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, unknown>; servers: { url: string }[] };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/api/v1/apps",
      "/api/v1/apps/{appId}/environments/{env}/certificate",
      "/api/v1/apps/{appId}/environments/{env}/submissions",
      "/api/v1/certificates",
      "/api/v1/certificates.ics",
      "/api/v1/certificates/{id}",
      "/api/v1/preflight",
      "/api/v1/submissions/{id}",
      "/api/v1/submissions/{id}/withdraw",
    ]);
    expect(doc.servers[0]!.url).toBe(BASE);
  });
});
