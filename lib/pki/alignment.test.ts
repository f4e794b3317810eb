/**
 * Issue 17 item 1 and 6: where the validator used to differ from OpenSSL/Go (or from RFC 5280/5480)
 * without meaning to. Each test fails on the code before the fix.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { concat } from "./der";
import { type PathResult, validatePath } from "./index";
import { EKU, KeyUsageFlags, type KeySpec, type TestCert, mintCertificate, nameConstraintsExtension, replaceBytes, resignEdited } from "./testing/factory";

const AT = new Date("2026-01-01T00:00:00Z");
const EC: KeySpec = { algorithm: "EC", curve: "P-256" };
const ED: KeySpec = { algorithm: "Ed25519" };
const CLIENT = [EKU.clientAuth];

const errors = (r: PathResult) => r.findings.filter((f) => f.severity === "error");
const codes = (r: PathResult) => errors(r).map((f) => f.code);

async function rootAndCa(label: string, keys: KeySpec = EC, rootOpts: Partial<Parameters<typeof mintCertificate>[0]> = {}): Promise<{ root: TestCert; ica: TestCert }> {
  const root = await mintCertificate({ subject: `CN=${label} Root, O=Certdesk Test`, ca: true, keys, keyLabel: `${label}:root`, ...rootOpts });
  const ica = await mintCertificate({ subject: `CN=${label} CA, O=Certdesk Test`, issuer: root, ca: true, keys, keyLabel: `${label}:ica` });
  return { root, ica };
}

describe("name constraints: the CN-as-DNS-name fallback applies to the leaf only", () => {
  it("accepts an intermediate whose CN looks like a host outside the root's permitted DNS subtree", async () => {
    const root = await mintCertificate({
      subject: "CN=NC Root, O=Certdesk Test",
      ca: true,
      keys: EC,
      keyLabel: "nc17:root",
      extensions: [nameConstraintsExtension({ permitted: [{ kind: "DNS", value: "example.com" }] })],
    });
    const ica = await mintCertificate({ subject: "CN=issuing-ca.example.org", issuer: root, ca: true, keys: EC, keyLabel: "nc17:ica" });
    const leaf = await mintCertificate({ subject: "CN=Client", issuer: ica, keys: EC, keyLabel: "nc17:leaf", sans: [{ kind: "DNS", value: "client.example.com" }] });
    const r = await validatePath({ leaf: leaf.pem, intermediates: [ica.pem], trustAnchors: [root.pem], at: AT, requiredEku: CLIENT });
    expect(r.findings).toEqual([]);
    expect(r.ok).toBe(true);

    // The leaf still is held to it: a hostname-shaped CN and no DNS/IP SAN.
    const badLeaf = await mintCertificate({ subject: "CN=client.example.org", issuer: ica, keys: EC, keyLabel: "nc17:leaf" });
    const bad = await validatePath({ leaf: badLeaf.pem, intermediates: [ica.pem], trustAnchors: [root.pem], at: AT, requiredEku: CLIENT });
    expect(codes(bad)).toEqual(["CHAIN_NAME_CONSTRAINTS"]);
    expect(errors(bad)[0]!.certificate?.position).toBe(0);
  });
});

describe("critical subjectAltName with a non-empty subject", () => {
  it("is accepted by the default profile (RFC 5280 SHOULD NOT) and refused under webPki (CA/B)", async () => {
    const { root, ica } = await rootAndCa("critsan17");
    const leaf = await mintCertificate({ subject: "CN=Client, O=Acme", issuer: ica, keys: EC, keyLabel: "critsan17:leaf", sans: [{ kind: "DNS", value: "client.acme.example" }], sansCritical: true });
    const base = { leaf: leaf.pem, intermediates: [ica.pem], trustAnchors: [root.pem], at: AT, requiredEku: CLIENT };
    const r = await validatePath(base);
    expect(r.findings).toEqual([]);
    const web = await validatePath({ ...base, profile: { webPki: true } });
    expect(codes(web)).toContain("CERTIFICATE_MALFORMED");
  });
});

describe("the trust anchor's pathLenConstraint", () => {
  it("is enforced: a root with pathlen 0 may not sit above an intermediate", async () => {
    const { root, ica } = await rootAndCa("pathlen17", EC, { ca: { pathLength: 0 } });
    const leaf = await mintCertificate({ subject: "CN=Client", issuer: ica, keys: EC, keyLabel: "pathlen17:leaf" });
    const r = await validatePath({ leaf: leaf.pem, intermediates: [ica.pem], trustAnchors: [root.pem], at: AT, requiredEku: CLIENT });
    expect(codes(r)).toEqual(["CHAIN_PATH_LENGTH"]);
    expect(errors(r)[0]!.message).toMatch(/trust anchor .* allows 0 intermediate/);
    // Directly under the root (no intermediate) it is fine.
    const direct = await mintCertificate({ subject: "CN=Direct Client", issuer: root, keys: EC, keyLabel: "pathlen17:direct" });
    expect((await validatePath({ leaf: direct.pem, trustAnchors: [root.pem], at: AT, requiredEku: CLIENT })).ok).toBe(true);
  });
});

describe("with clientAuth required", () => {
  it("refuses a leaf whose key usage is present without digitalSignature", async () => {
    const { root, ica } = await rootAndCa("ku17");
    const leaf = await mintCertificate({ subject: "CN=Client", issuer: ica, keys: EC, keyLabel: "ku17:leaf", keyUsage: KeyUsageFlags.keyAgreement });
    const base = { leaf: leaf.pem, intermediates: [ica.pem], trustAnchors: [root.pem], at: AT };
    const r = await validatePath({ ...base, requiredEku: CLIENT });
    expect(codes(r)).toEqual(["LEAF_KEY_USAGE"]);
    // Not a path-validation matter when no client purpose is asked for, nor when key usage is absent.
    expect((await validatePath(base)).ok).toBe(true);
    const noKu = await mintCertificate({ subject: "CN=Client NoKU", issuer: ica, keys: EC, keyLabel: "ku17:leaf", keyUsage: false });
    expect((await validatePath({ ...base, leaf: noKu.pem, requiredEku: CLIENT })).ok).toBe(true);
  });

  it("refuses a leaf EC key with explicit curve parameters (RFC 5480 §2.1.1)", async () => {
    const pem = execFileSync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-pkeyopt", "ec_param_enc:explicit"]);
    const spki = new Uint8Array(execFileSync("openssl", ["pkey", "-pubout", "-outform", "DER"], { input: pem }));
    expect(spki[0]).toBe(0x30);
    const { root, ica } = await rootAndCa("explicit17");
    const leaf = await mintCertificate({ subject: "CN=Client", issuer: ica, keys: EC, keyLabel: "explicit17:leaf", publicKeySpki: spki });
    const r = await validatePath({ leaf: leaf.pem, intermediates: [ica.pem], trustAnchors: [root.pem], at: AT, requiredEku: CLIENT });
    expect(codes(r)).toEqual(["KEY_ALGORITHM_NOT_ALLOWED"]);
    expect(errors(r)[0]!.message).toMatch(/explicit curve parameters/);
    // The same chain with a named-curve leaf passes (the finding is about the parameters, not EC).
    const named = await mintCertificate({ subject: "CN=Client", issuer: ica, keys: EC, keyLabel: "explicit17:named" });
    expect((await validatePath({ leaf: named.pem, intermediates: [ica.pem], trustAnchors: [root.pem], at: AT, requiredEku: CLIENT })).ok).toBe(true);
  });
});

describe("name attributes are decoded strictly", () => {
  // Ed25519: resignEdited signs edited TBS bytes again with the issuer's key.
  it("never chains through two different invalid UTF-8 names that decode to the same U+FFFD text", async () => {
    // "_" and "é" make the factory encode the CN as a UTF8String (not PrintableString).
    const keys = await mintCertificate({ subject: "CN=Utf8_Root_\u00e9_XX", ca: true, keys: ED, keyLabel: "utf817:root" });
    // The anchor's name holds bytes FF FF, the leaf's issuer name FE FE: leniently both "Utf8 Root\uFFFD\uFFFD".
    const anchor = await resignEdited(keys, keys.keys, (tbs) => replaceBytes(tbs, "_XX", "_\xff\xff"));
    const leaf0 = await mintCertificate({ subject: "CN=Client", issuer: keys, keys: ED, keyLabel: "utf817:leaf" });
    const leaf = await resignEdited(leaf0, keys.keys, (tbs) => replaceBytes(tbs, "_XX", "_\xfe\xfe"));
    const r = await validatePath({ leaf: leaf.der, trustAnchors: [anchor.der], at: AT, requiredEku: CLIENT });
    expect(r.ok).toBe(false);
    expect(codes(r)).toContain("CERTIFICATE_MALFORMED");
    expect(r.findings.map((f) => f.message).join("\n")).toMatch(/issuer name: CN is a UTF8String that is not validly encoded/);
    expect(r.path.map((c) => c.subject)).toHaveLength(1); // no path to the look-alike anchor

    // With identical (if invalid) bytes the names are equal, and only the malformed names are reported.
    const same = await resignEdited(leaf0, keys.keys, (tbs) => replaceBytes(tbs, "_XX", "_\xff\xff"));
    const r2 = await validatePath({ leaf: same.der, trustAnchors: [anchor.der], at: AT, requiredEku: CLIENT });
    expect(r2.path).toHaveLength(2);
    expect(new Set(codes(r2))).toEqual(new Set(["CERTIFICATE_MALFORMED"]));
  });

  it("reports a non-string attribute value", async () => {
    const root = await mintCertificate({ subject: "CN=NonString Root", ca: true, keys: ED, keyLabel: "ns17:root" });
    const leaf0 = await mintCertificate({ subject: "CN=Client, O=Acme", issuer: root, keys: ED, keyLabel: "ns17:leaf" });
    // O's UTF8String/PrintableString "Acme" becomes an OCTET STRING (tag 0x04).
    const tbsO = (tbs: Uint8Array) => {
      const i = Buffer.from(tbs).indexOf(Buffer.from("Acme", "latin1"));
      const out = tbs.slice();
      out[i - 2] = 0x04;
      return out;
    };
    const leaf = await resignEdited(leaf0, root.keys, (tbs) => tbsO(tbs));
    const r = await validatePath({ leaf: leaf.der, trustAnchors: [root.der], at: AT, requiredEku: CLIENT });
    expect(codes(r)).toEqual(["CERTIFICATE_MALFORMED"]);
    expect(errors(r)[0]!.message).toMatch(/subject name: O is not a character string/);
  });
});

describe("clear findings for framing and time defects", () => {
  it("names trailing bytes after a DER certificate", async () => {
    const root = await mintCertificate({ subject: "CN=Trail Root", ca: true, keys: EC, keyLabel: "trail17:root" });
    const leaf = await mintCertificate({ subject: "CN=Client", issuer: root, keys: EC, keyLabel: "trail17:leaf" });
    const r = await validatePath({ leaf: concat([leaf.der, new Uint8Array([0, 0, 0])]), trustAnchors: [root.der], at: AT });
    expect(codes(r)).toEqual(["CERTIFICATE_MALFORMED"]);
    expect(r.findings[0]!.message).toMatch(/3 byte\(s\) of trailing data after the certificate/);
  });

  it("names a UTCTime with out-of-range or non-digit fields instead of rolling it over", async () => {
    const root = await mintCertificate({ subject: "CN=Time Root", ca: true, keys: ED, keyLabel: "time17:root" });
    const notAfter = new Date("2026-06-30T22:00:00Z"); // UTCTime "260630220000Z"
    const leaf0 = await mintCertificate({ subject: "CN=Client", issuer: root, keys: ED, keyLabel: "time17:leaf", notAfter });
    for (const [bad, why] of [
      ["260630250000Z", /validity notAfter: "260630250000Z" is not a valid UTCTime/],
      ["2606302a0000Z", /validity notAfter: "2606302a0000Z" is not a valid UTCTime/],
    ] as const) {
      const leaf = await resignEdited(leaf0, root.keys, (tbs) => replaceBytes(tbs, "260630220000Z", bad));
      const r = await validatePath({ leaf: leaf.der, trustAnchors: [root.der], at: AT });
      expect(codes(r)).toEqual(["CERTIFICATE_MALFORMED"]);
      expect(r.findings[0]!.message).toMatch(why);
    }
  });
});
