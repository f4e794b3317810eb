/**
 * The sandbox gateway `npm start` runs (issue 13), in the e2e portal on its own port
 * (E2E_GATEWAY_PORT, never the developer's 8443): the partner's environment page shows the
 * exact curl command, and that command, run by a real curl process with a certificate nothing
 * has enabled, is refused in the TLS handshake.
 */
import { spawnSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { E2E_DATA_DIR, E2E_GATEWAY_PORT } from "../env";
import { signIn } from "../helpers/auth";
import { acmeChain, privateKeyPem, TempFiles } from "../submissions/material";

const files = new TempFiles();
test.afterAll(() => files.remove());

test("the environment page shows 'Test your certificate'; an unknown certificate is refused in the handshake", async ({ page }) => {
  await signIn(page, "partner@acme.test");
  await page.goto("/apps");
  const href = await page.getByRole("link", { name: /Stage environment of Acme Checkout/ }).getAttribute("href");
  await page.goto(href!);
  const section = page.getByRole("region", { name: "Test your certificate" });
  await expect(section).toBeVisible();
  const command = (await section.locator("pre code").textContent())!;
  expect(command).toBe(`curl --cert client-chain.pem --key client-key.pem --cacert ${E2E_DATA_DIR}/gateway/ca.pem https://localhost:${E2E_GATEWAY_PORT}/whoami`);

  const chain = await acmeChain(`gateway${Date.now().toString(36)}`);
  const cert = files.write("client-chain.pem", chain.leaf.pem + chain.ica.pem);
  const key = files.write("client-key.pem", await privateKeyPem(chain.leaf));
  const args = command.split(" ").slice(1).map((a) => (a === "client-chain.pem" ? cert : a === "client-key.pem" ? key : a));
  const r = spawnSync("curl", ["-sS", "--max-time", "15", "-w", "%{http_code}", ...args], { encoding: "utf8" });
  // The gateway's own certificate verified (--cacert), then the client's chain was refused: no HTTP answer.
  expect(r.status).not.toBe(0);
  expect(r.stdout).not.toMatch(/^[1-5]\d\d$/);
  expect(r.stderr).not.toMatch(/SSL certificate problem|self.signed|unable to get local issuer/i);
});
