/**
 * The partner submission journey in real Chromium against the e2e portal, and the
 * partner API against the same running portal. Serial: later steps rely on what earlier
 * ones stored (one open submission per app, environment and purpose).
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { signIn } from "../helpers/auth";
import { E2E_DATA_DIR } from "../env";
import { acmeChain, minted, privateKeyPem, TempFiles, zipOfChain } from "./material";

const DEMO_TOKEN = "certdesk_demo_acme";
const files = new TempFiles();
const S3_DIR = path.join(process.cwd(), E2E_DATA_DIR, "s3");

type App = { id: string; name: string; environments: { key: string }[] };
const state: { acmeCheckout?: string; submissionId?: string; globexToken?: string } = {};
/** Certificates minted before this spec's first test belong to other journeys of the same worker. */
let mintedBefore = 0;
test.beforeAll(() => {
  mintedBefore = minted.length;
});

test.describe.configure({ mode: "serial" });
test.afterAll(() => files.remove());

async function apps(request: APIRequestContext, token = DEMO_TOKEN): Promise<App[]> {
  const response = await request.get("/api/v1/apps", { headers: { authorization: `Bearer ${token}` } });
  expect(response.status()).toBe(200);
  return ((await response.json()) as { apps: App[] }).apps;
}

async function acmeCheckout(request: APIRequestContext): Promise<string> {
  state.acmeCheckout ??= (await apps(request)).find((a) => a.name === "Acme Checkout")!.id;
  return state.acmeCheckout;
}

/** All files under the e2e portal's S3 data folder (objects and s3rver's metadata). */
function rawS3Files(dir = S3_DIR): string[] {
  const out: string[] = [];
  // Entry types from the listing itself: a job may delete a file between a listing and a stat.
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...rawS3Files(p));
    else out.push(p);
  }
  return out;
}

async function startUpload(page: Page, appId: string, env: string): Promise<void> {
  await page.goto(`/apps/${appId}/environments/${env}`);
  await page.getByRole("link", { name: "New submission" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "New submission" })).toBeVisible();
}

async function upload(page: Page, paths: string[], purpose?: "mtls" | "signature"): Promise<void> {
  await page.getByLabel("Choose files").setInputFiles(paths);
  if (purpose) await page.getByLabel("Purpose").selectOption(purpose);
  await page.getByRole("button", { name: "Upload and check" }).click();
}

test("a partner uploads a good chain, sees it accepted with its chain drawn, and submits it", async ({ page, request }) => {
  const appId = await acmeCheckout(request);
  const chain = await acmeChain("good");
  await signIn(page, "partner@acme.test");
  await startUpload(page, appId, "stage");
  await upload(page, [files.write("client-chain.pem", chain.pem)]);

  await expect(page.getByRole("heading", { level: 1, name: /Submission for Acme Checkout/ })).toBeVisible();
  await expect(page.getByText("Accepted", { exact: true })).toBeVisible();
  const chainItems = page.getByRole("list", { name: "Certificate chain, leaf first" }).getByRole("listitem");
  await expect(chainItems).toHaveCount(3);
  await expect(chainItems.nth(0)).toContainText("Leaf (client certificate)");
  await expect(chainItems.nth(0)).toContainText("days remaining");
  await expect(chainItems.nth(2)).toContainText("Root CA");
  await expect(page.getByTestId("submission-status")).toHaveText("Draft");

  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByTestId("submission-status")).toHaveText("In review");
  await page.reload();
  await expect(page.getByTestId("submission-status")).toHaveText("In review");
  await expect(page.getByRole("button", { name: "Submit for review" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Withdraw submission" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Status timeline" }).locator('[aria-current="step"]')).toHaveText(/In review/);
  state.submissionId = page.url().split("/").pop();
});

