/**
 * Test support: private keys in every encoding partners (or attackers) send, generated at
 * test time with node:crypto, openssl and ssh-keygen. Nothing here is ever written to the
 * repository; ssh-keygen needs a file, which lives in a private temporary folder for an instant.
 *
 * Each case carries `secrets`: byte strings whose every window must be absent from anything
 * Certdesk stores or logs (the key's unencrypted PKCS#8 DER and the case's own bytes).
 */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import JSZip from "jszip";

export type KeyCase = { name: string; bytes: Uint8Array; secrets: Uint8Array[] };
export type UploadFile = { name: string; bytes: Uint8Array };
export type Context = "alone" | "beside-chain" | "zip" | "zip-nested";
export const CONTEXTS: readonly Context[] = ["alone", "beside-chain", "zip", "zip-nested"];

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const u8 = (b: Buffer | Uint8Array): Uint8Array => new Uint8Array(b);
const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");
const b64url = (b: Uint8Array): string => Buffer.from(b).toString("base64url");
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const wrap64 = (s: string): string => s.replace(/.{1,64}/g, "$&\n");

function sshString(b: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, Buffer.from(b)]);
}

/** A PuTTY .ppk (version 2 layout, unencrypted): the header, public and private blobs, a MAC line. */
function puttyFile(algorithm: string, publicBlob: Uint8Array, privateBlob: Uint8Array, version: 2 | 3): string {
  const lines = (b: Uint8Array) => wrap64(b64(b)).trimEnd().split("\n");
  const pub = lines(publicBlob);
  const priv = lines(privateBlob);
  return [
    `PuTTY-User-Key-File-${version}: ${algorithm}`,
    "Encryption: none",
    "Comment: certdesk-test",
    `Public-Lines: ${pub.length}`,
    ...pub,
    `Private-Lines: ${priv.length}`,
    ...priv,
    `Private-MAC: ${randomBytes(32).toString("hex")}`,
    "",
  ].join("\n");
}

function openssl(args: string[], input?: Uint8Array | string): Uint8Array {
  return u8(execFileSync("openssl", args, { input, stdio: ["pipe", "pipe", "ignore"] }));
}

/**
 * A key in OpenSSH's own format: ssh-keygen rewrites the given PEM key in place (RSA), or makes a
 * new Ed25519 key (it cannot read Ed25519 PKCS#8). The file lives for an instant in a private folder.
 */
