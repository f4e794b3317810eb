import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { CertificateParseError, inspectCertificate, inspectCsr } from "../pki";
import { checkUpload, evaluateUpload, getExampleProgram, type Program } from "../policy";
import { intake } from "./index";
import type { UploadedFile } from "./types";
import path from "node:path";
// shared/ sits beside the repository (locally and in CI).
const SHARED = path.resolve(import.meta.dirname, "../../../shared");

/**
 * Mutation fuzzing of the whole engine: real certificates, CSRs, PKCS#7 bundles
 * and zips, truncated, bit-flipped and with DER length octets and zip header
 * fields corrupted, through intake, lib/pki inspection and lib/policy evaluation.
 * Deterministic (seeded PRNG) so a failure reproduces; the seed and index of a
 * failing input are in the assertion message.
 */

const CERTS = SHARED + "/testdata/certs";
const ZIPS = SHARED + "/testdata/zips";
const read = (p: string): Uint8Array => new Uint8Array(readFileSync(p));
const AT = new Date("2025-06-01T00:00:00Z");
const SEED = 0x5eed_2026;
const INPUTS = 5_200;
/**
 * The seeds' own roots as trust anchors, so mutated chains can still validate to a
 * root and reach the leaf, key and program rules (the public store would work too, slower).
 */
const ANCHORS = [
  read(`${CERTS}/real-chains/letsencrypt/isrgrootx1.der`),
  read(`${CERTS}/real-chains/letsencrypt/isrg-root-x2.der`),
];

/** mulberry32: small, fast, good enough for choosing mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Seed = { name: string; bytes: Uint8Array; kind: "der" | "pem" | "zip"; key?: Uint8Array };

// In-memory test key (never written anywhere): mutated key files must never leak key bytes into items.
const KEY = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
const KEY_DER = new Uint8Array(KEY.export({ type: "pkcs8", format: "der" }));
const KEY_SEC1 = new Uint8Array(KEY.export({ type: "sec1", format: "der" }));

const pemToDer = (pem: Uint8Array): Uint8Array =>
  new Uint8Array(Buffer.from(new TextDecoder().decode(pem).replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64"));
const toPem = (label: string, der: Uint8Array): Uint8Array =>
  new TextEncoder().encode(`-----BEGIN ${label}-----\n${Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END ${label}-----\n`);

async function seeds(): Promise<Seed[]> {
  const le = `${CERTS}/real-chains/letsencrypt`;
  const der = (name: string, p: string): Seed => ({ name, bytes: read(p), kind: "der" });
  const pem = (name: string, p: string): Seed => ({ name, bytes: read(p), kind: "pem" });
  const list: Seed[] = [
    der("isrgrootx1.der", `${le}/isrgrootx1.der`),
    der("r3.der", `${le}/lets-encrypt-r3.der`),
    der("e5.der", `${le}/2024/e5.der`),
    der("x2.der", `${le}/isrg-root-x2.der`),
    pem("r3.pem", `${le}/lets-encrypt-r3.pem`),
    pem("chain.pem", `${CERTS}/pyca/x509/cryptography.io.chain.pem`),
    der("csr-rsa.der", `${CERTS}/pyca/x509/requests/rsa_sha256.der`),
    der("csr-ec.der", `${CERTS}/pyca/x509/requests/ec_sha256.der`),
    pem("csr.pem", `${CERTS}/pyca/x509/requests/san_rsa_sha1.pem`),
    der("amazon-roots.p7b", `${CERTS}/pyca/pkcs7/amazon-roots.p7b`),
    der("amazon-roots.der", `${CERTS}/pyca/pkcs7/amazon-roots.der`),
    pem("isrg-p7.pem", `${CERTS}/pyca/pkcs7/isrg.pem`),
  ];
  // Zips built here with a fixed date so the seed bytes never change.
  const date = new Date(Date.UTC(2025, 0, 1));
  const z1 = new JSZip();
  z1.file("chain/r3.pem", read(`${le}/lets-encrypt-r3.pem`), { date });
  z1.file("chain/root.cer", read(`${le}/isrgrootx1.der`), { date });
  z1.file("README.txt", "partner chain\n", { date });
  list.push({ name: "chain.zip", bytes: await z1.generateAsync({ type: "uint8array", compression: "DEFLATE" }), kind: "zip" });
  const z2 = new JSZip();
  z2.file("bundle.p7b", read(`${CERTS}/pyca/pkcs7/amazon-roots.p7b`), { date });
  z2.file("request.csr", read(`${CERTS}/pyca/x509/requests/rsa_sha256.pem`), { date });
  list.push({ name: "stored.zip", bytes: await z2.generateAsync({ type: "uint8array", compression: "STORE" }), kind: "zip" });
  list.push({ name: "TestData.zip", bytes: read(`${ZIPS}/recursiveextractor/nested/TestData.zip`), kind: "zip" });
  list.push({ name: "client.key", bytes: KEY_DER, kind: "der", key: KEY_DER });
  list.push({ name: "ec.pem", bytes: toPem("EC PRIVATE KEY", KEY_SEC1), kind: "pem", key: KEY_SEC1 });
  const z3 = new JSZip();
  z3.file("leaf.pem", read(`${le}/lets-encrypt-r3.pem`), { date });
  z3.file("leaf.key", KEY_DER, { date });
  list.push({ name: "with-key.zip", bytes: await z3.generateAsync({ type: "uint8array", compression: "DEFLATE" }), kind: "zip", key: KEY_DER });
  return list;
}

/** True when any 16-byte window of `key` (past its first 16 header-ish bytes) occurs in `hay`. */
function containsWindow(hay: Uint8Array, key: Uint8Array): boolean {
  const h = Buffer.from(hay);
  for (let i = 16; i + 16 <= key.length; i += 8) if (h.indexOf(Buffer.from(key.subarray(i, i + 16))) >= 0) return true;
  return false;
}