test("a reversed chain shows CHAIN_ORDER with its fix; the corrected chain downloads and is accepted", async ({ page, request }) => {
  const appId = await acmeCheckout(request);
  const chain = await acmeChain("reversed");
  await signIn(page, "partner@acme.test");
  await startUpload(page, appId, "production");
  await upload(page, [files.write("reversed.pem", chain.reversedPem)]);

  // Issue 16: the verdict is Rejected, and so is the stored upload's status (not "Draft").
  await expect(page.getByText("Rejected", { exact: true })).toHaveCount(2);
  await expect(page.getByTestId("submission-status")).toHaveText("Rejected");
  const finding = page.locator('[data-code="CHAIN_ORDER"]');
  await expect(finding).toBeVisible();
  await expect(finding).toContainText("Fix:");
  await expect(page.getByRole("button", { name: "Submit for review" })).toHaveCount(0);

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download corrected chain" }).click();
  const download = await downloading;
  const saved = path.join(files.dir, "corrected-chain.pem");
  await download.saveAs(saved);
  expect(readFileSync(saved, "utf8")).toBe(chain.pem);

  await startUpload(page, appId, "production");
  await upload(page, [saved]);
  await expect(page.getByText("Accepted", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByTestId("submission-status")).toHaveText("In review");
});

test("a zip holding the chain split over three files is assembled leaf → intermediate → root", async ({ page, request }) => {
  const appId = await acmeCheckout(request);
  const chain = await acmeChain("zipped");
  await signIn(page, "partner@acme.test");
  await startUpload(page, appId, "stage");
  await upload(page, [files.write("chain.zip", await zipOfChain(chain))], "signature");
  await expect(page.getByText("Accepted", { exact: true })).toBeVisible();
  const chainItems = page.getByRole("list", { name: "Certificate chain, leaf first" }).getByRole("listitem");
  await expect(chainItems).toHaveCount(3);
  await expect(chainItems.nth(0)).toContainText("Acme Payments zipped Client");
  await expect(chainItems.nth(1)).toContainText("Acme Payments zipped Issuing CA");
  await expect(chainItems.nth(2)).toContainText("Acme Payments zipped Root CA");
});

test("a warning must be acknowledged before sending; the new upload supersedes the unsent draft, which stays listed", async ({ page, request }) => {
  const appId = await acmeCheckout(request);
  // A 4096-bit leaf: KEY_SIZE_UNEXPECTED is a warning under this program.
  const chain = await acmeChain("warned", { leafKeyBits: 4096 });
  await signIn(page, "partner@acme.test");
  await startUpload(page, appId, "stage");
  // Issue 16: the upload page says, before the upload, which draft a new upload supersedes (the zip's, above).
  await expect(page.getByTestId("supersede-notice")).toContainText("Draft for message signature");
  await upload(page, [files.write("warned.pem", chain.pem)], "signature");
  await expect(page.getByText("Accepted", { exact: true })).toBeVisible();
  await expect(page.locator('[data-code="KEY_SIZE_UNEXPECTED"]')).toBeVisible();
  const acknowledge = page.getByRole("checkbox", { name: /KEY_SIZE_UNEXPECTED/ });
  await page.getByRole("button", { name: "Submit for review" }).click();
  // Not acknowledged: the form does not go out.
  await expect(page.getByTestId("submission-status")).toHaveText("Draft");
  await acknowledge.check();
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByTestId("submission-status")).toHaveText("In review");

  // Issue 16: the zip's draft in the same slot was superseded, not deleted: both attempts are listed.
  await page.goto(`/apps/${appId}/environments/stage`);
  const rows = page.getByRole("row").filter({ hasText: "(signature)" });
  await expect(rows.filter({ hasText: "Acme Payments warned Client" })).toContainText("In review");
  await expect(rows.filter({ hasText: "Acme Payments zipped Client" })).toContainText("Superseded by a newer upload");
});