function opensshFormat(pkcs8Pem?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "certdesk-sshkey-"));
  try {
    const file = path.join(dir, "k");
    if (pkcs8Pem) {
      writeFileSync(file, pkcs8Pem, { mode: 0o600 });
      execFileSync("ssh-keygen", ["-p", "-N", "", "-f", file, "-q"], { stdio: "ignore" });
    } else {
      execFileSync("ssh-keygen", ["-t", "ed25519", "-N", "", "-C", "corpus", "-f", file, "-q"], { stdio: "ignore" });
    }
    return readFileSync(file, "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What of a case's own bytes is secret: binary files whole; of text, every run of 16 or more
 * base64/hex characters (key bodies, hex, JWK members) — not the armour and labels ("ENCRYPTED
 * PRIVATE KEY") that findings legitimately name.
 */
function secretsOf(b: Uint8Array): Uint8Array[] {
  const utf16 = b[0] === 0xff && b[1] === 0xfe;
  if (!utf16 && b.subarray(0, 4096).includes(0)) return [b];
  const text = utf16 ? new TextDecoder("utf-16le").decode(b.subarray(2)) : new TextDecoder("latin1").decode(b);
  // Armour lines ("-----END CERTIFICATE-----") are labels, not key material.
  return (text.replace(/-{2,}[^\n]{0,60}?-{2,}/g, " ").match(/[A-Za-z0-9+/=_-]{16,}/g) ?? []).map(enc);
}

const pkcs8Der = (k: KeyObject) => u8(k.export({ type: "pkcs8", format: "der" }));
const pkcs8Pem = (k: KeyObject) => String(k.export({ type: "pkcs8", format: "pem" }));

/** A self-signed certificate and its key as PKCS#12 (openssl reads key and certificate from one PEM on stdin). */
function pkcs12Bundle(keyPem: string): Uint8Array {
  // Shell pipes, not Node's socket stdio: openssl req opens /dev/stdin by name.
  const script =
    'c=$(printf "%s" "$K" | openssl req -x509 -key /dev/stdin -subj /CN=p12-corpus -days 1 2>/dev/null) && ' +
    'printf "%s\n%s\n" "$K" "$c" | openssl pkcs12 -export -passout pass:test 2>/dev/null';
  return u8(execFileSync("sh", ["-c", script], { env: { ...process.env, K: keyPem } }));
}

/**
 * The corpus: more than 60 encodings of RSA, EC (P-256, P-384, P-521), Ed25519, Ed448, X25519 and
 * DSA keys as PKCS#1, PKCS#8, SEC 1, encrypted PKCS#8, OpenSSH, PuTTY, PVK, CryptoAPI blobs, JWK and
 * PKCS#12, in PEM, DER, hex, base64, base64url, broken armour, half bodies and nested text encodings.
 */
export function keyCorpus(): KeyCase[] {
  const keys = {
    rsa: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey,
    p256: generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey,
    p384: generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey,
    p521: generateKeyPairSync("ec", { namedCurve: "P-521" }).privateKey,
    ed25519: generateKeyPairSync("ed25519").privateKey,
    ed448: generateKeyPairSync("ed448").privateKey,
    x25519: generateKeyPairSync("x25519").privateKey,
    dsa: generateKeyPairSync("dsa", { modulusLength: 1024, divisorLength: 160 }).privateKey,
  } as const;
  const cases: KeyCase[] = [];
  const add = (name: string, key: KeyObject, bytes: Uint8Array | string) => {
    const b = typeof bytes === "string" ? enc(bytes) : bytes;
    cases.push({ name, bytes: b, secrets: [pkcs8Der(key), ...secretsOf(b)] });
  };

  // Every key: PKCS#8 PEM and DER, encrypted PKCS#8 PEM and DER, hex, base64url, bare base64 (not all start "MI").
  for (const [id, key] of Object.entries(keys)) {
    const der = pkcs8Der(key);
    add(`${id}.pkcs8.pem`, key, pkcs8Pem(key));
    add(`${id}.pkcs8.der`, key, der);
    add(`${id}.pkcs8-encrypted.pem`, key, String(key.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "x" })));
    add(`${id}.pkcs8-encrypted.der`, key, u8(key.export({ type: "pkcs8", format: "der", cipher: "aes-256-cbc", passphrase: "x" })));
    add(`${id}.pkcs8.hex`, key, hex(der));
    add(`${id}.pkcs8.b64url`, key, b64url(der));
    add(`${id}.pkcs8.b64`, key, b64(der));
    if (id !== "dsa") add(`${id}.jwk.json`, key, JSON.stringify(key.export({ format: "jwk" }), null, 2));
  }

  const rsaDer = pkcs8Der(keys.rsa);
  const rsaPem = pkcs8Pem(keys.rsa);
  const rsaP1 = u8(keys.rsa.export({ type: "pkcs1", format: "der" }));
  const rsaP1Pem = String(keys.rsa.export({ type: "pkcs1", format: "pem" }));
  add("rsa.pkcs1.pem", keys.rsa, rsaP1Pem);
  add("rsa.pkcs1.der", keys.rsa, rsaP1);
  add("rsa.pkcs1-legacy-encrypted.pem", keys.rsa, String(keys.rsa.export({ type: "pkcs1", format: "pem", cipher: "aes-256-cbc", passphrase: "x" })));
  add("rsa.pkcs1.hex-upper", keys.rsa, hex(rsaP1).toUpperCase());
  for (const id of ["p256", "p384", "p521"] as const) {
    const sec1 = u8(keys[id].export({ type: "sec1", format: "der" }));
    add(`${id}.sec1.pem`, keys[id], String(keys[id].export({ type: "sec1", format: "pem" })));
    add(`${id}.sec1.der`, keys[id], sec1);
    add(`${id}.sec1.b64`, keys[id], b64(sec1));
  }
  add("dsa.traditional.pem", keys.dsa, openssl(["pkey", "-traditional"], pkcs8Pem(keys.dsa)));

  // Text shapes of hex: openssl -text style with colons, a C array, \x escapes.
  add("rsa.pkcs8.hex-colons.txt", keys.rsa, `private key:\n${(hex(rsaDer).match(/.{2}/g) ?? []).join(":").replace(/(.{45})/g, "    $1\n")}\n`);
  add("p256.pkcs8.c-array.h", keys.p256, `static const unsigned char key[] = {\n  ${[...pkcs8Der(keys.p256)].map((x) => `0x${x.toString(16).padStart(2, "0")}`).join(", ")}\n};\n`);
  add("ed25519.pkcs8.x-escapes.txt", keys.ed25519, [...pkcs8Der(keys.ed25519)].map((x) => `\\x${x.toString(16).padStart(2, "0")}`).join(""));

  // Broken armour: no dashes, four dashes, a misspelt label, BEGIN only, END only, the second half after a stray END.
  const body = (p: string) => p.split("\n").filter((l) => l && !l.startsWith("-----"));
  add("rsa.armour-no-dashes.txt", keys.rsa, `BEGIN PRIVATE KEY\n${body(rsaPem).join("\n")}\nEND PRIVATE KEY\n`);
  add("p384.armour-four-dashes.pem", keys.p384, pkcs8Pem(keys.p384).replace(/-----/g, "----"));
  add("p256.armour-misspelt.pem", keys.p256, pkcs8Pem(keys.p256).replace(/PRIVATE KEY/g, "PRIVTE KY"));
  add("rsa.armour-begin-only.pem", keys.rsa, `-----BEGIN CERTIFICATE-----\n${body(rsaPem).join("\n")}\n`);
  add("rsa.armour-body-only.txt", keys.rsa, `${body(rsaPem).join("\n")}\n`);
  const lines = body(rsaP1Pem);
  const half = lines.slice(Math.floor(lines.length / 2)).join("\n");
  add("rsa.second-half-after-stray-end.pem", keys.rsa, `-----END CERTIFICATE-----\n${half}\n`);
  add("rsa.second-half-no-armour.txt", keys.rsa, `${half}\n`);
  const lines8 = body(rsaPem);
  add("rsa.pkcs8-second-half.txt", keys.rsa, `notes from the old server:\n${lines8.slice(Math.floor(lines8.length / 2)).join("\n")}\n`);
  // First halves (the rest in another file, or lost): hex of PKCS#1, base64url of PKCS#8.
  add("rsa.pkcs1-first-half.hex", keys.rsa, hex(rsaP1.subarray(0, 600)));
  add("rsa.pkcs8-first-half.b64url", keys.rsa, b64url(rsaDer.subarray(0, 500)));
  add("ed25519.pem-crlf-indented.txt", keys.ed25519, pkcs8Pem(keys.ed25519).split("\n").map((l) => `      ${l}`).join("\r\n"));

  // Nested text encodings: JSON with escaped PEM, JSON with base64 DER, a Kubernetes secret (base64 of PEM), .env with base64url.
  add("p256.json-escaped-pem.json", keys.p256, JSON.stringify({ tls: { key: pkcs8Pem(keys.p256) } }));
  add("rsa.json-b64-der.json", keys.rsa, JSON.stringify({ client: { keyDer: b64(rsaDer) } }));
  add("p384.k8s-secret.yaml", keys.p384, `apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\ndata:\n  tls.key: ${b64(enc(pkcs8Pem(keys.p384)))}\n`);
  add("ed448.env", keys.ed448, `CLIENT_KEY_B64URL=${b64url(pkcs8Der(keys.ed448))}\nOTHER=1\n`);
  add("p256.b64-of-hex.txt", keys.p256, b64(enc(hex(pkcs8Der(keys.p256)))));
  add("rsa.pkcs8.utf16.pem", keys.rsa, u8(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(rsaPem, "utf16le")])));

  // JSON Web Keys in other dresses: no "kty", a key set inside a JSON string.
  const edJwk = keys.ed25519.export({ format: "jwk" }) as Record<string, string>;
  add("ed25519.jwk-no-kty.json", keys.ed25519, JSON.stringify({ crv: edJwk.crv, x: edJwk.x, d: edJwk.d }));
  add("p256.jwks-in-string.json", keys.p256, JSON.stringify({ config: JSON.stringify({ keys: [keys.p256.export({ format: "jwk" })] }) }));

  // OpenSSH, with armour and as its bare body.
  const ossh = opensshFormat();
  const osshBody = u8(Buffer.from(body(ossh).join(""), "base64"));
  cases.push({ name: "ed25519.openssh", bytes: enc(ossh), secrets: [osshBody, enc(ossh)] });
  cases.push({ name: "ed25519.openssh-body.b64", bytes: enc(body(ossh).join("")), secrets: [osshBody] });
  add("rsa.openssh", keys.rsa, opensshFormat(rsaPem));

  // PuTTY (.ppk v2 and v3).
  const edRaw = u8(Buffer.from(edJwk.d!, "base64url"));
  const edPub = u8(Buffer.from(edJwk.x!, "base64url"));
  add("ed25519.ppk", keys.ed25519, puttyFile("ssh-ed25519", Buffer.concat([sshString(enc("ssh-ed25519")), sshString(edPub)]), sshString(edRaw), 3));
  const rsaJwk = keys.rsa.export({ format: "jwk" }) as Record<string, string>;
  const mp = (s: string) => {
    const b = Buffer.from(s, "base64url");
    return sshString(b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
  };
  add("rsa.ppk", keys.rsa, puttyFile("ssh-rsa", Buffer.concat([sshString(enc("ssh-rsa")), mp(rsaJwk.e!), mp(rsaJwk.n!)]), Buffer.concat([mp(rsaJwk.d!), mp(rsaJwk.p!), mp(rsaJwk.q!), mp(rsaJwk.qi!)]), 2));

  // Microsoft: PVK and CryptoAPI PRIVATEKEYBLOB (binary and base64).
  const pvk = openssl(["rsa", "-outform", "PVK", "-pvk-none"], rsaPem);
  add("rsa.pvk", keys.rsa, pvk);
  add("rsa.pvk.b64", keys.rsa, b64(pvk));
  add("rsa.msblob", keys.rsa, openssl(["rsa", "-outform", "MSBLOB"], rsaPem));
  add("dsa.pvk", keys.dsa, openssl(["dsa", "-outform", "PVK", "-pvk-none"], pkcs8Pem(keys.dsa)));

  // PKCS#12: DER, base64, hex.
  const p12 = pkcs12Bundle(pkcs8Pem(keys.p256));
  add("p256.p12", keys.p256, p12);
  add("p256.p12.b64", keys.p256, b64(p12));
  add("p256.p12.hex", keys.p256, hex(p12));
  return cases;
}

