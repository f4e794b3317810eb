/**
 * Every rule code lib/policy emits fires on an upload minted to break exactly that rule,
 * and stays quiet on its conforming twin (same program, same partner, same time).
 */
import { beforeAll, describe, expect, it } from "vitest";
import JSZip from "jszip";
import type { FindingCode } from "../pki/findings";
import { DEFAULT_AT, EKU, Extension, KeyUsageFlags, mintChain, mintCertificate, mintCrl, mintCsr, qcStatementsExtension, type TestCert } from "../pki/testing/factory";
import type { IntakeResult, UploadedFile } from "../intake/types";
import { checkUpload, evaluateUpload, parseProgram, type Partner, type Program, type Verdict } from "./index";

const DAY = 86_400_000;
const at = DEFAULT_AT;
const enc = (s: string) => new TextEncoder().encode(s);
const pemFile = (name: string, ...certs: { pem: string }[]): UploadedFile => ({ name, bytes: enc(certs.map((c) => c.pem).join("")) });

/** A program with every rule switched on, CA-issued, root required. Cases tweak it. */
const STRICT = {
  id: "rules-test",
  version: 1,
  name: "Every rule on",
  description: "Test program",
  source: { provider: "Certdesk tests", document: "rules.test.ts" },
  rules: {
    submission: { chain: "required", csr: "optional", csrPurposes: [] as string[], encodings: ["pem"], archive: "accepted" },
    issuance: "ca-issued",
    root: "required",
    keyAlgorithms: [
      { algorithm: "RSA", minBits: 2048, expectedBits: 2048 },
      { algorithm: "EC", curves: ["P-256"] },
    ],
    leafValidityDays: { caIssued: { minDays: 91, maxDays: 1095 }, selfSigned: { minDays: 365, maxDays: 1095 } },
    companyName: { leaf: true, selfSignedRoot: true },
    eku: "client-auth-if-present",
    refusedIssuers: [{ label: "Let's Encrypt", organizations: ["Let's Encrypt"], reason: "Short-lived certificates." }],
    psd2: { qwac: "when-partner-has-roles" },
    csrSubject: { required: ["C", "ST", "L", "O", "CN", "emailAddress"], optional: ["OU"] },
    revocation: "if-available",
    renewalLeadDays: 30,
    keyReuseAcrossEnvironments: "warning",
  },
  environments: [{ id: "production", label: "Production", production: true }],
};

function program(patch: (rules: (typeof STRICT)["rules"]) => void = () => {}): Program {
  const copy = structuredClone(STRICT);
  patch(copy.rules);
  return parseProgram(copy);
}

const PARTNER: Partner = { companyName: "Acme Payments Ltd" };

type Upload = {
  files: UploadedFile[];
  program?: Program;
  partner?: Partner;
  anchors?: string[];
  crls?: string[];
  at?: Date;
};

let pki: { root: TestCert; intermediates: TestCert[]; leaf: TestCert };
let ica: TestCert;

async function run(u: Upload): Promise<Verdict> {
  return checkUpload({
    files: u.files,
    program: u.program ?? program(),
    partner: u.partner ?? PARTNER,
    at: u.at ?? at,
    trustAnchors: u.anchors ?? [pki.root.pem],
    ...(u.crls ? { crls: u.crls } : {}),
  });
}

const codes = (v: Verdict) => v.findings.map((f) => f.code);

async function leafWith(opts: Omit<Parameters<typeof mintCertificate>[0], "issuer">): Promise<TestCert> {
  return mintCertificate({ issuer: ica, ...opts });
}

async function zipOf(files: Record<string, string>): Promise<Uint8Array> {
  const zip = new JSZip();
  for (const [name, text] of Object.entries(files)) zip.file(name, text);
  return zip.generateAsync({ type: "uint8array" });
}

beforeAll(async () => {
  pki = await mintChain({ label: "rules", leafSubject: "CN=Acme Payments Client, O=Acme Payments Ltd, C=GB" });
  ica = pki.intermediates[0]!;
});

const good = (): Upload => ({ files: [pemFile("chain.pem", pki.leaf, ica, pki.root)] });

describe("the conforming upload", () => {
  it("is accepted with no finding at all under the strict program", async () => {
    const v = await run(good());
    expect(v.findings).toEqual([]);
    expect(v.verdict).toBe("accepted");
    expect(v.chain.map((e) => [e.role, e.position])).toEqual([
      ["leaf", 0],
      ["intermediate", 1],
      ["root", 2],
    ]);
    expect(v.correctedPem).toBeUndefined();
  });
});