test("an upload over the size limit is stopped with a clear message before it is sent", async ({ page, request }) => {
  const appId = await acmeCheckout(request);
  await signIn(page, "partner@acme.test");
  await startUpload(page, appId, "production");
  await page.getByLabel("Choose files").setInputFiles([files.write("huge.pem", Buffer.alloc(2 * 1024 * 1024, 0x41))]);
  await expect(page.getByRole("alert").filter({ hasText: "These files add up to" })).toContainText("at most 1.0 MiB can be uploaded");
  await expect(page.getByRole("button", { name: "Upload and check" })).toBeDisabled();
  // And the server says the same to anything that bypasses the page.
  const origin = new URL(page.url()).origin;
  const direct = await page.request.post(`/apps/${appId}/environments/production/submissions/upload`, {
    headers: { origin },
    multipart: { files: { name: "huge.pem", mimeType: "application/x-pem-file", buffer: Buffer.alloc(3 * 1024 * 1024, 0x41) } },
  });
  expect(direct.status()).toBe(413);
  expect((await direct.json()).detail).toContain("A certificate chain is a few kilobytes");
  // A cross-site form post (CSRF) is refused before anything is read.
  const crossSite = await page.request.post(`/apps/${appId}/environments/production/submissions/upload`, {
    headers: { origin: "https://evil.example" },
    multipart: { files: { name: "c.pem", mimeType: "application/x-pem-file", buffer: Buffer.from("x") } },
  });
  expect(crossSite.status()).toBe(403);
});

test("a chain with its private key is refused with the exposure message, and nothing is stored", async ({ page, request }) => {
  const appId = await acmeCheckout(request);
  const chain = await acmeChain("keyed");
  const before = new Set(rawS3Files());
  await signIn(page, "partner@acme.test");
  await startUpload(page, appId, "production");
  await page.getByLabel("Purpose").selectOption("signature");
  await upload(page, [files.write("chain.pem", chain.pem), files.write("client.key", await privateKeyPem(chain.leaf))]);
  await expect(page.getByRole("heading", { name: "Verdict: refused, nothing stored" })).toBeVisible();
  const finding = page.locator('[data-code="PRIVATE_KEY_PRESENT"]');
  await expect(finding).toBeVisible();
  await expect(finding).toContainText(/exposed/i);
  await expect(page).toHaveURL(/\/submissions\/new$/);
  // No new submission object: the portal's jobs may delete (due markers) or publish objects meanwhile,
  // so compare what appeared under submissions/, not the total count.
  const added = rawS3Files().filter((f) => !before.has(f) && f.split(path.sep).includes("submissions"));
  expect(added).toEqual([]);
});

test("the S3 data folder holds no certificate bytes, PEM or DER", async () => {
  // This spec's own certificates: other journeys in the same worker mint (and publish) theirs.
  const mintedHere = minted.slice(mintedBefore);
  const raw = rawS3Files();
  expect(raw.length).toBeGreaterThan(0);
  // Uploads live under submissions/, encrypted. Published trust stores and the CA's own
  // certificates (pki/…/ca.pem, served at /pki) are public by design and may be PEM; none of
  // them may hold a byte of what partners uploaded here.
  const uploads = raw.filter((f) => f.split(path.sep).includes("submissions"));
  expect(uploads.length).toBeGreaterThan(0);
  for (const file of raw) {
    // The portal keeps running: a job may delete an object (e.g. a due marker) after the listing.
    const bytes = existsSync(file) ? readFileSync(file) : undefined;
    if (!bytes) continue;
    if (uploads.includes(file)) expect(bytes.includes("-----BEGIN"), file).toBe(false);
    for (const cert of mintedHere) {
      // Any 32-byte run of a certificate's DER (its key and signature are random) would be a leak.
      for (let i = 0; i + 32 <= cert.der.length; i += 64) {
        const window = Buffer.from(cert.der.subarray(i, i + 32));
        // Outside the uploads, a window that is all printable text lies inside a name string,
        // which public metadata (clients.json subjects) may repeat; key and signature bytes never are.
        if (!uploads.includes(file) && window.every((b) => b >= 0x20 && b < 0x7f)) continue;
        expect(bytes.includes(window), file).toBe(false);
      }
    }
  }
});

