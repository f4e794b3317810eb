/**
 * Certdesk as the CA, in real Chromium: Globex's partner uploads two CSRs under provider-ca-csr
 * (sandbox), a reviewer approves, the partner downloads both certificates and the zip, support
 * enables at once, and a real TLS handshake with the issued mTLS certificate succeeds against
 * a server built only from the published trust store — and fails after the partner reports a
 * key compromise. The public CA endpoints answer without sign-in.
 * Serial: each step builds on the one before.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, request, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { TLSSocket } from "node:tls";
import JSZip from "jszip";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { loadConfig } from "../../lib/config";
import { readPublishedTruststore } from "../../lib/scheduling/publish-truststore";
import { createStorage } from "../../lib/storage";
import { E2E_DATA_DIR, E2E_S3_PORT } from "../env";
import { signIn } from "../helpers/auth";
import { TempFiles } from "../submissions/material";

const files = new TempFiles();
const label = `ca${Date.now().toString(36)}`;
const CN = `cards-${label}.globex.test`;
const state: { appId?: string; submissionId?: string; mtlsPem?: string; chainPem?: string } = {};
const SCOPE = { programId: "provider-ca-csr", environmentKey: "sandbox" };

test.describe.configure({ mode: "serial" });
test.afterAll(() => files.remove());

async function as(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

function keyAndCsr(name: string, cn: string): { keyFile: string; csrFile: string } {
  const keyFile = files.write(`${name}.key`, "");
  execFileSync("openssl", ["genrsa", "-out", keyFile, "2048"], { stdio: "ignore" });
  const csrFile = path.join(files.dir, `globex_csr_${name}.pem`);
  execFileSync("openssl", ["req", "-new", "-key", keyFile, "-out", csrFile, "-subj", `/C=FR/ST=IdF/L=Paris/O=Globex Financial/CN=${cn}/emailAddress=pki@globex.test`]);
  return { keyFile, csrFile };
}

const mtls = keyAndCsr("mtls", CN);
const signature = keyAndCsr("signature", `signing-${label}.globex.test`);

/** The published trust store, read from the e2e portal's S3 the way a gateway does (current.json). */
async function published() {
  const config = loadConfig({ CERTDESK_DATA_DIR: E2E_DATA_DIR, CERTDESK_S3_ENDPOINT: `http://127.0.0.1:${E2E_S3_PORT}` });
  return readPublishedTruststore(createStorage(config), SCOPE);
}

/** A strict gateway: client chain must verify against truststore.pem, and the leaf must be in clients.json. */
async function gatewayFromPublished(): Promise<{ server: Server; port: number; serverCa: string }> {
  const store = await published();
  const ca = store?.pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
  const allowed = new Set((store?.clients.apps ?? []).flatMap((a) => a.clients.map((c) => c.fingerprintSha256)));
  const serverKey = files.write(`server-${Date.now()}.key`, "");
  const serverCert = `${serverKey}.crt`;
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", serverKey, "-out", serverCert, "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"], { stdio: "ignore" });
  // `ca: []` when nothing is published: trust nobody, never Node's default roots.
  const server = createServer({ key: readFileSync(serverKey), cert: readFileSync(serverCert), ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const fingerprint = (req.socket as TLSSocket).getPeerCertificate().fingerprint256.replace(/:/g, "").toLowerCase();
    res.writeHead(allowed.has(fingerprint) ? 200 : 403, { connection: "close" }).end(allowed.has(fingerprint) ? "hello\n" : "not enabled\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, serverCa: readFileSync(serverCert, "utf8") };
}

function call(gateway: { port: number; serverCa: string }): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", port: gateway.port, servername: "localhost", path: "/", ca: gateway.serverCa, cert: state.chainPem, key: readFileSync(mtls.keyFile), agent: false },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on("error", (e) => resolve({ error: e.message }));
    req.end();
  });
}