type Case = {
  code: FindingCode;
  severity?: "error" | "warning" | "info";
  /** The twin that must stay quiet (default: the conforming upload). */
  good?: () => Promise<Upload> | Upload;
  bad: () => Promise<Upload>;
  /** Extra checks on the failing verdict. */
  also?: (v: Verdict) => void;
};

const CASES: Case[] = [
  {
    code: "FORMAT_NOT_PEM",
    bad: async () => ({ files: [{ name: "leaf.der", bytes: pki.leaf.der }, pemFile("rest.pem", ica, pki.root)] }),
    also: (v) => {
      expect(v.findings.find((f) => f.code === "FORMAT_NOT_PEM")!.fix).toContain("openssl x509 -inform DER");
      // Everything else was fine: Certdesk hands back the PEM version.
      expect(v.correctedPem).toContain("-----BEGIN CERTIFICATE-----");
    },
  },
  {
    code: "FORMAT_NOT_ACCEPTED",
    good: async () => ({ files: [{ name: "chain.zip", bytes: await zipOf({ "chain.pem": pki.leaf.pem + ica.pem + pki.root.pem }) }], program: program((r) => (r.submission.archive = "required")) }),
    bad: async () => ({ files: [pemFile("chain.pem", pki.leaf, ica, pki.root)], program: program((r) => (r.submission.archive = "required")) }),
  },
  {
    code: "DUPLICATE_CERTIFICATE",
    severity: "warning",
    bad: async () => ({ files: [pemFile("chain.pem", pki.leaf, ica, ica, pki.root)] }),
    also: (v) => {
      expect(v.findings.find((f) => f.code === "DUPLICATE_CERTIFICATE")!.certificate!.position).toBe(2);
      expect(v.correctedPem).toBe(pki.leaf.pem + ica.pem + pki.root.pem);
    },
  },
  {
    code: "UNRELATED_CERTIFICATE",
    bad: async () => {
      const other = await mintChain({ label: "other" });
      return { files: [pemFile("chain.pem", pki.leaf, ica, pki.root, other.intermediates[0]!)] };
    },
    also: (v) => expect(v.correctedPem).toBeUndefined(),
  },
  {
    code: "CHAIN_ORDER",
    bad: async () => ({ files: [pemFile("chain.pem", pki.root, ica, pki.leaf)] }),
    also: (v) => {
      expect(v.correctedPem).toBe(pki.leaf.pem + ica.pem + pki.root.pem);
      expect(v.chain.map((e) => e.role)).toEqual(["leaf", "intermediate", "root"]);
    },
  },
  {
    code: "CHAIN_INCOMPLETE",
    bad: async () => ({ files: [pemFile("chain.pem", pki.leaf, pki.root)] }),
    also: (v) => expect(codes(v)).not.toContain("UNRELATED_CERTIFICATE"),
  },
  {
    code: "CHAIN_ROOT_MISSING",
    bad: async () => ({ files: [pemFile("chain.pem", pki.leaf, ica)] }),
    also: (v) => expect(v.findings.find((f) => f.code === "CHAIN_ROOT_MISSING")!.message).toContain("rules Test Root CA"),
  },
  {
    code: "CHAIN_ROOT_INCLUDED",
    good: () => ({ files: [pemFile("chain.pem", pki.leaf, ica)], program: program((r) => (r.root = "refused")) }),
    bad: async () => ({ files: [pemFile("chain.pem", pki.leaf, ica, pki.root)], program: program((r) => (r.root = "refused")) }),
  },
  {
    code: "CHAIN_MULTIPLE_LEAVES",
    bad: async () => {
      const second = await leafWith({ subject: "CN=Acme Payments Second, O=Acme Payments Ltd", keyLabel: "second-leaf" });
      return { files: [pemFile("chain.pem", pki.leaf, second, ica, pki.root)] };
    },
  },
  {
    code: "CHAIN_NO_LEAF",
    bad: async () => ({ files: [pemFile("chain.pem", ica, pki.root)] }),
  },
  {
    code: "CHAIN_SIGNATURE_INVALID",
    bad: async () => ({ files: [pemFile("chain.pem", await leafWith({ subject: "CN=Acme Payments Forged, O=Acme Payments Ltd", corruptSignature: true }), ica, pki.root)] }),
    also: (v) => expect(v.findings.find((f) => f.code === "CHAIN_SIGNATURE_INVALID")!.certificate).toMatchObject({ position: 0, source: "chain.pem" }),
  },
  {
    code: "TRUST_SELF_SIGNED_REFUSED",
    bad: async () => {
      const stranger = await mintChain({ label: "stranger" });
      // The program trusts only the stranger's root: our chain ends in a private self-signed root.
      return { files: [pemFile("chain.pem", pki.leaf, ica, pki.root)], anchors: [stranger.root.pem] };
    },
    also: (v) => expect(codes(v)).not.toContain("CHAIN_INCOMPLETE"),
  },
  {
    code: "TRUST_UNTRUSTED_ROOT",
    good: () => ({ files: [pemFile("chain.pem", pki.leaf, ica, pki.root)], program: program((r) => (r.issuance = "self-signed")), anchors: [], partner: {} }),
    bad: async () => ({ files: [pemFile("chain.pem", pki.leaf, ica, pki.root)], program: program((r) => (r.issuance = "self-signed")) }),
  },
  {
    code: "TRUST_ISSUER_REFUSED",
    bad: async () => {
      const le = await mintCertificate({ subject: "CN=R11, O=Let's Encrypt, C=US", issuer: pki.root, ca: true, keyLabel: "le-r11" });
      const leaf = await mintCertificate({ subject: "CN=Acme Payments LE, O=Acme Payments Ltd", issuer: le, keyLabel: "le-leaf" });
      return { files: [pemFile("chain.pem", leaf, le, pki.root)] };
    },
    also: (v) => expect(v.findings.find((f) => f.code === "TRUST_ISSUER_REFUSED")!.message).toContain("Let's Encrypt"),
  },
  {
    code: "SELF_SIGNED_ROLES_MIXED",
    good: async () => {
      const root = await mintCertificate({ subject: "CN=Acme Payments Root CA, O=Acme Payments Ltd", ca: true, keyLabel: "acme-ss-root" });
      const leaf = await mintCertificate({ subject: "CN=Acme Payments-ConnectPay, O=Acme Payments Ltd", issuer: root, keyLabel: "acme-ss-leaf" });
      return { files: [pemFile("chain.pem", leaf, root)], program: program((r) => (r.issuance = "either")), anchors: [] };
    },
    bad: async () => {
      const both = await mintCertificate({ subject: "CN=Acme Payments All-in-one, O=Acme Payments Ltd", ca: true, extendedKeyUsage: [EKU.clientAuth], keyLabel: "acme-mixed" });
      return { files: [pemFile("client.pem", both)], program: program((r) => (r.issuance = "either")), anchors: [] };
    },
    also: (v) => expect(codes(v)).not.toContain("LEAF_IS_CA"),
  },
  {
    code: "LEAF_EXPIRED",
    bad: async () => ({
      files: [pemFile("chain.pem", await leafWith({ subject: "CN=Acme Payments Old, O=Acme Payments Ltd", notBefore: new Date(at.getTime() - 400 * DAY), notAfter: new Date(at.getTime() - 10 * DAY) }), ica, pki.root)],
    }),
    // One problem, one finding: pki's CHAIN_CERT_EXPIRED for the leaf is folded into LEAF_EXPIRED.
    also: (v) => expect(codes(v)).not.toContain("CHAIN_CERT_EXPIRED"),
  },
  {
    code: "LEAF_NOT_YET_VALID",
    bad: async () => ({
      files: [pemFile("chain.pem", await leafWith({ subject: "CN=Acme Payments Future, O=Acme Payments Ltd", notBefore: new Date(at.getTime() + 10 * DAY), notAfter: new Date(at.getTime() + 375 * DAY) }), ica, pki.root)],
    }),
    also: (v) => expect(codes(v)).not.toContain("CHAIN_CERT_NOT_YET_VALID"),
  },
  {
    code: "LEAF_EXPIRES_SOON",
    severity: "warning",
    bad: async () => ({
      files: [pemFile("chain.pem", await leafWith({ subject: "CN=Acme Payments Soon, O=Acme Payments Ltd", notBefore: new Date(at.getTime() - 345 * DAY), notAfter: new Date(at.getTime() + 20 * DAY) }), ica, pki.root)],
    }),
    also: (v) => {
      expect(v.verdict).toBe("accepted");
      expect(v.findings.find((f) => f.code === "LEAF_EXPIRES_SOON")!.message).toMatch(/^Urgent: .*in 20 days/);
    },
  },
  {
    code: "LEAF_VALIDITY_OUT_OF_RANGE",
    bad: async () => ({
      files: [pemFile("chain.pem", await leafWith({ subject: "CN=Acme Payments ACME, O=Acme Payments Ltd", notBefore: new Date(at.getTime() - 10 * DAY), notAfter: new Date(at.getTime() + 80 * DAY) }), ica, pki.root)],
    }),
    also: (v) => expect(v.findings.find((f) => f.code === "LEAF_VALIDITY_OUT_OF_RANGE")!.message).toContain("valid for 90 days"),
  },
  {
    code: "LEAF_EKU_CLIENT_AUTH",
    bad: async () => ({ files: [pemFile("chain.pem", await leafWith({ subject: "CN=Acme Payments Server, O=Acme Payments Ltd", extendedKeyUsage: [EKU.serverAuth] }), ica, pki.root)] }),
    also: (v) => expect(codes(v)).not.toContain("CHAIN_EKU"),
  },
  {
    code: "LEAF_KEY_USAGE",
    bad: async () => ({ files: [pemFile("chain.pem", await leafWith({ subject: "CN=Acme Payments KU, O=Acme Payments Ltd", keyUsage: KeyUsageFlags.keyEncipherment }), ica, pki.root)] }),
  },
  {
    code: "LEAF_IS_CA",
    bad: async () => ({ files: [pemFile("chain.pem", await leafWith({ subject: "CN=Acme Payments CA Client, O=Acme Payments Ltd", ca: true, extendedKeyUsage: [EKU.clientAuth] }), ica, pki.root)] }),
  },
  {
    code: "KEY_ALGORITHM_NOT_ALLOWED",
    bad: async () => ({ files: [pemFile("chain.pem", await leafWith({ subject: "CN=Acme Payments P384, O=Acme Payments Ltd", keys: { algorithm: "EC", curve: "P-384" } }), ica, pki.root)] }),
    also: (v) => expect(v.findings.find((f) => f.code === "KEY_ALGORITHM_NOT_ALLOWED")!.message).toContain("P-384"),
  },
  {
    code: "KEY_TOO_SMALL",
    bad: async () => ({ files: [pemFile("chain.pem", await leafWith({ subject: "CN=Acme Payments Weak, O=Acme Payments Ltd", keys: { algorithm: "RSA", size: 1024 } }), ica, pki.root)] }),
    also: (v) => expect(v.findings.find((f) => f.code === "KEY_TOO_SMALL")!.message).toContain("RSA 1024-bit"),
  },
  {
    code: "KEY_SIZE_UNEXPECTED",
    severity: "warning",
    bad: async () => ({ files: [pemFile("chain.pem", await leafWith({ subject: "CN=Acme Payments Big, O=Acme Payments Ltd", keys: { algorithm: "RSA", size: 4096 } }), ica, pki.root)] }),
    also: (v) => expect(v.verdict).toBe("accepted"),
  },
  {
    code: "SIGNATURE_ALGORITHM_WEAK",
    bad: async () => ({ files: [pemFile("chain.pem", await leafWith({ subject: "CN=Acme Payments SHA1, O=Acme Payments Ltd", signatureHash: "SHA-1" }), ica, pki.root)] }),
  },
  {
    code: "SUBJECT_COMPANY_NAME",
    bad: async () => ({ files: [pemFile("chain.pem", await leafWith({ subject: "CN=Globex Client, O=Globex" }), ica, pki.root)] }),
    also: (v) => expect(v.findings.find((f) => f.code === "SUBJECT_COMPANY_NAME")!.message).toContain('"Acme Payments Ltd"'),
  },
  {
    code: "PSD2_QWAC_REQUIRED",
    good: async () => ({
      files: [
        pemFile(
          "chain.pem",
          await leafWith({
            subject: "CN=Acme Payments QWAC, O=Acme Payments Ltd, 2.5.4.97=PSDGB-FCA-123456",
            extensions: [qcStatementsExtension({ roles: ["PSP_AI", "PSP_PI"], ncaName: "Financial Conduct Authority", ncaId: "GB-FCA" })],
          }),
          ica,
          pki.root,
        ),
      ],
      partner: { ...PARTNER, psd2Roles: ["PSP_AI"], organizationIdentifier: "PSDGB-FCA-123456" },
    }),
    bad: async () => ({ files: [pemFile("chain.pem", pki.leaf, ica, pki.root)], partner: { ...PARTNER, psd2Roles: ["PSP_AI"] } }),
  },
  {
    code: "REVOKED",
    good: async () => ({ files: [pemFile("chain.pem", pki.leaf, ica, pki.root)], crls: [await crl(ica), await crl(pki.root)] }),
    bad: async () => ({
      files: [pemFile("chain.pem", pki.leaf, ica, pki.root)],
      crls: [await crl(ica, pki.leaf.cert.serialNumber), await crl(pki.root)],
    }),
  },
  {
    code: "REVOCATION_UNKNOWN",
    severity: "warning",
    good: async () => ({
      files: [pemFile("chain.pem", pki.leaf, ica, pki.root)],
      program: program((r) => (r.revocation = "required")),
      crls: [await crl(ica), await crl(pki.root)],
    }),
    bad: async () => ({ files: [pemFile("chain.pem", pki.leaf, ica, pki.root)], program: program((r) => (r.revocation = "required")) }),
  },
  {
    code: "CSR_SIGNATURE_INVALID",
    good: async () => ({ files: [pemFile("chain.pem", pki.leaf, ica, pki.root), pemFile("client.csr", await csrFor(pki.leaf))] }),
    bad: async () => ({ files: [pemFile("chain.pem", pki.leaf, ica, pki.root), pemFile("client.csr", await csrFor(pki.leaf, { corruptSignature: true }))] }),
  },
  {
    code: "CSR_SUBJECT_FIELD",
    good: async () => ({ files: [pemFile("chain.pem", pki.leaf, ica, pki.root), pemFile("client.csr", await csrFor(pki.leaf))] }),
    bad: async () => ({
      files: [pemFile("chain.pem", pki.leaf, ica, pki.root), pemFile("client.csr", await csrFor(pki.leaf, { subject: "CN=api.acme.example, O=Acme Payments Ltd, C=France, ST=IdF, E=it@acme.example" }))],
    }),
    also: (v) => {
      const m = v.findings.find((f) => f.code === "CSR_SUBJECT_FIELD")!.message;
      expect(m).toContain("L is missing");
      expect(m).toContain('C "France" is not a two-letter country code');
    },
  },
  {
    code: "CSR_KEY_MISMATCH",
    good: async () => ({ files: [pemFile("chain.pem", pki.leaf, ica, pki.root), pemFile("client.csr", await csrFor(pki.leaf))] }),
    bad: async () => ({ files: [pemFile("chain.pem", pki.leaf, ica, pki.root), pemFile("client.csr", await mintCsr({ subject: FULL_SUBJECT, keyLabel: "someone-else" }))] }),
  },
  {
    code: "CSR_MISSING",
    good: async () => csrProgramUpload([await mintCsr({ subject: FULL_SUBJECT, keyLabel: "csr-a" }), await mintCsr({ subject: FULL_SUBJECT, keyLabel: "csr-b" })]),
    bad: async () => csrProgramUpload([await mintCsr({ subject: FULL_SUBJECT, keyLabel: "csr-a" })]),
    also: (v) => expect(v.findings.find((f) => f.code === "CSR_MISSING")!.message).toContain("Missing: signature"),
  },
  {
    code: "KEY_REUSED_ACROSS_PURPOSES",
    good: async () => csrProgramUpload([await mintCsr({ subject: FULL_SUBJECT, keyLabel: "csr-a" }), await mintCsr({ subject: FULL_SUBJECT, keyLabel: "csr-b" })]),
    bad: async () => {
      const a = await mintCsr({ subject: FULL_SUBJECT, keyLabel: "csr-a" });
      return csrProgramUpload([a, await mintCsr({ subject: "CN=sign.acme.example, O=Acme Payments Ltd, C=FR, ST=IdF, L=Paris, E=it@acme.example", keys: a.keys })]);
    },
  },
];

