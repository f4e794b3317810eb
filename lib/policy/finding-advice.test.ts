/**
 * Issue 16 item 4: findings in the order to fix them, and advice that fits the case — no
 * company-name fix on a public or refused root, no "renew now" for a certificate that is merely
 * short-lived, and a missing root named as such (with the issuer's subject) where the program
 * wants the root in the file.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_AT, mintCertificate, mintChain, type TestCert } from "../pki/testing/factory";
import { FINDING_CODES } from "../pki/findings";
import type { UploadedFile } from "../intake/types";
import { checkUpload, getExampleProgram, parseProgram, type Partner, type Program, type Verdict } from "./index";
import { categoryOf, FINDING_CATEGORIES, orderFindings } from "./finding-order";

const DAY = 86_400_000;
const at = DEFAULT_AT;
const enc = (s: string) => new TextEncoder().encode(s);
const pemFile = (name: string, ...certs: { pem: string }[]): UploadedFile => ({ name, bytes: enc(certs.map((c) => c.pem).join("")) });
const PARTNER: Partner = { companyName: "Acme Payments Ltd" };

const BASE = {
  id: "advice-test",
  version: 1,
  name: "Advice",
  description: "Test program",
  source: { provider: "Certdesk tests", document: "finding-advice.test.ts" },
  rules: {
    submission: { chain: "required", csr: "refused", csrPurposes: [] as string[], encodings: ["pem"], archive: "accepted" },
    issuance: "either",
    root: "required",
    keyAlgorithms: [{ algorithm: "RSA", minBits: 2048 }],
    leafValidityDays: { caIssued: { minDays: 91, maxDays: 1095 } } as Record<string, { minDays?: number; maxDays?: number }>,
    companyName: { leaf: true, selfSignedRoot: true },
    eku: "client-auth-if-present",
    refusedIssuers: [{ label: "Refused Corp", organizations: ["Refused Corp"], reason: "Refused Corp certificates are not accepted." }],
    psd2: { qwac: "never" },
    csrSubject: { required: [] as string[], optional: [] as string[] },
    revocation: "if-available",
    renewalLeadDays: 30,
    keyReuseAcrossEnvironments: "warning",
  },
  environments: [{ id: "production", label: "Production", production: true }],
};

function program(patch: (rules: (typeof BASE)["rules"]) => void = () => {}): Program {
  const copy = structuredClone(BASE);
  patch(copy.rules);
  return parseProgram(copy);
}

const byCode = (v: Verdict, code: string) => v.findings.filter((f) => f.code === code);

describe("orderFindings", () => {
  it("puts errors before warnings before info, then trust and format before field-level findings, keeping the order within a category", () => {
    const input = [
      { code: "REVOCATION_UNKNOWN", severity: "warning", n: 1 },
      { code: "SUBJECT_COMPANY_NAME", severity: "error", n: 2 },
      { code: "LEAF_EKU_CLIENT_AUTH", severity: "error", n: 3 },
      { code: "KEY_TOO_SMALL", severity: "error", n: 4 },
      { code: "TRUST_ISSUER_REFUSED", severity: "error", n: 5 },
      { code: "SUBJECT_COMPANY_NAME", severity: "info", n: 6 },
      { code: "FORMAT_NOT_PEM", severity: "error", n: 7 },
      { code: "CHAIN_INCOMPLETE", severity: "error", n: 8 },
      { code: "LEAF_EXPIRES_SOON", severity: "warning", n: 9 },
    ] as const;
    expect(orderFindings(input).map((f) => f.n)).toEqual([7, 5, 8, 4, 2, 3, 9, 1, 6]);
  });

  it("places every finding code in a category", () => {
    const ids = FINDING_CATEGORIES.map((c) => c.id as string);
    for (const code of FINDING_CODES) expect(ids, code).toContain(categoryOf(code));
    expect(categoryOf("TRUST_SELF_SIGNED_REFUSED")).toBe("trust");
    expect(categoryOf("SUBJECT_COMPANY_NAME")).toBe("fields");
  });
});

describe("advice that fits the case", () => {
  let root: TestCert;
  let ica: TestCert;
  let privateRoot: TestCert;

  beforeAll(async () => {
    const chain = await mintChain({ label: "advice" });
    root = chain.root;
    ica = chain.intermediates[0]!;
    privateRoot = await mintCertificate({ subject: "CN=Acme Payments Root CA, O=Acme Payments Ltd", ca: true, keyLabel: "advice:private-root" });
  });

  const leafOf = (issuer: TestCert, opts: { cn?: string; notBefore?: Date; notAfter?: Date; label?: string } = {}) =>
    mintCertificate({
      subject: `CN=${opts.cn ?? "Acme Payments Client"}, O=Acme Payments Ltd, C=GB`,
      issuer,
      keyLabel: `advice:leaf:${opts.label ?? opts.cn ?? "default"}`,
      ...(opts.notBefore ? { notBefore: opts.notBefore } : {}),
      ...(opts.notAfter ? { notAfter: opts.notAfter } : {}),
    });

  it("lists a refused issuer before the company name and other field-level errors", async () => {
    const refusedRoot = await mintCertificate({ subject: "CN=Refused Root CA, O=Refused Corp", ca: true, keyLabel: "advice:refused-root" });
    const leaf = await leafOf(refusedRoot, { cn: "client-01" });
    const v = await checkUpload({ files: [pemFile("chain.pem", leaf, refusedRoot)], program: program((r) => (r.issuance = "ca-issued")), partner: PARTNER, at, trustAnchors: [refusedRoot.pem] });
    const errors = v.findings.filter((f) => f.severity === "error").map((f) => f.code);
    expect(errors).toContain("SUBJECT_COMPANY_NAME");
    expect(errors[0]).toBe("TRUST_ISSUER_REFUSED");
    expect(errors.indexOf("TRUST_ISSUER_REFUSED")).toBeLessThan(errors.indexOf("SUBJECT_COMPANY_NAME"));
  });

  it("does not ask for a company name on a public root the program refuses (ISRG Root X1), but still on a private root", async () => {
    const le = "../shared/testdata/certs/real-chains/letsencrypt";
    const read = (f: string) => ({ name: f, bytes: new Uint8Array(readFileSync(path.resolve(import.meta.dirname, "../..", le, f))) });
    // The anchors are replaced (a private-CA program), so the chain ends in an uploaded root the program does not trust.
    const v = await checkUpload({
      files: [read("lets-encrypt-r3.pem"), read("isrgrootx1.pem")],
      program: getExampleProgram("self-signed-allowed")!,
      partner: { companyName: "Acme" },
      at: new Date("2025-01-01T00:00:00Z"),
      trustAnchors: [root.pem],
    });
    expect(v.findings[0]!.code).toBe("TRUST_ISSUER_REFUSED");
    const company = byCode(v, "SUBJECT_COMPANY_NAME");
    expect(company.map((f) => f.certificate?.position)).toEqual([0]); // the leaf (R3 here), never the root at position 1
    expect(v.findings.some((f) => /ISRG Root X1/.test(f.message) && f.code === "SUBJECT_COMPANY_NAME")).toBe(false);
    // Its lifetime is judged as a CA-issued chain's, not as if the partner had made ISRG Root X1.
    expect(byCode(v, "LEAF_VALIDITY_OUT_OF_RANGE")[0]?.message).toMatch(/ca-issued chain/);

    const leaf = await leafOf(privateRoot, { cn: "Acme Payments Client" });
    const other = await mintCertificate({ subject: "CN=Local Root CA, O=Acme Payments Ltd", ca: true, keyLabel: "advice:local-root" });
    const otherLeaf = await leafOf(other, { cn: "Acme Payments Client", label: "local" });
    expect(byCode(await checkUpload({ files: [pemFile("chain.pem", leaf, privateRoot)], program: program(), partner: PARTNER, at, trustAnchors: [root.pem] }), "SUBJECT_COMPANY_NAME")).toEqual([]);
    const own = byCode(await checkUpload({ files: [pemFile("chain.pem", otherLeaf, other)], program: program(), partner: PARTNER, at, trustAnchors: [root.pem] }), "SUBJECT_COMPANY_NAME");
    expect(own.map((f) => f.certificate?.position)).toEqual([1]);
  });

  describe("expiry advice", () => {
    const run = async (leaf: TestCert, p: Program) => {
      const v = await checkUpload({ files: [pemFile("chain.pem", leaf, ica, root)], program: p, partner: PARTNER, at, trustAnchors: [root.pem] });
      return byCode(v, "LEAF_EXPIRES_SOON")[0]!;
    };

    it("tells a certificate issued today that is too short for the program to get a longer validity, not to renew now", async () => {
      const leaf = await leafOf(ica, { label: "short-61", notBefore: at, notAfter: new Date(at.getTime() + 61 * DAY) });
      const f = await run(leaf, program());
      expect(f.severity).toBe("warning");
      expect(f.message).toContain("valid for 61 days in total");
      expect(f.message).not.toMatch(/renew now|Urgent/i);
      expect(f.fix).not.toMatch(/renew now/i);
      expect(f.fix).toContain("at least 91 days");
    });

    it("calls a short-lived certificate the program accepts short-lived, with the date to plan its replacement by", async () => {
      const leaf = await leafOf(ica, { label: "short-61", notBefore: at, notAfter: new Date(at.getTime() + 61 * DAY) });
      const f = await run(leaf, program((r) => (r.leafValidityDays = {})));
      expect(f.message).toMatch(/is short-lived: valid for 61 days in total/);
      expect(f.fix).toMatch(/^Nothing to do today: plan its replacement by 2026-02-01/);
      expect(f.fix).not.toMatch(/renew now/i);
    });

    it("asks for a longer validity when the whole lifetime is within the renewal lead time", async () => {
      const leaf = await leafOf(ica, { label: "short-20", notBefore: at, notAfter: new Date(at.getTime() + 20 * DAY) });
      const f = await run(leaf, program((r) => (r.leafValidityDays = {})));
      expect(f.message).not.toMatch(/Urgent/);
      expect(f.fix).toMatch(/^Ask your CA for a longer validity/);
    });

    it("still says renew now to a certificate at the end of an ordinary lifetime, and plan the renewal earlier", async () => {
      const old = await leafOf(ica, { label: "old-20", notBefore: new Date(at.getTime() - 345 * DAY), notAfter: new Date(at.getTime() + 20 * DAY) });
      const urgent = await run(old, program());
      expect(urgent.message).toMatch(/^Urgent: /);
      expect(urgent.fix).toMatch(/^Renew now/);
      const older = await leafOf(ica, { label: "old-60", notBefore: new Date(at.getTime() - 305 * DAY), notAfter: new Date(at.getTime() + 60 * DAY) });
      const plan = await run(older, program());
      expect(plan.message).toContain("plan renewal");
      expect(plan.fix).toBe("Plan the renewal: upload the new chain by 2026-01-31 (30 days before expiry) so both overlap before the old one expires.");
    });
  });

  describe("a missing root under a program that requires it", () => {
    it("says the root (or an intermediate) is missing and names the issuer's subject when a private CA's root was forgotten", async () => {
      const leaf = await leafOf(privateRoot, { label: "private-leaf-only" });
      const v = await checkUpload({ files: [pemFile("client.pem", leaf)], program: program(), partner: PARTNER, at, trustAnchors: [root.pem] });
      const [f] = byCode(v, "CHAIN_INCOMPLETE");
      expect(f?.severity).toBe("error");
      expect(f?.message).toContain("The root certificate (or an intermediate CA) is missing");
      expect(f?.message).toContain('"CN=Acme Payments Root CA, O=Acme Payments Ltd"');
      expect(f?.fix).toContain('Add the certificate whose subject is "CN=Acme Payments Root CA, O=Acme Payments Ltd"');
      expect(`${f?.message} ${f?.fix}`).not.toMatch(/missing intermediate|Add the intermediate/);
    });

    it("names the issuer of the top certificate when the leaf and intermediate came without the root", async () => {
      const leaf = await leafOf(ica, { label: "no-root" });
      const v = await checkUpload({ files: [pemFile("chain.pem", leaf, ica)], program: program(), partner: PARTNER, at, trustAnchors: [privateRoot.pem] });
      const [f] = byCode(v, "CHAIN_INCOMPLETE");
      expect(f?.message).toContain(`the top certificate of the upload, "advice Test Issuing CA 1", is issued by "${"CN=advice Test Root CA, O=Certdesk Test"}"`);
    });

    it("keeps the intermediate advice where the root is optional", async () => {
      const leaf = await leafOf(privateRoot, { label: "private-leaf-only" });
      const v = await checkUpload({ files: [pemFile("client.pem", leaf)], program: program((r) => (r.root = "optional")), partner: PARTNER, at, trustAnchors: [root.pem] });
      const [f] = byCode(v, "CHAIN_INCOMPLETE");
      expect(f?.message).not.toContain("The root certificate (or an intermediate CA) is missing");
      expect(f?.fix).toMatch(/intermediate/);
    });
  });
});
