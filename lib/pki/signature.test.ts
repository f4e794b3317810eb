/**
 * The two signature engines (node:crypto for Node's own WebCrypto, crypto.subtle for any other
 * provider) must give the same answer and the same reason for every certificate.
 */
import { describe, expect, it } from "vitest";
import { parseCertificate } from "./certificate";
import { inspectCertificate } from "./inspect";
import { verifyCertificateSignature } from "./signature";
import { type KeySpec, type TestCert, mintCertificate, replaceBytes } from "./testing/factory";

/** The same WebCrypto behind a different object: verifySignature takes the crypto.subtle path. */
const wrapped = { subtle: globalThis.crypto.subtle, getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) } as unknown as Crypto;

const SPECS: [string, KeySpec][] = [
  ["RSA-2048", { algorithm: "RSA", size: 2048 }],
  ["P-256", { algorithm: "EC", curve: "P-256" }],
  ["P-384", { algorithm: "EC", curve: "P-384" }],
  ["P-521", { algorithm: "EC", curve: "P-521" }],
  ["Ed25519", { algorithm: "Ed25519" }],
];

/** A certificate with one signature byte changed (the TBS untouched). */
function withFlippedSignatureByte(cert: TestCert): Uint8Array {
  const der = cert.der.slice();
  der[der.length - 3] = der[der.length - 3]! ^ 0x01;
  return der;
}

describe("signature engines", () => {
  it.each(SPECS)("node:crypto and crypto.subtle agree for %s issuers: good, corrupted, wrong issuer, edited TBS", async (label, keys) => {
    const root = await mintCertificate({ subject: `CN=Engines ${label} Root`, ca: true, keys, keyLabel: `engines-${label}-root` });
    const other = await mintCertificate({ subject: `CN=Engines ${label} Other`, ca: true, keys, keyLabel: `engines-${label}-other` });
    const leaf = await mintCertificate({ subject: `CN=Engines ${label} Leaf`, issuer: root, keys: { algorithm: "EC", curve: "P-256" }, keyLabel: "engines-leaf" });
    const edited = replaceBytes(leaf.der, "Engines", "Enginez");
    const cases: [string, Uint8Array, TestCert][] = [
      ["leaf by root", leaf.der, root],
      ["root by itself", root.der, root],
      ["leaf by another key", leaf.der, other],
      ["corrupted signature", withFlippedSignatureByte(leaf), root],
      ["edited TBS", edited, root],
    ];
    const outcomes: string[] = [];
    for (const [name, der, issuer] of cases) {
      const child = parseCertificate(der);
      const iss = parseCertificate(issuer.der);
      const viaNode = await verifyCertificateSignature(child, iss, globalThis.crypto);
      const viaSubtle = await verifyCertificateSignature(child, iss, wrapped);
      expect(viaNode, name).toEqual(viaSubtle);
      outcomes.push(`${name}: ${viaNode.ok}`);
    }
    // Not vacuous: the good ones verify and the bad ones do not, on both engines.
    expect(outcomes).toEqual(["leaf by root: true", "root by itself: true", "leaf by another key: false", "corrupted signature: false", "edited TBS: false"]);
  });

  it("refuses an EC key at the point at infinity on both engines (OpenSSL decodes it; a P1363 verify with it would abort Node)", async () => {
    const good = await mintCertificate({ subject: "CN=Engines Infinity Probe", ca: true, keys: { algorithm: "EC", curve: "P-256" }, keyLabel: "engines-infinity" });
    const spki = parseCertificate(good.der).spki;
    // SEQUENCE { AlgorithmIdentifier (as in a P-256 SPKI), BIT STRING 00 00 }: the one-byte encoding of infinity.
    const alg = spki.subarray(2, 2 + 2 + spki[3]!);
    const body = new Uint8Array([...alg, 0x03, 0x02, 0x00, 0x00]);
    const infinitySpki = new Uint8Array([0x30, body.length, ...body]);
    const cert = await mintCertificate({ subject: "CN=Engines Infinity", ca: true, keys: { algorithm: "EC", curve: "P-256" }, keyLabel: "engines-infinity", publicKeySpki: infinitySpki });
    const parsed = parseCertificate(cert.der);
    const viaNode = await verifyCertificateSignature(parsed, parsed, globalThis.crypto);
    expect(viaNode).toEqual(await verifyCertificateSignature(parsed, parsed, wrapped));
    expect(viaNode).toEqual({ ok: false, reason: "issuer public key cannot be imported (malformed or unsupported)" });
    expect(inspectCertificate(cert.der).selfSigned).toBe(false);
  });

  it("remembers a CA certificate's result only for the same certificate under the same issuer key", async () => {
    const keys = { algorithm: "EC", curve: "P-256" } as const;
    const root = await mintCertificate({ subject: "CN=Engines Memo Root", ca: true, keys, keyLabel: "engines-memo-root" });
    // Same subject, another key: a look-alike issuer must not inherit the genuine issuer's answers.
    const impostor = await mintCertificate({ subject: "CN=Engines Memo Root", ca: true, keys, keyLabel: "engines-memo-impostor" });
    const ica = await mintCertificate({ subject: "CN=Engines Memo CA", issuer: root, ca: true, keys, keyLabel: "engines-memo-ica" });
    const child = parseCertificate(ica.der);
    const genuine = parseCertificate(root.der);
    const lookAlike = parseCertificate(impostor.der);
    const tampered = parseCertificate(withFlippedSignatureByte(ica));
    for (const crypto of [globalThis.crypto, wrapped]) {
      // Asked twice each, interleaved, so a remembered answer would show up on the second round.
      for (let round = 0; round < 2; round++) {
        expect((await verifyCertificateSignature(child, genuine, crypto)).ok).toBe(true);
        expect((await verifyCertificateSignature(child, lookAlike, crypto)).ok).toBe(false);
        expect((await verifyCertificateSignature(tampered, genuine, crypto)).ok).toBe(false);
        // A separate parse of the same bytes (another upload) gets the same answers.
        expect((await verifyCertificateSignature(parseCertificate(ica.der.slice()), genuine, crypto)).ok).toBe(true);
      }
    }
  });
});
