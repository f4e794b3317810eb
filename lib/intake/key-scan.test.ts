/**
 * The key scanner's own edges, the ones its fast paths are built around: a buffer view ends where
 * it ends (the scanner reads no byte past it), scratch buffers reused between calls carry nothing
 * over, hex runs end exactly where they did ("x" ends a run unless it is a "0x"/"\x" prefix), and
 * decoded text is searched one level down from 90% text bytes, not below. The encodings themselves
 * are covered by key-corpus.test.ts and keys.test.ts.
 */
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findKeyInBinary, findKeyMaterial, findKeyMaterialInText } from "./key-scan";

const SHARED = path.resolve(import.meta.dirname, "../../../shared");
const R3_PEM = new Uint8Array(readFileSync(SHARED + "/testdata/certs/real-chains/letsencrypt/lets-encrypt-r3.pem"));
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");

// Ed25519 PKCS#8 is the smallest key looked for (48 bytes, 96 hex digits).
const ED = new Uint8Array(generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "der" }));
const EC = new Uint8Array(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "sec1", format: "der" }));

describe("findKeyInBinary on a view", () => {
  it("answers for a subarray as for a copy of it, at every cut", () => {
    const buf = new Uint8Array(ED.length + EC.length + 16);
    buf.set(ED, 8);
    buf.set(EC, ED.length + 12);
    for (let end = 0; end <= buf.length; end++) {
      for (const start of [0, 5, 8, 9]) {
        if (start > end) continue;
        expect(findKeyInBinary(buf.subarray(start, end)), `${start}..${end}`).toBe(findKeyInBinary(buf.slice(start, end)));
      }
    }
    expect(findKeyInBinary(buf.subarray(8, 8 + ED.length))).toBe("a PKCS#8 private key");
    // One byte short, the same bytes run past the end of the view: only the start of a key.
    expect(findKeyInBinary(buf.subarray(8, 8 + ED.length - 1))).toBe("the start of a PKCS#8 private key, cut short");
  });

  it("does not read a PVK header's last field past the end of the view", () => {
    const pvk = new Uint8Array([0x1e, 0xf1, 0xb5, 0xb0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]);
    expect(findKeyInBinary(pvk.subarray(0, 13))).toBe("a Microsoft PVK private key");
    expect(findKeyInBinary(pvk.subarray(0, 12))).toBeUndefined();
  });
});

describe("findKeyMaterial: calls do not share state", () => {
  it("gives the same answers in any order, around inputs larger than the scratch buffers", () => {
    const big = enc(`${"QUJD".repeat(40_000)}\n${b64(ED)}\n`);
    const inputs: [Uint8Array, string | undefined][] = [
      [R3_PEM, undefined],
      [enc(b64(ED)), "a PKCS#8 private key"],
      [enc(hex(EC)), "an EC private key (SEC 1)"],
      [big, "a PKCS#8 private key"],
      [enc(`notes\n${b64(enc(hex(ED)))}\n`), "a PKCS#8 private key"],
      [R3_PEM, undefined],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [bytes, expected] of round === 1 ? [...inputs].reverse() : inputs) expect(findKeyMaterial(bytes)).toBe(expected);
    }
  });
});

describe("hex runs", () => {
  const half = ED.length / 2;
  it("are joined by whitespace, colons and commas, and by 0x and \\x prefixes", () => {
    expect(findKeyMaterialInText(`${hex(ED.subarray(0, half))} \n:, ${hex(ED.subarray(half))}`)).toBe("a PKCS#8 private key");
    expect(findKeyMaterialInText([...ED].map((x) => `0x${x.toString(16).padStart(2, "0")}`).join(", "))).toBe("a PKCS#8 private key");
    expect(findKeyMaterialInText([...ED].map((x) => `\\x${x.toString(16).padStart(2, "0")}`).join(""))).toBe("a PKCS#8 private key");
  });

  it("are ended by any other character, an x that is no prefix included", () => {
    // Each half is 48 hex digits, under the 80 a run needs.
    for (const sep of [" x ", "x", "X", "\\", "\\y", "-", "."]) {
      expect(findKeyMaterialInText(`${hex(ED.subarray(0, half))}${sep}${hex(ED.subarray(half))}`), JSON.stringify(sep)).toBeUndefined();
    }
    // "0x" inside a digit pair (odd position) is no prefix: the 0 is a digit and the x ends the run.
    expect(findKeyMaterialInText(`${hex(ED.subarray(0, half))}a0x${hex(ED.subarray(half))}`)).toBeUndefined();
  });
});

describe("decoded text is searched one level down", () => {
  const armour = "-----BEGIN PRIVATE KEY-----\n";
  const decodedWith = (zeros: number) => {
    const text = armour + "a".repeat(900 - armour.length);
    return enc(b64(new Uint8Array([...new Uint8Array(zeros), ...enc(text)])));
  };
  it("when 90% of its bytes are text, and not below", () => {
    expect(findKeyMaterial(decodedWith(100))).toBe("PEM private-key armour");
    expect(findKeyMaterial(decodedWith(101))).toBeUndefined();
  });
});
