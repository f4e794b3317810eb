import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CertificateParseError, inspectCertificate, inspectCsr, pemToDer, validatePath } from "./index";

const CERTS = path.resolve(import.meta.dirname, "../../../shared/testdata/certs");
const read = (p: string) => pemToDer(readFileSync(path.join(CERTS, p), "utf8"));

/** Deterministic xorshift so failures reproduce. */
function prng(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

function mutate(d: Uint8Array, rnd: (n: number) => number): Uint8Array {
  const x = d.slice();
  switch (rnd(4)) {
    case 0:
      return x.subarray(0, rnd(x.length));
    case 1:
      for (let i = 0, n = 1 + rnd(4); i < n; i++) {
        const p = rnd(x.length);
        x[p] = x[p]! ^ (1 << rnd(8));
      }
      return x;
    case 2:
      x[rnd(x.length)] = rnd(256);
      return x;
    default:
      // Corrupt a length: long-form markers where a short length was.
      x[rnd(x.length)] = 0x80 | rnd(6);
      return x;
  }
}

describe("mutated inputs never escape as random exceptions", () => {
  const seeds = [
    read("real-chains/limbo-online/amazon.com/leaf.pem"),
    read("real-chains/limbo-online/amazon.com/root.pem"),
    read("pkilint/etsi/qevcp_w_psd2_eidas_pre_certificate/psp_roles_good.crttest"),
  ];
  const csrs = ["rsa_sha256.pem", "ec_sha256.pem"].map((f) => read(`pyca/x509/requests/${f}`));

  it("inspectCertificate: a CertificateInfo or a CertificateParseError for 3,000 mutations", () => {
    const rnd = prng(42);
    let parsed = 0;
    for (let i = 0; i < 3000; i++) {
      const input = mutate(seeds[rnd(seeds.length)]!, rnd);
      try {
        JSON.stringify(inspectCertificate(input));
        parsed++;
      } catch (e) {
        expect(e).toBeInstanceOf(CertificateParseError);
      }
    }
    // Bit flips inside values leave many certificates readable: inspection must cope with their contents.
    expect(parsed).toBeGreaterThan(500);
  });

  it("validatePath: a verdict with findings for 1,000 mutated leaves, intermediates and CRLs", async () => {
    const rnd = prng(7);
    for (let i = 0; i < 1000; i++) {
      const leaf = mutate(seeds[rnd(seeds.length)]!, rnd);
      const r = await validatePath({ leaf, intermediates: [mutate(seeds[1]!, rnd)], trustAnchors: [seeds[1]!], crls: [leaf], at: new Date("2025-01-01Z") });
      if (!r.ok) expect(r.findings.some((f) => f.severity === "error")).toBe(true);
    }
  });

  it("inspectCsr: a CsrInfo or a CertificateParseError for 1,000 mutations", async () => {
    const rnd = prng(99);
    for (let i = 0; i < 1000; i++) {
      try {
        await inspectCsr(mutate(csrs[rnd(csrs.length)]!, rnd));
      } catch (e) {
        expect(e).toBeInstanceOf(CertificateParseError);
      }
    }
  });
});
