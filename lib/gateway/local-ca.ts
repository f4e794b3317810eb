/**
 * The sandbox gateway's server identity: a local CA created at first start in the data dir
 * (`<dataDir>/gateway/ca.pem`, key 0600), and a `localhost` server certificate it signs.
 * Partners' curl trusts the gateway with `--cacert <dataDir>/gateway/ca.pem`; nothing is
 * added to any system trust store.
 */
import "reflect-metadata";
import { constants } from "node:fs";
import { mkdir, open, readFile } from "node:fs/promises";
import path from "node:path";
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
} from "@peculiar/x509";

const webcrypto = globalThis.crypto;
const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY = 86_400_000;

export type GatewayIdentity = { caPem: string; caFile: string; certPem: string; keyPem: string };

function pem(der: ArrayBuffer, label: string): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(der).toString("base64").replace(/.{1,64}/g, "$&\n")}-----END ${label}-----\n`;
}

async function writeNew(file: string, text: string): Promise<boolean> {
  try {
    const handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    await handle.writeFile(text);
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

async function readOrNull(file: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

async function importKey(keyPem: string): Promise<CryptoKeyPair> {
  const der = Buffer.from(keyPem.replace(/-----[A-Z ]+-----|\s/g, ""), "base64");
  const privateKey = await webcrypto.subtle.importKey("pkcs8", der, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
  const jwk = await webcrypto.subtle.exportKey("jwk", privateKey);
  const publicKey = await webcrypto.subtle.importKey("jwk", { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
  return { privateKey, publicKey };
}

/**
 * The gateway's CA and server certificate, created on first use. The CA (10 years) is kept;
 * the server certificate (1 year) is re-issued when it is missing or within 30 days of expiry.
 */
export async function ensureGatewayIdentity(dataDir: string, now = new Date()): Promise<GatewayIdentity> {
  const dir = path.join(dataDir, "gateway");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const caFile = path.join(dir, "ca.pem");
  const caKeyFile = path.join(dir, "ca-key.pem");
  let caPem = await readOrNull(caFile);
  let caKeyPem = await readOrNull(caKeyFile);
  if (!caPem || !caKeyPem) {
    const keys = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const ca = await X509CertificateGenerator.createSelfSigned(
      {
        serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(12))).toString("hex"),
        name: "CN=Certdesk Sandbox Gateway Local CA, O=Certdesk (local)",
        notBefore: new Date(now.getTime() - DAY),
        notAfter: new Date(now.getTime() + 3650 * DAY),
        keys,
        signingAlgorithm: ALG,
        extensions: [
          new BasicConstraintsExtension(true, 0, true),
          new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
          await SubjectKeyIdentifierExtension.create(keys.publicKey, false, webcrypto),
        ],
      },
      webcrypto,
    );
    // Key first (O_EXCL): two starts racing keep one CA.
    const keyWritten = await writeNew(caKeyFile, pem(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey), "PRIVATE KEY"));
    if (keyWritten) await writeNew(caFile, ca.toString("pem") + "\n");
    caPem = (await readOrNull(caFile))!;
    caKeyPem = (await readOrNull(caKeyFile))!;
  }
  const caCert = new X509Certificate(caPem);
  const caKeys = await importKey(caKeyPem);

  const certFile = path.join(dir, "server.pem");
  const keyFile = path.join(dir, "server-key.pem");
  let certPem = await readOrNull(certFile);
  let keyPem = await readOrNull(keyFile);
  const fresh = certPem && keyPem && new X509Certificate(certPem).notAfter.getTime() - now.getTime() > 30 * DAY && new X509Certificate(certPem).issuer === caCert.subject;
  if (!fresh) {
    const keys = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const server = await X509CertificateGenerator.create(
      {
        serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(12))).toString("hex"),
        subject: "CN=localhost, O=Certdesk (local)",
        issuer: caCert.subjectName,
        notBefore: new Date(now.getTime() - DAY),
        notAfter: new Date(now.getTime() + 365 * DAY),
        publicKey: keys.publicKey,
        signingKey: caKeys.privateKey,
        signingAlgorithm: ALG,
        extensions: [
          new BasicConstraintsExtension(false, undefined, true),
          new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
          new ExtendedKeyUsageExtension(["1.3.6.1.5.5.7.3.1"], false),
          new SubjectAlternativeNameExtension([{ type: "dns", value: "localhost" }, { type: "ip", value: "127.0.0.1" }], false),
          await AuthorityKeyIdentifierExtension.create(caKeys.publicKey, false, webcrypto),
        ],
      },
      webcrypto,
    );
    keyPem = pem(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey), "PRIVATE KEY");
    certPem = server.toString("pem") + "\n";
    const { writeFile } = await import("node:fs/promises");
    await writeFile(keyFile, keyPem, { mode: 0o600 });
    await writeFile(certFile, certPem, { mode: 0o600 });
  }
  return { caPem, caFile, certPem: certPem!, keyPem: keyPem! };
}