test("a partner of another organisation can neither see, download nor submit for Acme's apps, in the UI or with its own token", async ({ page, request }) => {
  const appId = await acmeCheckout(request);
  const submissionId = state.submissionId!;
  expect(submissionId).toMatch(/^[0-9a-f-]{36}$/);
  const acmeView = await request.get(`/api/v1/submissions/${submissionId}`, { headers: { authorization: `Bearer ${DEMO_TOKEN}` } });
  const fileId = ((await acmeView.json()) as { files: { id: string }[] }).files[0]!.id;

  await signIn(page, "partner@globex.test");
  // Globex mints its own token in the UI: shown once, listed by prefix afterwards.
  await page.goto("/tokens");
  await page.getByLabel("Token name").fill("Globex CI");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  expect(token).toMatch(/^certdesk_/);
  await page.reload();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  await expect(page.getByRole("cell", { name: `${token.slice(0, 13)}…` })).toBeVisible();

  const base = `/apps/${appId}/environments/stage`;
  for (const url of [base, `${base}/submissions/new`, `${base}/submissions/${submissionId}`]) {
    const response = await page.goto(url);
    expect(response?.status(), url).toBe(404);
    await expect(page.getByText("Acme")).toHaveCount(0);
  }
  const download = await page.request.get(`${base}/submissions/${submissionId}/files/${fileId}`);
  expect(download.status()).toBe(404);
  expect(await download.text()).not.toContain("BEGIN CERTIFICATE");
  const chain = await acmeChain("globex-upload");
  const origin = new URL(page.url()).origin;
  const uiUpload = await page.request.post(`${base}/submissions/upload`, {
    headers: { origin },
    multipart: { files: { name: "c.pem", mimeType: "application/x-pem-file", buffer: Buffer.from(chain.pem) } },
  });
  expect(uiUpload.status()).toBe(404);

  const auth = { authorization: `Bearer ${token}` };
  expect((await apps(request, token)).map((a) => a.name).sort()).toEqual(["Globex Cards", "Globex Payouts"]);
  const apiRead = await request.get(`/api/v1/submissions/${submissionId}`, { headers: auth });
  expect(apiRead.status()).toBe(404);
  expect(apiRead.headers()["content-type"]).toBe("application/problem+json");
  const apiUpload = await request.post(`/api/v1/apps/${appId}/environments/stage/submissions`, {
    headers: auth,
    multipart: { files: { name: "c.pem", mimeType: "application/x-pem-file", buffer: Buffer.from(chain.pem) } },
  });
  expect(apiUpload.status()).toBe(404);
  const apiCert = await request.get(`/api/v1/apps/${appId}/environments/stage/certificate`, { headers: auth });
  expect(apiCert.status()).toBe(404);
});