async function zipOf(files: Record<string, Uint8Array>): Promise<Uint8Array> {
  const z = new JSZip();
  for (const [name, bytes] of Object.entries(files)) z.file(name, bytes);
  return z.generateAsync({ type: "uint8array", compression: "DEFLATE" });
}

/** The upload of one key case in one context: alone, beside a chain, in a zip, in a nested folder in a zip. */
export async function uploadFor(c: KeyCase, context: Context, chainPem: string): Promise<UploadFile[]> {
  const chain = enc(chainPem);
  switch (context) {
    case "alone":
      return [{ name: c.name, bytes: c.bytes }];
    case "beside-chain":
      return [{ name: "client-chain.pem", bytes: chain }, { name: c.name, bytes: c.bytes }];
    case "zip":
      return [{ name: "chain.zip", bytes: await zipOf({ "chain.pem": chain, [c.name]: c.bytes }) }];
    case "zip-nested":
      return [{ name: "bundle.zip", bytes: await zipOf({ "certs/client-chain.pem": chain, [`old-server/etc/ssl/private/${c.name}`]: c.bytes }) }];
    default: {
      const never: never = context;
      throw new Error(`unknown context ${String(never)}`);
    }
  }
}

/**
 * Needles for a leak scan: aligned windows of each secret as raw bytes (16), lowercase hex (32
 * characters) and base64 at its three alignments (24 characters). Any run of about 48 key bytes
 * or more in any of these forms contains at least one of them.
 */
