/**
 * Writes the generated half of the golden corpus into cli/golden/corpus/ (public
 * certificates and CSRs only; the keys that signed them live in memory and are gone).
 *
 * The files are committed, so the golden test reads the same bytes on every run and every
 * machine. Run this only to add or change a generated case on purpose, then refresh the
 * goldens (see cli/golden.test.ts):
 *
 *   node --import tsx cli/golden/generate-corpus.ts
 *   UPDATE_GOLDEN=1 npx vitest run cli/golden.test.ts
 *
 * Every date is fixed (the factory's DEFAULT_AT, 2026-01-01), and the golden runs use that
 * instant as `--at`. Re-running this script mints new keys, so fingerprints change: that is
 * why the output is committed rather than minted at test time.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import JSZip from "jszip";
import { DEFAULT_AT, EKU, KeyUsageFlags, mintCertificate, mintChain, mintCsr, qcStatementsExtension, unknownCriticalExtension } from "../../lib/pki/testing/factory";

const OUT = path.resolve(import.meta.dirname, "corpus");
const DAY = 86_400_000;
const at = DEFAULT_AT;

async function put(name: string, data: string | Uint8Array): Promise<void> {
  await writeFile(path.join(OUT, name), data);
}

async function zipOf(files: Record<string, string | Uint8Array>): Promise<Uint8Array> {
  const zip = new JSZip();
  // A fixed date keeps the archive bytes independent of when this script runs.
  for (const [name, data] of Object.entries(files)) zip.file(name, data, { date: new Date("2026-01-01T00:00:00Z") });
  return zip.generateAsync({ type: "uint8array" });
}

async function main(): Promise<void> {
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });

  const pki = await mintChain({ label: "golden", leafSubject: "CN=Acme Payments Client, O=Acme Payments Ltd, C=GB" });
  const ica = pki.intermediates[0]!;
  const { root, leaf } = pki;
  await put("root.pem", root.pem);
  await put("chain.pem", leaf.pem + ica.pem + root.pem);
  await put("chain-no-root.pem", leaf.pem + ica.pem);
  await put("wrong-order.pem", root.pem + leaf.pem + ica.pem);
  await put("duplicate.pem", leaf.pem + ica.pem + ica.pem + root.pem);
  await put("leaf.der", leaf.der);
  await put("leaf-only.pem", leaf.pem);
  await put("chain.zip", await zipOf({ "chain.pem": leaf.pem + ica.pem + root.pem }));
  await put("chain-der-in.zip", await zipOf({ "leaf.der": leaf.der, "rest.pem": ica.pem + root.pem }));

  const leafWith = (label: string, opts: Omit<Parameters<typeof mintCertificate>[0], "issuer" | "subject" | "keyLabel"> & { subject?: string }) =>
    mintCertificate({ issuer: ica, subject: "CN=Acme Payments Client, O=Acme Payments Ltd, C=GB", keyLabel: `golden:${label}`, ...opts });
  const withChain = async (name: string, label: string, opts: Parameters<typeof leafWith>[1]) => {
    const c = await leafWith(label, opts);
    await put(name, c.pem + ica.pem + root.pem);
  };

  await withChain("expired.pem", "expired", { notBefore: new Date(at.getTime() - 400 * DAY), notAfter: new Date(at.getTime() - DAY) });
  await withChain("not-yet-valid.pem", "future", { notBefore: new Date(at.getTime() + 10 * DAY), notAfter: new Date(at.getTime() + 400 * DAY) });
  await withChain("expiring-20d.pem", "exp20", { notBefore: new Date(at.getTime() - 300 * DAY), notAfter: new Date(at.getTime() + 20 * DAY) });
  await withChain("expiring-60d.pem", "exp60", { notBefore: new Date(at.getTime() - 300 * DAY), notAfter: new Date(at.getTime() + 60 * DAY) });
  await withChain("short-lived.pem", "short", { notBefore: new Date(at.getTime() - DAY), notAfter: new Date(at.getTime() + 60 * DAY) });
  await withChain("long-lived.pem", "long", { notBefore: new Date(at.getTime() - DAY), notAfter: new Date(at.getTime() + 2000 * DAY) });
  await withChain("rsa1024.pem", "rsa1024", { keys: { algorithm: "RSA", size: 1024 } });
  await withChain("rsa4096.pem", "rsa4096", { keys: { algorithm: "RSA", size: 4096 } });
  await withChain("ec-p384.pem", "p384", { keys: { algorithm: "EC", curve: "P-384" } });
  await withChain("ed25519.pem", "ed25519", { keys: { algorithm: "Ed25519" } });
  await withChain("sha1.pem", "sha1", { signatureHash: "SHA-1" });
  await withChain("eku-server-only.pem", "ekuserver", { extendedKeyUsage: [EKU.serverAuth] });
  await withChain("no-eku.pem", "noeku", { extendedKeyUsage: false });
  await withChain("ku-no-digital-signature.pem", "kunods", { keyUsage: KeyUsageFlags.keyEncipherment });
  await withChain("company-mismatch.pem", "company", { subject: "CN=Globex Client, O=Globex Financial, C=US" });
  await withChain("bad-signature.pem", "badsig", { corruptSignature: true });
  await withChain("unknown-critical.pem", "crit", { extensions: [unknownCriticalExtension()] });
  await withChain("leaf-is-ca.pem", "leafca", { ca: true });
  await withChain("qwac-psd2.pem", "qwac", {
    subject: "CN=Acme Payments Client, O=Acme Payments Ltd, C=GB, 2.5.4.97=PSDGB-FCA-123456",
    extensions: [qcStatementsExtension({ roles: ["PSP_AI", "PSP_PI"], ncaName: "Financial Conduct Authority", ncaId: "GB-FCA" })],
  });

  const csrMatching = await mintCsr({ subject: "CN=Acme Payments Client, O=Acme Payments Ltd, C=GB", keys: leaf.keys });
  await put("chain-and-csr.pem", leaf.pem + ica.pem + root.pem + csrMatching.pem);
  const csrOther = await mintCsr({ subject: "CN=Acme Payments Client, O=Acme Payments Ltd, C=GB", keyLabel: "golden:othercsr" });
  await put("chain-and-wrong-csr.pem", leaf.pem + ica.pem + root.pem + csrOther.pem);

  // Self-signed: a partner root that signs the partner's own leaf.
  const ssRoot = await mintCertificate({ subject: "CN=Acme Payments Root CA, O=Acme Payments Ltd", ca: true, keyLabel: "golden:ssroot" });
  const ssLeaf = await mintCertificate({
    subject: "CN=Acme Payments-ConnectPay, O=Acme Payments Ltd",
    issuer: ssRoot,
    keyLabel: "golden:ssleaf",
    notBefore: new Date(at.getTime() - DAY),
    notAfter: new Date(at.getTime() + 700 * DAY),
  });
  await put("self-signed-chain.pem", ssLeaf.pem + ssRoot.pem);
  await put("self-signed-leaf-only.pem", ssLeaf.pem);
  const lone = await mintCertificate({ subject: "CN=Acme Payments Lone, O=Acme Payments Ltd", keyLabel: "golden:lone", notBefore: new Date(at.getTime() - DAY), notAfter: new Date(at.getTime() + 700 * DAY) });
  await put("self-signed-single.pem", lone.pem);

  // CSRs for the provider-CA program: two purposes, subject fields, distinct keys.
  const full = "CN=Acme Payments, O=Acme Payments Ltd, L=London, ST=Greater London, C=GB, E=pki@acme.test";
  const mtls = await mintCsr({ subject: full, keyLabel: "golden:csr-mtls" });
  const sig = await mintCsr({ subject: full, keyLabel: "golden:csr-sig" });
  await put("mtls.csr", mtls.pem);
  await put("signature.csr", sig.pem);
  await put("signature-same-key.csr", (await mintCsr({ subject: full, keys: mtls.keys })).pem);
  await put("mtls-missing-fields.csr", (await mintCsr({ subject: "CN=Acme Payments, O=Acme Payments Ltd", keyLabel: "golden:csr-few" })).pem);
  await put("mtls-rsa4096.csr", (await mintCsr({ subject: full, keys: { algorithm: "RSA", size: 4096 }, keyLabel: "golden:csr-4096" })).pem);
  await put("mtls-rsa1024.csr", (await mintCsr({ subject: full, keys: { algorithm: "RSA", size: 1024 }, keyLabel: "golden:csr-1024" })).pem);
  await put("mtls-bad-signature.csr", (await mintCsr({ subject: full, keyLabel: "golden:csr-badsig", corruptSignature: true })).pem);
  await put("mtls.csr.der", mtls.der);
  await put("csrs.zip", await zipOf({ "mtls.csr": mtls.pem, "signature.csr": sig.pem }));

  // Things that are not certificates at all.
  await put("garbage.pem", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
  await put("notes.txt", "Here is our certificate, as discussed on the phone.\n");
  await put("empty.pem", "");
  // A private-key block (junk body, no real key): the upload must be refused and nothing kept.
  await put("with-private-key.pem", leaf.pem + "-----BEGIN PRIVATE KEY-----\nTUlJRXZRSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NCS2N3Z2dTakFnRUFBb0lCQVFD\n-----END PRIVATE KEY-----\n");
}

await main();