test.describe("partner API against the running portal", () => {
  const auth = { authorization: `Bearer ${DEMO_TOKEN}` };

  test("preflight: a good chain is 200 with the CLI's JSON; bad input gets problem details", async ({ request }) => {
    const chain = await acmeChain("api-preflight");
    const pem = { name: "chain.pem", mimeType: "application/x-pem-file", buffer: Buffer.from(chain.pem) };
    const ok = await request.post("/api/v1/preflight", { headers: auth, multipart: { files: pem, program: "self-signed-allowed" } });
    expect(ok.status()).toBe(200);
    expect(Object.keys(await ok.json()).sort()).toEqual(["chain", "findings", "verdict"]);

    const notMultipart = await request.post("/api/v1/preflight", { headers: { ...auth, "content-type": "application/json" }, data: { files: [] } });
    expect(notMultipart.status()).toBe(415);
    expect(notMultipart.headers()["content-type"]).toBe("application/problem+json");

    const noFiles = await request.post("/api/v1/preflight", { headers: auth, multipart: { program: "ca-chain" } });
    expect(noFiles.status()).toBe(400);
    expect((await noFiles.json()).type).toBe("urn:certdesk:problem:invalid-input");

    const unknown = await request.post("/api/v1/preflight", { headers: auth, multipart: { files: pem, program: "no-such-program" } });
    expect(unknown.status()).toBe(404);

    const garbage = await request.post("/api/v1/preflight", {
      headers: auth,
      multipart: { files: { name: "noise.bin", mimeType: "application/octet-stream", buffer: Buffer.from(crypto.getRandomValues(new Uint8Array(4096))) }, program: "ca-chain" },
    });
    expect(garbage.status()).toBe(422);
    expect(((await garbage.json()) as { findings: { code: string }[] }).findings.map((f) => f.code)).toContain("FORMAT_UNRECOGNIZED");

    const huge = await request.post("/api/v1/preflight", {
      headers: auth,
      multipart: { files: { name: "huge.pem", mimeType: "application/x-pem-file", buffer: Buffer.alloc(50 * 1024 * 1024, 0x41) }, program: "ca-chain" },
    });
    expect(huge.status()).toBe(413);
    expect((await huge.json()).type).toBe("urn:certdesk:problem:payload-too-large");

    const noToken = await request.post("/api/v1/preflight", { multipart: { files: pem, program: "ca-chain" } });
    expect(noToken.status()).toBe(401);
  });

  test("submissions: 201 in review, same Idempotency-Key → same id, GET shows metadata only; garbage → 422", async ({ request }) => {
    const appId = (await apps(request)).find((a) => a.name === "Acme Treasury Gateway")!.id;
    const env = "sandbox";
    const garbage = await request.post(`/api/v1/apps/${appId}/environments/${env}/submissions`, {
      headers: auth,
      multipart: { files: { name: "noise.bin", mimeType: "application/octet-stream", buffer: Buffer.from(crypto.getRandomValues(new Uint8Array(1024))) } },
    });
    expect(garbage.status()).toBe(422);
    const problem = (await garbage.json()) as { type: string; verdict: { findings: { code: string }[] } };
    // Content Certdesk cannot read is refused, like a key (issue 10): nothing of it is stored.
    expect(problem.type).toBe("urn:certdesk:problem:upload-refused");
    expect(problem.verdict.findings.map((f) => f.code)).toContain("FORMAT_UNRECOGNIZED");

    // Acme Checkout takes self-signed chains; its production slot is in review (signature purpose is free).
    const checkout = await acmeCheckout(request);
    const chain = await acmeChain("api-submit");
    const body = { files: { name: "chain.pem", mimeType: "application/x-pem-file", buffer: Buffer.from(chain.pem) }, purpose: "signature" };
    const first = await request.post(`/api/v1/apps/${checkout}/environments/production/submissions`, { headers: { ...auth, "idempotency-key": "e2e-api-submit-0001" }, multipart: body });
    expect(first.status()).toBe(201);
    const created = (await first.json()) as { id: string; status: string };
    expect(created.status).toBe("in_review");
    const replay = await request.post(`/api/v1/apps/${checkout}/environments/production/submissions`, { headers: { ...auth, "idempotency-key": "e2e-api-submit-0001" }, multipart: body });
    expect(replay.status()).toBe(200);
    expect(((await replay.json()) as { id: string }).id).toBe(created.id);

    const read = await request.get(`/api/v1/submissions/${created.id}`, { headers: auth });
    expect(read.status()).toBe(200);
    const text = await read.text();
    expect(text).not.toContain("BEGIN CERTIFICATE");
    expect(JSON.parse(text)).toMatchObject({ status: "in_review", certificates: [{ role: "leaf" }, { role: "intermediate" }, { role: "root" }] });

    const none = await request.get(`/api/v1/apps/${checkout}/environments/production/certificate`, { headers: auth });
    expect(none.status()).toBe(404);
    expect(none.headers()["content-type"]).toBe("application/problem+json");

    const doc = await request.get("/api/v1/openapi.json");
    expect(doc.status()).toBe(200);
    expect((await doc.json()).openapi).toBe("3.1.0");
  });
});

test.afterAll(async ({ request }) => {
  // Later journeys (e2e/ux) upload into Acme Checkout's stage: leave its mTLS slot free again.
  if (state.submissionId) await request.post(`/api/v1/submissions/${state.submissionId}/withdraw`, { headers: { authorization: "Bearer certdesk_demo_acme" } });
});