export function needles(secrets: readonly Uint8Array[]): { raw: Set<string>; hex: Set<string>; b64: Set<string> } {
  const raw = new Set<string>();
  const hx = new Set<string>();
  const b6 = new Set<string>();
  for (const s of secrets) {
    const bin = Buffer.from(s).toString("latin1");
    for (let i = 0; i + 16 <= bin.length; i += 16) raw.add(bin.slice(i, i + 16));
    const h = hex(s);
    for (let i = 0; i + 32 <= h.length; i += 32) hx.add(h.slice(i, i + 32));
    for (let a = 0; a < 3; a++) {
      const e = b64(s.subarray(a)).replace(/=+$/, "");
      for (let i = 0; i + 24 <= e.length - 4; i += 24) b6.add(e.slice(i, i + 24));
    }
  }
  return { raw, hex: hx, b64: b6 };
}

/** Which needles occur in the haystack (latin1 text of everything stored or logged), by sliding once per form. */
export function findNeedles(haystack: string, n: ReturnType<typeof needles>): string[] {
  const found = new Set<string>();
  const slide = (h: string, set: Set<string>, width: number, form: string) => {
    if (set.size === 0) return;
    for (let i = 0; i + width <= h.length; i++) {
      const w = h.slice(i, i + width);
      if (set.has(w)) found.add(`${form}@${i}`);
    }
  };
  slide(haystack, n.raw, 16, "raw");
  slide(haystack.toLowerCase(), n.hex, 32, "hex");
  slide(haystack.replace(/\\[nrt]/g, "").replace(/[\s\\]+/g, "").replace(/-/g, "+").replace(/_/g, "/"), n.b64, 24, "base64");
  return [...found];
}