test("Globex's partner uploads the two CSRs in sandbox and a reviewer approves: Certdesk issues both certificates", async ({ browser }) => {
  const partner = await as(browser, "partner@globex.test");
  await partner.goto("/apps");
  const href = await partner.getByRole("link", { name: /Sandbox environment of Globex Cards/ }).getAttribute("href");
  state.appId = href!.split("/")[2];
  await partner.goto(`/apps/${state.appId}/environments/sandbox`);
  await partner.getByRole("link", { name: "New submission" }).click();
  await partner.getByLabel("Choose files").setInputFiles([mtls.csrFile, signature.csrFile]);
  await partner.getByRole("button", { name: "Upload and check" }).click();
  await expect(partner.getByText("Accepted", { exact: true })).toBeVisible();
  await partner.getByRole("button", { name: "Submit for review" }).click();
  await expect(partner.getByTestId("submission-status")).toHaveText("In review");
  state.submissionId = partner.url().split("/").pop()!;
  // Before issuance the API-side list is empty and the page has no certificates section.
  await expect(partner.getByRole("heading", { name: "Your certificates" })).toHaveCount(0);

  const reviewer = await as(browser, "reviewer1@certdesk.test");
  await reviewer.goto(`/reviews/${state.submissionId}`);
  await reviewer.getByRole("form", { name: "Your decision" }).getByRole("button", { name: "Approve" }).click();
  await expect(reviewer.getByText("This submission is approved; there is nothing to decide.")).toBeVisible();
});

test("the partner is told and downloads each certificate, the chain and the zip", async ({ browser }) => {
  const partner = await as(browser, "partner@globex.test");
  await partner.goto("/notifications");
  await expect(partner.getByText("Your certificates are ready").first()).toBeVisible();
  await partner.goto(`/apps/${state.appId}/environments/sandbox/submissions/${state.submissionId}`);
  await expect(partner.getByRole("heading", { name: "Your certificates" })).toBeVisible();
  await expect(partner.getByTestId("issued-mtls")).toContainText(CN);

  const save = async (name: string | RegExp) => {
    const downloading = partner.waitForEvent("download");
    await partner.getByRole("link", { name }).click();
    const download = await downloading;
    const target = path.join(files.dir, download.suggestedFilename());
    await download.saveAs(target);
    return target;
  };
  state.mtlsPem = readFileSync(await save("Download mTLS certificate"), "utf8");
  const signaturePem = readFileSync(await save("Download signature certificate"), "utf8");
  state.chainPem = readFileSync(await save("Download mTLS chain"), "utf8");
  expect(state.mtlsPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
  expect(signaturePem).not.toBe(state.mtlsPem);
  expect(state.chainPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
  const zip = await JSZip.loadAsync(readFileSync(await save("Download all (.zip)")));
  expect(Object.keys(zip.files).sort()).toEqual(["ca.pem", "mtls-chain.pem", "mtls.pem", "signature-chain.pem", "signature.pem"]);

  // The certificate carries the CSR's key, and verifies strictly against the public CA bundle.
  const modulus = (args: string[]) => execFileSync("openssl", args, { encoding: "utf8" }).trim();
  const certFile = files.write("mtls-issued.pem", state.mtlsPem);
  expect(modulus(["x509", "-noout", "-modulus", "-in", certFile])).toBe(modulus(["rsa", "-noout", "-modulus", "-in", mtls.keyFile]));
  const caResponse = await partner.context().request.get(`/pki/${SCOPE.programId}/${SCOPE.environmentKey}/ca.pem`);
  const [issuing, root] = (await caResponse.text()).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)!;
  const verified = execFileSync("openssl", ["verify", "-x509_strict", "-CAfile", files.write("root.pem", root!), "-untrusted", files.write("issuing.pem", issuing!), certFile], { encoding: "utf8" });
  expect(verified).toMatch(/OK/);
});

test("the public CA endpoints answer without sign-in", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  const ca = await anonymous.get(`/pki/${SCOPE.programId}/${SCOPE.environmentKey}/ca.pem`);
  expect(ca.status()).toBe(200);
  expect(ca.headers()["cache-control"]).toMatch(/public/);
  const crl = await anonymous.get(`/pki/${SCOPE.programId}/${SCOPE.environmentKey}/crl`, { maxRedirects: 0 });
  expect(crl.status()).toBe(200);
  expect(crl.headers()["content-type"]).toBe("application/pkix-crl");
  expect((await crl.body())[0]).toBe(0x30);
  expect((await anonymous.get(`/pki/${SCOPE.programId}/moon/crl`)).status()).toBe(404);
  await anonymous.dispose();
});