/** A CRL with the cRLNumber RFC 5280 requires (INTEGER 1), optionally revoking one serial. */
async function crl(issuer: TestCert, revokedSerial?: string): Promise<string> {
  const crlNumber = new Extension("2.5.29.20", false, Uint8Array.from([0x02, 0x01, 0x01]));
  return (await mintCrl({ issuer, extensions: [crlNumber], ...(revokedSerial ? { revoked: [{ serialNumber: revokedSerial }] } : {}) })).pem;
}

const FULL_SUBJECT = "CN=api.acme.example, O=Acme Payments Ltd, C=FR, ST=IdF, L=Paris, E=it@acme.example";

function csrFor(cert: TestCert, opts: { subject?: string; corruptSignature?: boolean } = {}) {
  return mintCsr({ subject: opts.subject ?? FULL_SUBJECT, keys: cert.keys, ...(opts.corruptSignature ? { corruptSignature: true } : {}) });
}

function csrProgramUpload(csrs: { pem: string }[]): Upload {
  return {
    files: csrs.map((c, i) => pemFile(`acme_csr_${i === 0 ? "mtls" : "signature"}.pem`, c)),
    program: program((r) => {
      r.submission.chain = "refused";
      r.submission.csr = "required";
      r.submission.csrPurposes = ["mtls", "signature"];
    }),
  };
}

