import { describe, expect, it } from "vitest";
import { pemBlocks, pemToDer, toPem } from "./index";

const der = (n: number) => Uint8Array.from({ length: 40 }, (_, i) => (i * 7 + n) & 0xff);

describe("PEM scanning", () => {
  it("finds every block with its label, skipping text, other labels and a truncated block", () => {
    const a = toPem(der(1));
    const b = toPem(der(2));
    const text = [
      "Bag Attributes\n    localKeyID: 01 02\nsubject=/CN=x",
      a,
      "-----BEGIN CERTIFICATE-----\nMIIB", // cut off by a bad copy-paste
      "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----",
      b.replace(/\n/g, "\r\n"),
    ].join("\n");
    expect(pemBlocks(text, ["CERTIFICATE"])).toEqual([der(1), der(2)]);
    expect(pemBlocks(text, ["CERTIFICATE REQUEST"])).toHaveLength(1);
    expect(pemToDer(text, ["CERTIFICATE"])).toEqual(der(1));
  });

  it("answers crafted text of BEGIN lines without END with no blocks, and finds a block after many truncated ones", () => {
    const crafted = "-----BEGIN CERTIFICATE-----\n".repeat(40_000) + "-----BEGIN X-----".repeat(10_000);
    expect(crafted.length).toBeGreaterThan(1_000_000);
    expect(pemBlocks(crafted, ["CERTIFICATE"])).toEqual([]);
    expect(() => pemToDer(crafted, ["CERTIFICATE"])).toThrow(/no PEM block/);
    const truncatedThenWhole = "-----BEGIN CERTIFICATE-----\nMIIB\n".repeat(40_000) + toPem(der(3));
    expect(pemBlocks(truncatedThenWhole, ["CERTIFICATE"])).toEqual([der(3)]);
  });

  it("does not mistake mismatched BEGIN and END labels for a block", () => {
    expect(pemBlocks("-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----", ["CERTIFICATE"])).toEqual([]);
  });
});
