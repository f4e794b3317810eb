import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import type { TempFiles } from "../submissions/material";

/** A CSR from its own new RSA 2048 key, as the upload page's openssl command makes it (Globex Financial's subject). */
export function globexCsr(files: TempFiles, name: string, cn: string): string {
  const keyFile = files.write(`${name}.key`, "");
  execFileSync("openssl", ["genrsa", "-out", keyFile, "2048"], { stdio: "ignore" });
  const csrFile = path.join(files.dir, `${name}.csr`);
  execFileSync("openssl", ["req", "-new", "-key", keyFile, "-out", csrFile, "-subj", `/C=FR/ST=IdF/L=Paris/O=Globex Financial/CN=${cn}/emailAddress=pki@globex.test`]);
  return csrFile;
}

/**
 * The Globex partner uploads an mTLS and a signature CSR to Globex Cards' production environment
 * and submits them for review. Returns the submission page's URL (its last segment is the id).
 */
export async function submitGlobexCardsCsrs(partner: Page, files: TempFiles, label: string): Promise<string> {
  await partner.goto("/apps");
  await partner.getByRole("link", { name: /^Production environment of Globex Cards/ }).click();
  await partner.getByRole("link", { name: "New submission" }).click();
  await partner.getByLabel("Choose files").setInputFiles([globexCsr(files, "mtls", `cards-${label}.globex.test`), globexCsr(files, "signature", `signing-${label}.globex.test`)]);
  await partner.getByRole("button", { name: "Upload and check" }).click();
  await expect(partner.getByText("Accepted", { exact: true })).toBeVisible();
  await partner.getByRole("button", { name: "Submit for review" }).click();
  await expect(partner.getByTestId("submission-status")).toHaveText("In review");
  return partner.url();
}
