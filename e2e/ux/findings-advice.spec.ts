/**
 * Issue 16 item 4: findings in the order to fix them, advice that fits the case, and the
 * validity bar proportional to each certificate's lifetime — on the partner's submission page
 * of Acme Checkout (program self-signed-allowed: root required, company name in the CN).
 * The accepted draft this journey creates is withdrawn afterwards; rejected uploads stay as records.
 */
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { EKU, mintCertificate } from "../../lib/pki/testing/factory";
import { signIn } from "../helpers/auth";
import { minted, TempFiles } from "../submissions/material";

const TOKEN = { authorization: "Bearer certdesk_demo_acme" };
const DAY = 86_400_000;
const files = new TempFiles();
const state: { appId?: string; drafts: string[] } = { drafts: [] };
const run = Date.now().toString(36);

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ request }) => {
  state.appId = await acmeCheckout(request);
});

test.afterAll(async ({ request }) => {
  files.remove();
  for (const id of state.drafts) await request.post(`/api/v1/submissions/${id}/withdraw`, { headers: TOKEN });
});

async function acmeCheckout(request: APIRequestContext): Promise<string> {
  const response = await request.get("/api/v1/apps", { headers: TOKEN });
  expect(response.status()).toBe(200);
  const { apps } = (await response.json()) as { apps: { id: string; name: string }[] };
  return apps.find((a) => a.name === "Acme Checkout")!.id;
}

async function uploadToStage(page: Page, name: string, pem: string): Promise<string> {
  await page.goto(`/apps/${state.appId}/environments/stage/submissions/new`);
  await page.getByLabel("Choose files").setInputFiles([files.write(name, pem)]);
  await page.getByRole("button", { name: "Upload and check" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /Submission for Acme Checkout/ })).toBeVisible();
  return page.url().split("/").pop()!;
}

const findingCodes = (page: Page, severity: "error" | "warning") =>
  page.locator(`section[aria-labelledby="findings-${severity}"] li[data-code]`).evaluateAll((items) => items.map((li) => li.getAttribute("data-code")));

test("a private CA's client certificate sent without its root: the root is named as missing, and the errors come in fix-first order", async ({ page, request }) => {
  const root = await mintCertificate({ subject: `CN=Acme Payments FA${run} Root CA, O=Acme Payments Ltd`, ca: true, at: new Date(), keyLabel: `e2e:fa:${run}:root` });
  // Three field-level faults besides the missing root: a 1024-bit key, no clientAuth, and another company's name.
  const leaf = await mintCertificate({
    subject: `CN=Globex FA${run} Client, O=Globex Financial`,
    issuer: root,
    at: new Date(),
    keys: { algorithm: "RSA", size: 1024 },
    keyLabel: `e2e:fa:${run}:weak-leaf`,
    extendedKeyUsage: [EKU.serverAuth],
  });
  minted.push(root, leaf);
  await signIn(page, "partner@acme.test");
  const id = await uploadToStage(page, "client-only.pem", leaf.pem);
  await expect(page.getByText("Rejected", { exact: true }).first()).toBeVisible();

  const missing = page.locator('li[data-code="CHAIN_INCOMPLETE"]');
  await expect(missing).toContainText("The root certificate (or an intermediate CA) is missing");
  await expect(missing).toContainText(`"CN=Acme Payments FA${run} Root CA, O=Acme Payments Ltd"`);
  await expect(missing).toContainText(`Add the certificate whose subject is "CN=Acme Payments FA${run} Root CA, O=Acme Payments Ltd"`);
  await expect(missing).not.toContainText("missing intermediate");

  // Chain before keys before the certificate's fields (the engine ran the EKU rule before the key rule).
  const order = ["CHAIN_INCOMPLETE", "KEY_TOO_SMALL", "LEAF_EKU_CLIENT_AUTH", "SUBJECT_COMPANY_NAME"];
  expect(await findingCodes(page, "error")).toEqual(order);
  // The partner API gives the same order.
  const api = await request.get(`/api/v1/submissions/${id}`, { headers: TOKEN });
  expect(api.status()).toBe(200);
  const body = (await api.json()) as { findings: { code: string; severity: string }[] };
  expect(body.findings.filter((f) => f.severity === "error").map((f) => f.code)).toEqual(order);
  // Nothing here can be acknowledged: the page does not ask for it.
  await expect(page.getByRole("main")).not.toContainText("Acknowledge each one");
});

test("the validity bars are proportional to each certificate's lifetime, and warnings ask for an acknowledgement only on a draft that can be sent", async ({ page }) => {
  const now = new Date();
  const root = await mintCertificate({ subject: `CN=Acme Payments FB${run} Root CA, O=Acme Payments Ltd`, ca: true, at: now, keyLabel: `e2e:fb:${run}:root` });
  const ica = await mintCertificate({ subject: `CN=Acme Payments FB${run} Issuing CA, O=Acme Payments Ltd`, ca: true, issuer: root, at: now, keyLabel: `e2e:fb:${run}:ica` });
  // 401 days against the CAs' 3650; a 4096-bit key is a warning (KEY_SIZE_UNEXPECTED) under this program.
  const leaf = await mintCertificate({
    subject: `CN=Acme Payments FB${run} Client, O=Acme Payments Ltd`,
    issuer: ica,
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + 400 * DAY),
    keys: { algorithm: "RSA", size: 4096 },
    keyLabel: `e2e:fb:${run}:leaf`,
  });
  minted.push(root, ica, leaf);
  await signIn(page, "partner@acme.test");
  const id = await uploadToStage(page, "client-chain.pem", leaf.pem + ica.pem + root.pem);
  state.drafts.push(id);
  await expect(page.getByText("Accepted", { exact: true })).toBeVisible();

  const bars = page.getByRole("list", { name: "Certificate chain, leaf first" }).locator("meter");
  await expect(bars).toHaveCount(3);
  await expect(bars.nth(0)).toHaveAttribute("data-lifetime-days", "401");
  await expect(bars.nth(2)).toHaveAttribute("data-lifetime-days", "3650");
  const [leafBox, rootBox] = [await bars.nth(0).boundingBox(), await bars.nth(2).boundingBox()];
  expect(leafBox && rootBox).toBeTruthy();
  const ratio = leafBox!.width / rootBox!.width;
  expect(ratio).toBeGreaterThan(401 / 3650 - 0.03);
  expect(ratio).toBeLessThan(401 / 3650 + 0.03);

  // A draft without errors: the warning is acknowledged in the send-for-review form, and the list says so.
  expect(await findingCodes(page, "warning")).toContain("KEY_SIZE_UNEXPECTED");
  await expect(page.locator('section[aria-labelledby="findings-warning"]')).toContainText("Acknowledge each one in the form above before sending for review");
  await expect(page.getByRole("checkbox", { name: /KEY_SIZE_UNEXPECTED/ })).toBeVisible();

  // Once sent, there is nothing left to acknowledge on this page.
  await page.getByRole("checkbox", { name: /KEY_SIZE_UNEXPECTED/ }).check();
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByTestId("submission-status")).toHaveText("In review");
  await expect(page.locator('section[aria-labelledby="findings-warning"]')).not.toContainText("Acknowledge");
  await expect(page.locator('section[aria-labelledby="findings-warning"]')).toContainText("the reviewers weigh each one");
});
