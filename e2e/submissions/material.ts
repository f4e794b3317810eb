/**
 * Test material for the submission journeys, minted in the spec's Node process with the
 * engine's own test-PKI factory. Files go to a temp folder for setInputFiles; private
 * keys exist only in memory and in that temp folder, which is removed afterwards.
 */
import "reflect-metadata";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import JSZip from "jszip";
import { mintCertificate, qcStatementsExtension, type TestCert } from "../../lib/pki/testing/factory";

export type AcmeChain = { root: TestCert; ica: TestCert; leaf: TestCert; pem: string; reversedPem: string };

/** Every certificate minted in this run, to look for in the S3 data folder afterwards. */
export const minted: TestCert[] = [];

/** A self-signed chain Acme's "self-signed-allowed" app accepts today (a QWAC leaf: Acme has PSD2 roles). */
export async function acmeChain(label: string, options: { leafKeyBits?: 2048 | 4096 } = {}): Promise<AcmeChain> {
  const at = new Date();
  const root = await mintCertificate({ subject: `CN=Acme Payments ${label} Root CA, O=Acme Payments Ltd`, ca: true, at, keyLabel: `e2e:${label}:root` });
  const ica = await mintCertificate({ subject: `CN=Acme Payments ${label} Issuing CA, O=Acme Payments Ltd`, ca: true, issuer: root, at, keyLabel: `e2e:${label}:ica` });
  const leaf = await mintCertificate({
    subject: `CN=Acme Payments ${label} Client, 2.5.4.97=PSDGB-FCA-654321, O=Acme Payments Ltd`,
    issuer: ica,
    at,
    keyLabel: `e2e:${label}:leaf`,
    ...(options.leafKeyBits ? { keys: { algorithm: "RSA" as const, size: options.leafKeyBits } } : {}),
    extensions: [qcStatementsExtension({ roles: ["PSP_AI", "PSP_PI"], ncaName: "Financial Conduct Authority", ncaId: "GB-FCA" })],
  });
  minted.push(root, ica, leaf);
  return { root, ica, leaf, pem: leaf.pem + ica.pem + root.pem, reversedPem: root.pem + ica.pem + leaf.pem };
}

export async function privateKeyPem(cert: TestCert): Promise<string> {
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey("pkcs8", cert.keys.privateKey)).toString("base64");
  return `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/.{1,64}/g, "$&\n")}-----END PRIVATE KEY-----\n`;
}

export class TempFiles {
  readonly dir = mkdtempSync(path.join(tmpdir(), "certdesk-e2e-"));
  write(name: string, content: string | Uint8Array): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, content);
    return file;
  }
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A .zip holding the chain split over three files, in folders, in no particular order. */
export async function zipOfChain(chain: AcmeChain): Promise<Uint8Array> {
  const zip = new JSZip();
  zip.file("certs/root/root-ca.pem", chain.root.pem);
  zip.file("certs/client.crt", chain.leaf.pem);
  zip.file("issuing/issuing-ca.cer", chain.ica.pem);
  return zip.generateAsync({ type: "uint8array", compression: "DEFLATE" });
}
