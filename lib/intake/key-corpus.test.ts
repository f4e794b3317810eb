/**
 * The key-encoding corpus through the pure intake layer: more than 60 encodings of private keys
 * (lib/intake/testing/key-corpus.ts), each alone, beside a chain, in a zip and in a nested folder
 * of a zip. Every one must be refused with PRIVATE_KEY_PRESENT, and nothing intake returns (items,
 * messages) may hold a window of the key. lib/submissions/key-corpus.test.ts runs the same corpus
 * through the channels that store (API, portal upload, draft).
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { intake } from "./index";
import { findKeyMaterial } from "./key-scan";
import { CONTEXTS, findNeedles, keyCorpus, needles, uploadFor, type Context } from "./testing/key-corpus";

const SHARED = path.resolve(import.meta.dirname, "../../../shared");
const R3_PEM = readFileSync(SHARED + "/testdata/certs/real-chains/letsencrypt/lets-encrypt-r3.pem", "utf8");
const CORPUS = keyCorpus();

describe("intake: the key-encoding corpus", () => {
  it("has at least 60 encodings", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CORPUS.map((c) => c.name)).size).toBe(CORPUS.length);
  });

  it.each(CONTEXTS.map((c) => [c] as [Context]))("every encoding %s → refused, PRIVATE_KEY_PRESENT, no key window in the result", async (context) => {
    const letThrough: string[] = [];
    for (const c of CORPUS) {
      const r = await intake(await uploadFor(c, context, R3_PEM));
      const key = r.findings.some((f) => f.code === "PRIVATE_KEY_PRESENT" && f.severity === "error");
      const json = JSON.stringify(r, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString("latin1") : v));
      const leaked = findNeedles(json, needles(c.secrets));
      if (!r.refused || !key || leaked.length > 0) letThrough.push(`${c.name} (refused=${r.refused}, key=${key}, leaked=${leaked.length})`);
    }
    expect(letThrough, `${letThrough.length} of ${CORPUS.length} let through ${context}`).toEqual([]);
  });
});

describe("findKeyMaterial: no false alarms on what partners should send", () => {
  it("finds nothing in the shared corpus of real and test certificates, CSRs and PKCS#7 files (PEM and DER)", () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (/\.(pem|der|crt|cer|p7b|crttest|csr)$/.test(e.name)) files.push(path.join(d, e.name));
      }
    };
    for (const d of ["real-chains", "pyca", "pkilint"]) walk(path.join(SHARED, "testdata/certs", d));
    expect(files.length).toBeGreaterThan(300);
    const alarms = files.filter((f) => findKeyMaterial(new Uint8Array(readFileSync(f))) !== undefined);
    // pyca's "with_garbage" file really holds PRIVATE KEY armour between its certificates: refused today too.
    expect(alarms.map((f) => path.basename(f))).toEqual(["cryptography.io.with_garbage.pem"]);
  });

  it("stays linear: a megabyte of base64, of hex and of dashes each scans in seconds, not the minutes a quadratic scan would take", () => {
    const base64 = new TextEncoder().encode("QUJD".repeat(256 * 1024));
    const hexText = new TextEncoder().encode("0a".repeat(512 * 1024));
    const dashes = new TextEncoder().encode("-".repeat(1024 * 1024));
    const ints = new Uint8Array(1024 * 1024).map((_, i) => (i % 3 === 0 ? 2 : i % 3 === 1 ? 1 : 0));
    for (const bytes of [base64, hexText, dashes, ints]) {
      const t = performance.now();
      expect(findKeyMaterial(bytes)).toBeUndefined();
      // A generous bound (a quadratic scan of 1 MiB takes minutes): speed itself is measured by `npm run bench`.
      expect(performance.now() - t).toBeLessThan(10_000);
    }
  });
});