test("support enables it at once; a real TLS handshake with the issued certificate succeeds, and fails after the partner reports key compromise", async ({ browser }) => {
  test.setTimeout(240_000);
  const support = await as(browser, "support@certdesk.test");
  await support.goto("/support/schedule");
  const row = support.getByRole("row").filter({ hasText: CN });
  await expect(row).toHaveCount(1);
  await row.getByRole("combobox").selectOption({ label: "Immediately (outside windows)" });
  await row.getByRole("button", { name: "Schedule" }).click();
  // Booked: the certificate leaves "ready" and appears under the booked enablements as immediate.
  const booked = support.getByRole("region", { name: "Booked enablements", exact: true }).getByRole("row").filter({ hasText: CN });
  await expect(booked).toContainText("Immediate (next job run)");

  // The activation job runs every minute in the e2e portal: wait for the published trust store to carry the leaf.
  const fingerprint = execFileSync("openssl", ["x509", "-noout", "-fingerprint", "-sha256", "-in", files.write("fp.pem", state.mtlsPem!)], { encoding: "utf8" }).split("=")[1]!.replace(/:/g, "").trim().toLowerCase();
  await expect
    .poll(async () => ((await published())?.clients.apps ?? []).some((a) => a.clients.some((c) => c.fingerprintSha256 === fingerprint)), { timeout: 150_000, intervals: [2_000] })
    .toBe(true);
  const before = await gatewayFromPublished();
  try {
    expect(await call(before)).toEqual({ status: 200 });
  } finally {
    before.server.close();
  }

  const partner = await as(browser, "partner@globex.test");
  await partner.goto(`/apps/${state.appId}/environments/sandbox`);
  const form = partner.getByRole("form", { name: new RegExp(`Report key compromise for .*${CN.replace(/\./g, "\\.")}`), includeHidden: true });
  // Issue 16: the revocation is a two-step confirmation (open, tick, confirm).
  await partner.locator("details", { has: form }).locator("summary").click();
  await form.getByLabel("What happened").fill("laptop stolen");
  await form.getByRole("checkbox").check();
  await form.getByRole("button", { name: "Report key compromise — revoke now" }).click();
  await expect(partner.getByTestId("success-notice")).toContainText("Certificate revoked");

  await expect
    .poll(async () => ((await published())?.clients.apps ?? []).some((a) => a.clients.some((c) => c.fingerprintSha256 === fingerprint)), { timeout: 30_000 })
    .toBe(false);
  const after = await gatewayFromPublished();
  try {
    const result = await call(after);
    expect(result).not.toEqual({ status: 200 });
  } finally {
    after.server.close();
  }

  // The CRL lists the serial with its reason within a minute.
  const serial = execFileSync("openssl", ["x509", "-noout", "-serial", "-in", files.write("serial.pem", state.mtlsPem!)], { encoding: "utf8" }).split("=")[1]!.trim().toLowerCase();
  await expect
    .poll(
      async () => {
        const der = await (await partner.context().request.get(`/pki/${SCOPE.programId}/${SCOPE.environmentKey}/crl`)).body();
        return execFileSync("openssl", ["crl", "-inform", "DER", "-noout", "-text", "-in", files.write("crl.der", der)], { encoding: "utf8" }).toLowerCase();
      },
      { timeout: 120_000, intervals: [3_000] },
    )
    .toMatch(new RegExp(`serial number: ${serial}[\\s\\S]*key compromise`));
});
