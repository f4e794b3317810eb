import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { intake, type IntakeResult } from "./index";
import path from "node:path";
// shared/ sits beside the repository (locally and in CI).
const SHARED = path.resolve(import.meta.dirname, "../../../shared");

// Test keys live only in memory: generated here, never written to disk.
const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
const dsa = generateKeyPairSync("dsa", { modulusLength: 1024, divisorLength: 160 });
const ed = generateKeyPairSync("ed25519");

const pem = (s: string | Buffer) => (typeof s === "string" ? s : s.toString());
const der = (b: string | Buffer) => new Uint8Array(b as Buffer);
const wrap = (label: string, bytes: Uint8Array): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(bytes).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END ${label}-----\n`;

const R3_PEM = readFileSync(SHARED + "/testdata/certs/real-chains/letsencrypt/lets-encrypt-r3.pem", "utf8");

const opensshBody = Buffer.concat([Buffer.from("openssh-key-v1\0"), randomBytes(300)]);
const putty =
  "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key\nPublic-Lines: 2\n" +
  "AAAAC3NzaC1lZDI1NTE5AAAAIOz7\nAAAA\nPrivate-Lines: 1\n" +
  `${randomBytes(48).toString("base64")}\nPrivate-MAC: 00ff\n`;

/** A self-signed certificate and its key as PKCS#12, made by openssl through pipes (no files). */
function pkcs12(): Uint8Array {
  // A shell pipe (not Node's socket stdio) so openssl can write the key to /dev/stdout.
  const script =
    "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/stdout -subj /CN=p12-test -days 1 2>/dev/null" +
    " | openssl pkcs12 -export -passout pass:test";
  return new Uint8Array(execFileSync("sh", ["-c", script]));
}

type KeyCase = { name: string; bytes: Uint8Array; secret: Uint8Array | string };

const KEYS: KeyCase[] = (() => {
  const cases: KeyCase[] = [];
  const addPem = (name: string, p: string) => cases.push({ name, bytes: new TextEncoder().encode(p), secret: p });
  const addDer = (name: string, d: Uint8Array) => cases.push({ name, bytes: d, secret: d });
  addPem("rsa-pkcs1.pem", pem(rsa.privateKey.export({ type: "pkcs1", format: "pem" })));
  addPem("rsa-pkcs8.pem", pem(rsa.privateKey.export({ type: "pkcs8", format: "pem" })));
  addPem("rsa-encrypted.pem", pem(rsa.privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "x" })));
  addPem("rsa-legacy-encrypted.pem", pem(rsa.privateKey.export({ type: "pkcs1", format: "pem", cipher: "aes-256-cbc", passphrase: "x" })));
  addPem("ec-sec1.pem", pem(ec.privateKey.export({ type: "sec1", format: "pem" })));
  addPem("ec-pkcs8.pem", pem(ec.privateKey.export({ type: "pkcs8", format: "pem" })));
  addPem("dsa-pkcs8.pem", pem(dsa.privateKey.export({ type: "pkcs8", format: "pem" })));
  addPem("ed25519.pem", pem(ed.privateKey.export({ type: "pkcs8", format: "pem" })));
  addPem("dsa-openssl.pem", wrap("DSA PRIVATE KEY", new Uint8Array(randomBytes(64))));
  addPem("id_rsa", wrap("OPENSSH PRIVATE KEY", new Uint8Array(opensshBody)));
  addPem("weird-label.pem", wrap("FOO BAR PRIVATE KEY", new Uint8Array(randomBytes(64))));
  addPem("key.ppk", putty);
  addDer("rsa-pkcs1.der", der(rsa.privateKey.export({ type: "pkcs1", format: "der" })));
  addDer("rsa-pkcs8.key", der(rsa.privateKey.export({ type: "pkcs8", format: "der" })));
  addDer("rsa-encrypted.der", der(rsa.privateKey.export({ type: "pkcs8", format: "der", cipher: "aes-256-cbc", passphrase: "x" })));
  addDer("ec-sec1.der", der(ec.privateKey.export({ type: "sec1", format: "der" })));
  addDer("ec-pkcs8.der", der(ec.privateKey.export({ type: "pkcs8", format: "der" })));
  addDer("bundle.pfx", pkcs12());
  const p8pem = pem(ec.privateKey.export({ type: "pkcs8", format: "pem" }));
  // A key pasted into JSON (escaped newlines), and bare base64 without armour.
  addPem("config.json", JSON.stringify({ tls: { key: p8pem } }));
  cases.push({ name: "key.b64", bytes: new TextEncoder().encode(p8pem.replace(/-----[^-]+-----/g, "")), secret: p8pem });
  // Cut short: still key material, still refused.
  const p1 = der(rsa.privateKey.export({ type: "pkcs1", format: "der" }));
  addDer("cut-pkcs1.der", p1.subarray(0, 300));
  const p8cut = der(rsa.privateKey.export({ type: "pkcs8", format: "der" }));
  addDer("cut-pkcs8.der", p8cut.subarray(0, 200));
  const sec1 = der(ec.privateKey.export({ type: "sec1", format: "der" }));
  addDer("cut-sec1.der", sec1.subarray(0, 40));
  addPem("cut-in-cert-label.pem", wrap("CERTIFICATE", p8cut.subarray(0, 150)));
  // A key disguised under a certificate label is found by its structure.
  const p8 = der(ec.privateKey.export({ type: "pkcs8", format: "der" }));
  cases.push({ name: "disguised.crt", bytes: new TextEncoder().encode(wrap("CERTIFICATE", p8)), secret: p8 });
  return cases;
})();

/** No 24-character window of the key's base64/text, and no 16-byte window of its DER, appears anywhere in the result. */
function expectNoKeyMaterial(result: IntakeResult, secret: Uint8Array | string): void {
  const json = JSON.stringify(result, (_k, v: unknown) =>
    v instanceof Uint8Array ? `${Buffer.from(v).toString("base64")} ${Buffer.from(v).toString("hex")}` : v,
  );
  const haystack = json + JSON.stringify(result.items.map((i) => Buffer.from(i.der).toString("binary")));
  if (typeof secret === "string") {
    const body = secret.replace(/-----[^-]+-----/g, "").replace(/^[A-Za-z-]+:.*$/gm, "").replace(/\s+/g, "");
    for (let i = 0; i + 24 <= body.length; i += 12) expect(haystack.includes(body.slice(i, i + 24))).toBe(false);
  } else {
    const b64 = Buffer.from(secret).toString("base64");
    const hex = Buffer.from(secret).toString("hex");
    const bin = Buffer.from(secret).toString("binary");
    for (let i = 0; i + 24 <= b64.length; i += 12) expect(haystack.includes(b64.slice(i, i + 24))).toBe(false);
    for (let i = 0; i + 32 <= hex.length; i += 16) expect(haystack.includes(hex.slice(i, i + 32))).toBe(false);
    // Key bytes copied into an item (a certificate item's DER) would show up here.
    for (let i = 16; i + 16 <= bin.length; i += 16) expect(haystack.includes(bin.slice(i, i + 16))).toBe(false);
  }
}

describe("intake: private keys of every flavour are refused and dropped", () => {
  it.each(KEYS.map((k) => [k.name, k] as const))("%s → PRIVATE_KEY_PRESENT, refused, no key bytes anywhere", async (_name, key) => {
    const r = await intake([{ name: key.name, bytes: key.bytes }]);
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([["PRIVATE_KEY_PRESENT", "error"]]);
    expect(r.refused).toBe(true);
    expect(r.items).toEqual([]);
    const f = r.findings[0]!;
    expect(f.message).toContain(key.name);
    expect(f.message).toMatch(/treat the key as exposed/);
    expect(f.message).toMatch(/new key pair and a new certificate/);
    expect(f.certificate).toBeUndefined();
    expectNoKeyMaterial(r, key.secret);
  });

  it("keeps the certificate but refuses the upload when a key sits beside it in one PEM file", async () => {
    const keyPem = pem(rsa.privateKey.export({ type: "pkcs8", format: "pem" }));
    const r = await intake([{ name: "cert-and-key.pem", bytes: new TextEncoder().encode(R3_PEM + keyPem) }]);
    expect(r.refused).toBe(true);
    expect(r.items.map((i) => i.kind)).toEqual(["certificate"]);
    expect(r.findings.map((f) => f.code)).toEqual(["PRIVATE_KEY_PRESENT"]);
    expect(r.findings[0]!.message).toMatch(/PRIVATE KEY block on line \d+/);
    expectNoKeyMaterial(r, keyPem);
  });

  it("names the archive entry that held a key, and leaks none of it", async () => {
    const keyDer = der(ec.privateKey.export({ type: "sec1", format: "der" }));
    const z = new JSZip();
    z.file("chain/leaf.pem", R3_PEM);
    z.file("secrets/client.key", keyDer);
    const zip = await z.generateAsync({ type: "uint8array", compression: "DEFLATE" });
    const r = await intake([{ name: "upload.zip", bytes: zip }]);
    expect(r.refused).toBe(true);
    expect(r.findings.map((f) => f.code)).toEqual(["PRIVATE_KEY_PRESENT"]);
    expect(r.findings[0]!.message).toContain('"secrets/client.key" in "upload.zip"');
    expect(r.findings[0]!.message).toMatch(/EC private key/);
    expectNoKeyMaterial(r, keyDer);
  });

  it("finds a key pasted into a Word document, even split across text runs", async () => {
    const keyPem = pem(ec.privateKey.export({ type: "pkcs8", format: "pem" }));
    const [first, ...rest] = keyPem.split("\n");
    const xml = `<w:document><w:body><w:p><w:r><w:t>${first!.slice(0, 10)}</w:t></w:r><w:r><w:t>${first!.slice(10)}</w:t></w:r></w:p>${rest
      .map((l) => `<w:p><w:r><w:t>${l}</w:t></w:r></w:p>`)
      .join("")}</w:body></w:document>`;
    const z = new JSZip();
    z.file("[Content_Types].xml", "<Types/>");
    z.file("word/document.xml", xml);
    const docx = await z.generateAsync({ type: "uint8array", compression: "DEFLATE" });
    const r = await intake([{ name: "our-certificate.docx", bytes: docx }]);
    expect(r.findings.map((f) => f.code)).toEqual(["PRIVATE_KEY_PRESENT"]);
    expect(r.findings[0]!.message).toMatch(/Word document.*word\/document\.xml/);
    expect(r.refused).toBe(true);
    expectNoKeyMaterial(r, keyPem);
  });

  it("finds a Java keystore's private key entry", async () => {
    const jks = new Uint8Array([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0x6b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4]);
    const r = await intake([{ name: "client.jks", bytes: jks }]);
    expect(r.findings.map((f) => f.code)).toEqual(["PRIVATE_KEY_PRESENT"]);
    expect(r.refused).toBe(true);
  });
});