describe("each rule fires on exactly its defect and stays quiet on the conforming twin", () => {
  for (const c of CASES) {
    it(c.code, async () => {
      const bad = await run(await c.bad());
      const hit = bad.findings.filter((f) => f.code === c.code);
      expect(hit.length, `${c.code} missing; got ${codes(bad).join(", ")}`).toBe(1);
      expect(hit[0]!.severity).toBe(c.severity ?? "error");
      expect(hit[0]!.message.length).toBeGreaterThan(20);
      if ((c.severity ?? "error") === "error") expect(bad.verdict).toBe("rejected");
      c.also?.(bad);

      const twin = await run(await (c.good ?? good)());
      expect(codes(twin), `${c.code} twin`).not.toContain(c.code);
      expect(twin.verdict).toBe("accepted");
    });
  }
});

describe("engine edges", () => {
  it("turns an unreadable item into CERTIFICATE_MALFORMED instead of throwing", async () => {
    const intake: IntakeResult = {
      items: [{ kind: "certificate", der: Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x01]), source: { file: "x.pem", format: "pem", index: 0 } }],
      findings: [],
      refused: false,
      formats: ["pem"],
    };
    const v = await evaluateUpload({ program: program(), intake, at, trustAnchors: [pki.root.pem] });
    expect(v.verdict).toBe("rejected");
    expect(codes(v)).toContain("CERTIFICATE_MALFORMED");
    expect(v.findings.find((f) => f.code === "CERTIFICATE_MALFORMED")!.certificate).toMatchObject({ position: 0, source: "x.pem" });
  });

  it("reports the not-urgent expiry window without the urgent wording", async () => {
    const leaf = await leafWith({ subject: "CN=Acme Payments Sixty, O=Acme Payments Ltd", notBefore: new Date(at.getTime() - 300 * DAY), notAfter: new Date(at.getTime() + 60 * DAY) });
    const v = await run({ files: [pemFile("chain.pem", leaf, ica, pki.root)] });
    const f = v.findings.find((x) => x.code === "LEAF_EXPIRES_SOON")!;
    expect(f.message).not.toMatch(/Urgent/);
    expect(f.message).toContain("in 60 days");
  });

  it("gives the chain with days remaining and fingerprints", async () => {
    const v = await run(good());
    expect(v.chain[0]!.daysRemaining).toBe(335);
    expect(v.chain[0]!.details.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(v.program).toEqual({ id: "rules-test", version: 1 });
  });

  it("does not check order across separate files", async () => {
    const v = await run({ files: [pemFile("root.pem", pki.root), pemFile("ica.pem", ica), pemFile("leaf.pem", pki.leaf)] });
    expect(v.findings).toEqual([]);
  });

  it("checks a company name with punctuation, case and legal form folded", async () => {
    const leaf = await leafWith({ subject: "CN=ACME-PAYMENTS-ConnectPay, O=Acme" });
    const v = await run({ files: [pemFile("chain.pem", leaf, ica, pki.root)], partner: { companyName: "Acme Payments, UAB" } });
    expect(codes(v)).not.toContain("SUBJECT_COMPANY_NAME");
  });

  it("does not take the partner's own organisation for a refused CA", async () => {
    const leaf = await leafWith({ subject: "CN=Acme Payments Client, O=Let's Encrypt Fan Club" });
    const v = await run({ files: [pemFile("chain.pem", leaf, ica, pki.root)], program: program((r) => (r.refusedIssuers[0]!.organizations = ["Let's Encrypt Fan Club"])) });
    expect(codes(v)).not.toContain("TRUST_ISSUER_REFUSED");
  });

  it("never throws from checkUpload on garbage", async () => {
    const v = await checkUpload({ files: [{ name: "junk.bin", bytes: Uint8Array.from([0x30, 0x82, 0xff, 0xff, 1, 2, 3]) }], program: program(), at });
    expect(v.verdict).toBe("rejected");
    expect(v.findings.length).toBeGreaterThan(0);
  });
});
