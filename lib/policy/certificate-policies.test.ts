/**
 * A program's acceptable certificate policies (rules.acceptablePolicies, issue 17): the path must be
 * valid for one of them (RFC 5280 §6.1 with initial-explicit-policy), else POLICY_NOT_ACCEPTED.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { toPem } from "../pki/certificate";
import { checkUpload, getExampleProgram } from "./index";
import { parseProgram } from "./program";

const PKITS = path.resolve(import.meta.dirname, "../../../shared/testdata/certs/pkits/certs");
const pem = (f: string) => toPem(new Uint8Array(readFileSync(path.join(PKITS, `${f}.crt`))));
const NIST_POLICY_1 = "2.16.840.1.101.3.2.1.48.1";
const NIST_POLICY_2 = "2.16.840.1.101.3.2.1.48.2";
const at = new Date("2026-06-01T00:00:00Z");

async function codes(acceptablePolicies: string[] | undefined): Promise<string[]> {
  const base = getExampleProgram("ca-chain")!;
  const program = parseProgram({ ...base, rules: { ...base.rules, ...(acceptablePolicies ? { acceptablePolicies } : {}) } });
  // PKITS "Valid Certificate Path Test1": Trust Anchor → Good CA → leaf, issued under NIST test policy 1.
  const chain = `${pem("ValidCertificatePathTest1EE")}${pem("GoodCACert")}`;
  const v = await checkUpload({ files: [{ name: "chain.pem", bytes: new TextEncoder().encode(chain) }], program, at, trustAnchors: [pem("TrustAnchorRootCertificate")] });
  return v.findings.map((f) => f.code);
}

describe("program acceptablePolicies", () => {
  it("accepts a chain issued under one of the listed policies, and any policy when none is listed", async () => {
    expect(await codes([NIST_POLICY_2, NIST_POLICY_1])).not.toContain("POLICY_NOT_ACCEPTED");
    expect(await codes(undefined)).not.toContain("POLICY_NOT_ACCEPTED");
  });

  it("refuses a chain valid only for another policy with POLICY_NOT_ACCEPTED", async () => {
    expect(await codes([NIST_POLICY_2])).toContain("POLICY_NOT_ACCEPTED");
  });

  it("refuses a program whose policy is not a dotted OID", () => {
    const base = getExampleProgram("ca-chain")!;
    expect(() => parseProgram({ ...base, rules: { ...base.rules, acceptablePolicies: ["anyPolicy"] } })).toThrow();
  });
});