/** Offsets of every DER length octet in `der` (walking constructed values), for targeted corruption. */
function lengthOffsets(der: Uint8Array): number[] {
  const out: number[] = [];
  const walk = (start: number, end: number, depth: number) => {
    let p = start;
    while (p + 2 <= end && depth < 20) {
      const tag = der[p]!;
      const first = der[p + 1]!;
      out.push(p + 1);
      let len = first;
      let hdr = 2;
      if (first & 0x80) {
        const n = first & 0x7f;
        if (n === 0 || n > 4) return;
        len = 0;
        for (let i = 0; i < n; i++) len = len * 256 + der[p + 2 + i]!;
        hdr += n;
      }
      if (p + hdr + len > end) return;
      // Constructed values and BIT/OCTET STRINGs that wrap DER (extensions, keys) are descended into.
      if (tag & 0x20 || tag === 0x04) walk(p + hdr, p + hdr + len, depth + 1);
      p += hdr + len;
    }
  };
  walk(0, der.length, 0);
  return out;
}

/** Offsets of zip header fields (sizes, name lengths, offsets, flags, counts) for targeted corruption. */
function zipFieldOffsets(zip: Uint8Array): number[] {
  const out: number[] = [];
  const u32 = (p: number) => (zip[p]! | (zip[p + 1]! << 8) | (zip[p + 2]! << 16) | (zip[p + 3]! << 24)) >>> 0;
  for (let p = 0; p + 4 <= zip.length; p++) {
    const sig = u32(p);
    if (sig === 0x04034b50) out.push(p + 6, p + 8, p + 18, p + 22, p + 26, p + 28);
    else if (sig === 0x02014b50) out.push(p + 8, p + 10, p + 20, p + 24, p + 28, p + 30, p + 38, p + 40, p + 42);
    else if (sig === 0x06054b50) out.push(p + 8, p + 10, p + 12, p + 16, p + 20);
  }
  return out;
}

function mutate(seed: Seed, rnd: () => number): { bytes: Uint8Array; how: string } {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  // PEM seeds are mostly mutated below the armour so the damage reaches the DER parsers.
  const pemLabel = seed.kind === "pem" ? (/BEGIN ([A-Z0-9 ]+)-----/.exec(new TextDecoder().decode(seed.bytes))?.[1] ?? "CERTIFICATE") : "";
  const viaDer = seed.kind === "pem" && rnd() < 0.7;
  const base = viaDer ? pemToDer(seed.bytes) : seed.bytes;
  const b = base.slice();
  const op = pick(["truncate", "flip", "flips", "length", "length", "byte", "insert", "delete", seed.kind === "zip" ? "zipfield" : "length"] as const);
  let how: string = op;
  switch (op) {
    case "truncate":
      return finish(b.subarray(0, Math.floor(rnd() * b.length)), "truncate");
    case "flip": {
      const i = Math.floor(rnd() * b.length);
      b[i]! ^= 1 << Math.floor(rnd() * 8);
      how = `flip@${i}`;
      break;
    }
    case "flips":
      for (let k = 0; k < 2 + Math.floor(rnd() * 8); k++) b[Math.floor(rnd() * b.length)]! ^= 1 << Math.floor(rnd() * 8);
      break;
    case "length": {
      const offsets = seed.kind === "zip" ? zipFieldOffsets(b) : lengthOffsets(b);
      if (offsets.length === 0) break;
      const i = pick(offsets);
      b[i] = pick([0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x84, 0x85, 0xff, (b[i]! + 1) & 0xff, (b[i]! - 1) & 0xff]);
      how = `length@${i}`;
      break;
    }
    case "zipfield": {
      const offsets = zipFieldOffsets(b);
      const i = pick(offsets);
      b[i] = pick([0x00, 0x01, 0x7f, 0x80, 0xff, (b[i]! + 1) & 0xff]);
      if (rnd() < 0.5) b[i + 1] = pick([0x00, 0xff, 0x80]);
      how = `zipfield@${i}`;
      break;
    }
    case "byte":
      b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      break;
    case "insert": {
      const i = Math.floor(rnd() * b.length);
      const extra = new Uint8Array(1 + Math.floor(rnd() * 8)).map(() => Math.floor(rnd() * 256));
      return finish(new Uint8Array([...b.subarray(0, i), ...extra, ...b.subarray(i)]), `insert@${i}`);
    }
    case "delete": {
      const i = Math.floor(rnd() * b.length);
      return finish(new Uint8Array([...b.subarray(0, i), ...b.subarray(i + 1 + Math.floor(rnd() * 8))]), `delete@${i}`);
    }
    default: {
      const never: never = op;
      throw new Error(String(never));
    }
  }
  return finish(b, how);

  function finish(bytes: Uint8Array, what: string) {
    return { bytes: viaDer ? toPem(pemLabel, bytes) : bytes, how: `${viaDer ? "der-in-pem " : ""}${what}` };
  }
}

