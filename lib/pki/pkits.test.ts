import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { validatePath } from "./index";

const PKITS = path.resolve(import.meta.dirname, "../../../shared/testdata/certs/pkits");

/** Reached with docs/conformance.md's limits (no policy processing, no delta/partitioned CRLs, no DSA). */
const PKITS_FLOOR = 150;

describe("NIST PKITS (certificates and CRLs, default inputs)", () => {
  it(`agrees on at least ${PKITS_FLOOR} of the 203 tests with a policy-independent outcome`, async () => {
    const rows = readFileSync(path.join(PKITS, "expected-by-filename.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(","));
    const certFiles = readdirSync(path.join(PKITS, "certs"));
    const load = (dir: string, f: string) => new Uint8Array(readFileSync(path.join(PKITS, dir, f)));
    // Every non-EE certificate is offered as a candidate intermediate: path building must pick the right ones.
    const intermediates = certFiles.filter((f) => !f.endsWith("EE.crt") && f !== "TrustAnchorRootCertificate.crt").map((f) => load("certs", f));
    const crls = readdirSync(path.join(PKITS, "crls")).map((f) => load("crls", f));
    const anchor = load("certs", "TrustAnchorRootCertificate.crt");
    let agree = 0;
    let total = 0;
    const valid: string[] = [];
    for (const [ee, test, expected] of rows) {
      if (expected !== "VALID" && expected !== "INVALID") continue;
      total++;
      const r = await validatePath({ leaf: load("certs", ee!), intermediates, trustAnchors: [anchor], crls, at: new Date("2015-01-01Z") });
      if ((r.ok ? "VALID" : "INVALID") === expected) agree++;
      if (r.ok) valid.push(test!);
    }
    console.log("PKITS agreement", agree, "/", total);
    expect(total).toBe(203);
    expect(agree).toBeGreaterThanOrEqual(PKITS_FLOOR);
    // The classic attacks must always fail, whatever else changes.
    for (const t of ["CASignatureTest2", "EESignatureTest3", "CAnotBeforeDateTest1", "EEnotAfterDateTest6", "cAFalseTest2", "pathLenConstraintTest5", "RevokedEETest3", "DNnameConstraintsTest2"]) {
      expect(valid).not.toContain(t);
    }
    // And the plain valid paths must pass.
    for (const t of ["CertificatePathTest1", "pathLenConstraintTest7", "DNnameConstraintsTest1", "BasicSelfIssuedOldWithNewTest1"]) {
      expect(valid).toContain(t);
    }
  }, 120_000);
});