describe("fuzz: mutated real inputs through intake, lib/pki and lib/policy", () => {
  it(`${INPUTS} mutated inputs: no exception escapes, every input gets a verdict`, async () => {
    const programs = ["ca-chain", "self-signed-allowed", "s2s-zip", "provider-ca-csr"].map((id) => getExampleProgram(id)).filter((p): p is Program => p !== undefined);
    expect(programs).toHaveLength(4);
    const all = await seeds();
    const rnd = prng(SEED);
    const verdicts: Record<string, number> = {};
    const intakeOutcome: Record<string, number> = {};
    const firstCodes: Record<string, number> = {};
    const escapes: string[] = [];
    let items = 0;
    let inspectRejected = 0;
    const spent = { intake: 0, inspect: 0, evaluate: 0 };
    const started = performance.now();

    for (let n = 0; n < INPUTS; n++) {
      const seed = all[n % all.length]!;
      const { bytes, how } = mutate(seed, rnd);
      const label = `#${n} seed=${SEED} ${seed.name} ${how}`;
      const files: UploadedFile[] = [{ name: seed.name, bytes }];
      try {
        let t = performance.now();
        const r = await intake(files);
        spent.intake += performance.now() - t;
        t = performance.now();
        const o = r.refused ? "refused" : r.items.length > 0 ? "items" : "no-items";
        // A key finding on an input made from a certificate, CSR or PKCS#7 seed would be a false alarm.
        if (!seed.key) expect(r.findings.some((f) => f.code === "PRIVATE_KEY_PRESENT"), `${label}: key reported in a key-free input`).toBe(false);
        intakeOutcome[o] = (intakeOutcome[o] ?? 0) + 1;
        for (const item of r.items) {
          items++;
          if (seed.key) expect(containsWindow(item.der, seed.key), `${label}: key bytes in an item`).toBe(false);
          expect(item.der.length, label).toBeGreaterThan(0);
          try {
            if (item.kind === "certificate") inspectCertificate(item.der);
            else await inspectCsr(item.der);
          } catch (e) {
            // Typed refusals are the contract; anything else (TypeError, RangeError…) is a parser bug.
            if (!(e instanceof CertificateParseError)) throw e;
            inspectRejected++;
          }
        }
        spent.inspect += performance.now() - t;
        // The engine without its safety net: evaluateUpload must not throw either.
        const program = programs[n % programs.length]!;
        t = performance.now();
        // Every tenth input keeps the program's own anchors (the public root store).
        const v = await evaluateUpload({ program, intake: r, at: AT, ...(n % 10 === 0 ? {} : { trustAnchors: ANCHORS }) });
        spent.evaluate += performance.now() - t;
        expect(["accepted", "rejected"], label).toContain(v.verdict);
        if (v.verdict === "rejected") expect(v.findings.some((f) => f.severity === "error"), label).toBe(true);
        verdicts[v.verdict] = (verdicts[v.verdict] ?? 0) + 1;
        const first = v.findings.find((f) => f.severity === "error")?.code ?? "(none)";
        firstCodes[first] = (firstCodes[first] ?? 0) + 1;
      } catch (e) {
        escapes.push(`${label}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      }
    }
    // The one-call entry point on a sample, as the portal and the CLI call it.
    for (let n = 0; n < 200; n++) {
      const seed = all[n % all.length]!;
      const v = await checkUpload({ files: [{ name: seed.name, bytes: mutate(seed, rnd).bytes }], program: programs[n % 4]!, at: AT });
      expect(["accepted", "rejected"]).toContain(v.verdict);
      // checkUpload's safety net turns an escaped exception into this generic finding: it must never be needed.
      expect(v.findings.map((f) => f.message).join("\n")).not.toMatch(/could not be evaluated/);
    }

    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `fuzz: ${INPUTS} inputs (+200 via checkUpload) from ${all.length} seeds in ${seconds}s; ${items} items, ${inspectRejected} refused by lib/pki parsers\n` +
        `  time: intake ${(spent.intake / 1000).toFixed(1)}s, pki inspect ${(spent.inspect / 1000).toFixed(1)}s, policy evaluate ${(spent.evaluate / 1000).toFixed(1)}s\n` +
        `  intake: ${JSON.stringify(intakeOutcome)}\n  verdicts: ${JSON.stringify(verdicts)}\n  first error code: ${JSON.stringify(firstCodes)}`,
    );
    expect(escapes.slice(0, 10)).toEqual([]);
    expect(Object.values(verdicts).reduce((a, b) => a + b, 0)).toBe(INPUTS);
  }, 180_000);
});
