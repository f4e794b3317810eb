/**
 * Each example program accepts a submission that follows its provider text and refuses
 * the text's own counter-examples. Test roots stand in for public CAs by being injected
 * as the only trust anchors; "self-signed" cases run against Node's real public roots.
 */
import { beforeAll, describe, expect, it } from "vitest";
import JSZip from "jszip";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { rootCertificates } from "node:tls";
import { matchesRefusedIssuer } from "./evaluate";
import { viewCertificate } from "./inspect";
import { DEFAULT_AT, mintChain, mintCertificate, mintCsr, EKU, type TestCert } from "../pki/testing/factory";
import type { UploadedFile } from "../intake/types";
import {
  EXAMPLE_PROGRAMS,
  approvalsRequired,
  checkUpload,
  getExampleProgram,
  parseProgram,
  ProgramError,
  type Partner,
  type Verdict,
} from "./index";

const DAY = 86_400_000;
const at = DEFAULT_AT;
const enc = (s: string) => new TextEncoder().encode(s);
const pemFile = (name: string, ...items: { pem: string }[]): UploadedFile => ({ name, bytes: enc(items.map((c) => c.pem).join("")) });
const codes = (v: Verdict) => v.findings.map((f) => f.code);
const errors = (v: Verdict) => v.findings.filter((f) => f.severity === "error").map((f) => f.code);

function check(id: string, files: UploadedFile[], opts: { anchors?: string[]; partner?: Partner } = {}): Promise<Verdict> {
  return checkUpload({ files, program: getExampleProgram(id)!, at, ...(opts.partner ? { partner: opts.partner } : {}), ...(opts.anchors ? { trustAnchors: opts.anchors } : {}) });
}

let ca: { root: TestCert; intermediates: TestCert[]; leaf: TestCert };
let ica: TestCert;

beforeAll(async () => {
  ca = await mintChain({ label: "public-ca", leafSubject: "CN=Acme Payments Client, O=Acme Payments Ltd, C=GB" });
  ica = ca.intermediates[0]!;
});

describe("program files", () => {
  it("ships exactly the four example programs, each with its reading notes", () => {
    expect(EXAMPLE_PROGRAMS.map((p) => p.id)).toEqual(["ca-chain", "self-signed-allowed", "s2s-zip", "provider-ca-csr"]);
    for (const p of EXAMPLE_PROGRAMS) {
      expect(p.notes.length).toBeGreaterThanOrEqual(5);
      expect(p.source.document).toMatch(/^00[0-3]_/);
    }
    expect(getExampleProgram("nope")).toBeUndefined();
  });

  it("names every bad field of an invalid program at once", () => {
    const broken = { ...structuredClone(getExampleProgram("ca-chain")!), id: "Bad Id", version: 0 } as Record<string, unknown>;
    (broken.rules as Record<string, unknown>).root = "sometimes";
    (broken.rules as Record<string, unknown>).keyAlgorithms = [{ algorithm: "DSA" }];
    try {
      parseProgram(broken);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ProgramError);
      const msg = (e as ProgramError).message;
      for (const field of ["id", "version", "rules.root", "rules.keyAlgorithms.0.algorithm"]) expect(msg).toContain(`- ${field}:`);
      expect((e as ProgramError).issues.length).toBeGreaterThanOrEqual(4);
    }
    expect(() => parseProgram("{not json")).toThrow(/not valid JSON/);
  });

  it("needs two approvals in production and one elsewhere unless the environment says otherwise", () => {
    const p = getExampleProgram("s2s-zip")!;
    expect(approvalsRequired(p, "production")).toBe(2);
    expect(approvalsRequired(p, "stage")).toBe(1);
  });
});

describe("ca-chain (000 KeyBank)", () => {
  it("accepts a CA-issued chain with or without the root, and with the CSR of the leaf's key", async () => {
    const withRoot = await check("ca-chain", [pemFile("client_chain.pem", ca.leaf, ica, ca.root)], { anchors: [ca.root.pem] });
    expect(withRoot.findings).toEqual([]);
    const noRoot = await check("ca-chain", [pemFile("client_chain.crt", ca.leaf, ica)], { anchors: [ca.root.pem] });
    expect(noRoot.verdict).toBe("accepted");
    expect(noRoot.chain.map((e) => [e.role, e.position])).toEqual([["leaf", 0], ["intermediate", 1], ["root", null]]);
    const csr = await mintCsr({ subject: "CN=Acme Payments Client, O=Acme Payments Ltd", keys: ca.leaf.keys });
    const withCsr = await check("ca-chain", [pemFile("client_chain.pem", ca.leaf, ica), pemFile("client.csr", csr)], { anchors: [ca.root.pem] });
    expect(withCsr.verdict).toBe("accepted");
  });

  it("refuses self-signed certificates", async () => {
    // Against the real public roots, the test root is just somebody's self-signed CA.
    const privateCa = await check("ca-chain", [pemFile("client_chain.pem", ca.leaf, ica, ca.root)]);
    expect(errors(privateCa)).toEqual(["TRUST_SELF_SIGNED_REFUSED"]);
    const lone = await mintCertificate({ subject: "CN=Acme Payments Self, O=Acme Payments Ltd", keyLabel: "lone" });
    expect(errors(await check("ca-chain", [pemFile("client.pem", lone)]))).toEqual(["TRUST_SELF_SIGNED_REFUSED"]);
  });

  it("refuses a chain in the wrong order and offers the corrected file", async () => {
    const v = await check("ca-chain", [pemFile("client_chain.pem", ica, ca.leaf, ca.root)], { anchors: [ca.root.pem] });
    expect(errors(v)).toEqual(["CHAIN_ORDER"]);
    expect(v.correctedPem).toBe(ca.leaf.pem + ica.pem + ca.root.pem);
  });

  it("still checks the CSR sent with a misordered chain", async () => {
    const stranger = await mintCsr({ subject: "CN=Acme Payments Client, O=Acme Payments Ltd", keyLabel: "stranger-key" });
    const v = await check("ca-chain", [pemFile("client_chain.pem", ica, ca.leaf), pemFile("client.csr", stranger)], { anchors: [ca.root.pem] });
    expect(errors(v)).toEqual(["CHAIN_ORDER", "CSR_KEY_MISMATCH"]);
    expect(v.correctedPem).toBe(ca.leaf.pem + ica.pem);
  });

  it("refuses a chain missing its intermediate", async () => {
    const v = await check("ca-chain", [pemFile("client_chain.pem", ca.leaf, ca.root)], { anchors: [ca.root.pem] });
    expect(errors(v)).toEqual(["CHAIN_INCOMPLETE"]);
    expect(v.correctedPem).toBeUndefined();
  });
});

describe("self-signed-allowed (001 ConnectPay BaaS/PSD2)", () => {
  const partner = { companyName: "MyCompany" };
  async function selfSigned(opts: { rootCn?: string; leafCn?: string; days?: number; leafKeys?: 1024 | 2048 | 4096; rootKeys?: 2048 | 4096; label?: string } = {}) {
    const label = opts.label ?? "mc";
    const root = await mintCertificate({ subject: `CN=${opts.rootCn ?? "MyCompany Root CA"}, O=MyCompany`, ca: true, keys: { algorithm: "RSA", size: opts.rootKeys ?? 2048 }, keyLabel: `${label}-root` });
    const notBefore = new Date(at.getTime() - 5 * DAY);
    const leaf = await mintCertificate({
      subject: `CN=${opts.leafCn ?? "MyCompany-ConnectPay"}, O=MyCompany`,
      issuer: root,
      keys: { algorithm: "RSA", size: opts.leafKeys ?? 2048 },
      keyLabel: `${label}-leaf`,
      notBefore,
      notAfter: new Date(notBefore.getTime() + (opts.days ?? 750) * DAY),
      // The text's sample uses openssl's v3_req: no EKU at all.
      extendedKeyUsage: false,
    });
    return { root, leaf };
  }

  it("accepts a self-signed CA + leaf chain, leaf first, root included, against the real public roots", async () => {
    const { root, leaf } = await selfSigned();
    const v = await check("self-signed-allowed", [pemFile("client-chain.pem", leaf, root)], { partner });
    expect(v.findings).toEqual([]);
    expect(v.verdict).toBe("accepted");
  });

  it("accepts the text's own 4096-bit sample with a KEY_SIZE_UNEXPECTED warning for the reviewer", async () => {
    const { root, leaf } = await selfSigned({ leafKeys: 4096, rootKeys: 4096, label: "sample" });
    const v = await check("self-signed-allowed", [pemFile("client-chain.pem", leaf, root)], { partner });
    expect(v.verdict).toBe("accepted");
    expect(codes(v)).toEqual(["KEY_SIZE_UNEXPECTED"]);
  });

  it("refuses Let's Encrypt and Cloudflare issuers", async () => {
    for (const issuerSubject of ["CN=R11, O=Let's Encrypt, C=US", "CN=Cloudflare Inc RSA CA-2, O=\"Cloudflare, Inc.\", C=US"]) {
      const ica2 = await mintCertificate({ subject: issuerSubject, issuer: ca.root, ca: true, keyLabel: issuerSubject });
      const leaf = await mintCertificate({ subject: "CN=MyCompany-ConnectPay, O=MyCompany", issuer: ica2, keyLabel: `${issuerSubject}-leaf` });
      const v = await check("self-signed-allowed", [pemFile("chain.pem", leaf, ica2, ca.root)], { anchors: [ca.root.pem], partner });
      expect(errors(v), issuerSubject).toEqual(["TRUST_ISSUER_REFUSED"]);
    }
  });

  it("knows every Let's Encrypt generation in the shared test data, and no other public CA", () => {
    const le = getExampleProgram("self-signed-allowed")!.rules.refusedIssuers.find((r) => r.label === "Let's Encrypt")!;
    const dir = path.resolve(import.meta.dirname, "../../../shared/testdata/certs/real-chains/letsencrypt");
    const files = ["", "2024", "gen-y"].flatMap((sub) =>
      readdirSync(path.join(dir, sub))
        .filter((f) => f.endsWith(".pem") && !f.startsWith("fake") && !f.includes("trustid"))
        .map((f) => path.join(dir, sub, f)),
    );
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const file of files) {
      const pem = readFileSync(file, "utf8");
      const der = new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64"));
      expect(matchesRefusedIssuer(viewCertificate(der), le, false), file).toBe(true);
    }
    // No other root in the public store is taken for Let's Encrypt or Cloudflare.
    const cf = getExampleProgram("self-signed-allowed")!.rules.refusedIssuers.find((r) => r.label === "Cloudflare")!;
    const others = rootCertificates
      .map((pem) => viewCertificate(new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64"))))
      .filter((v) => !/ISRG/.test(v.subject));
    expect(others.filter((v) => matchesRefusedIssuer(v, le, false) || matchesRefusedIssuer(v, cf, false)).map((v) => v.subject)).toEqual([]);
  });

  it("refuses a leaf CN without the company name, and a root CN without it", async () => {
    const a = await selfSigned({ leafCn: "client-01", label: "nocompany" });
    const v = await check("self-signed-allowed", [pemFile("chain.pem", a.leaf, a.root)], { partner });
    expect(errors(v)).toEqual(["SUBJECT_COMPANY_NAME"]);
    expect(v.findings[0]!.certificate!.position).toBe(0);
    // The text's sample root: CN=Local Root CA, O=MyCompany. The rule is on the CN.
    const b = await selfSigned({ rootCn: "Local Root CA", label: "localroot" });
    const w = await check("self-signed-allowed", [pemFile("chain.pem", b.leaf, b.root)], { partner });
    expect(errors(w)).toEqual(["SUBJECT_COMPANY_NAME"]);
    expect(w.findings[0]!.certificate!.position).toBe(1);
  });

  it("refuses a 90-day leaf", async () => {
    const { root, leaf } = await selfSigned({ days: 90, label: "short" });
    expect(errors(await check("self-signed-allowed", [pemFile("chain.pem", leaf, root)], { partner }))).toEqual(["LEAF_VALIDITY_OUT_OF_RANGE"]);
  });

  it("refuses a 1024-bit key", async () => {
    const { root, leaf } = await selfSigned({ leafKeys: 1024, label: "weak" });
    expect(errors(await check("self-signed-allowed", [pemFile("chain.pem", leaf, root)], { partner }))).toEqual(["KEY_TOO_SMALL"]);
  });

  it("refuses CA and client roles in one certificate", async () => {
    const both = await mintCertificate({ subject: "CN=MyCompany-ConnectPay, O=MyCompany", ca: true, extendedKeyUsage: [EKU.clientAuth], keyLabel: "mc-both" });
    expect(errors(await check("self-signed-allowed", [pemFile("client.pem", both)], { partner }))).toEqual(["SELF_SIGNED_ROLES_MIXED"]);
  });

  it("refuses DER instead of Base64 PEM, and offers the PEM file", async () => {
    const { root, leaf } = await selfSigned();
    const v = await check("self-signed-allowed", [{ name: "client.der", bytes: leaf.der }, { name: "ca.der", bytes: root.der }], { partner });
    expect(errors(v)).toEqual(["FORMAT_NOT_PEM", "FORMAT_NOT_PEM"]);
    expect(v.findings[0]!.fix).toContain("openssl x509 -inform DER");
    expect(v.correctedPem).toBe(leaf.pem + root.pem);
  });

  it("asks PSD2 partners for a QWAC with their roles", async () => {
    const { root, leaf } = await selfSigned();
    const v = await check("self-signed-allowed", [pemFile("chain.pem", leaf, root)], { partner: { ...partner, psd2Roles: ["PSP_PI"] } });
    expect(errors(v)).toEqual(["PSD2_QWAC_REQUIRED"]);
  });
});

describe("s2s-zip (002 ConnectPay server-to-server)", () => {
  async function zip(files: Record<string, string>): Promise<UploadedFile> {
    const z = new JSZip();
    for (const [n, t] of Object.entries(files)) z.file(n, t);
    return { name: "chain.zip", bytes: await z.generateAsync({ type: "uint8array", compression: "DEFLATE" }) };
  }

  it("accepts a zip holding the full CA-issued PEM chain; revocation is left to the reviewer", async () => {
    const v = await check("s2s-zip", [await zip({ "certs/client-chain.pem": ca.leaf.pem + ica.pem + ca.root.pem })], { anchors: [ca.root.pem] });
    expect(v.verdict).toBe("accepted");
    expect(codes(v)).toEqual(["REVOCATION_UNKNOWN"]);
    expect(v.chain[0]!.source).toBe("chain.zip:certs/client-chain.pem");
  });

  it("refuses a real Let's Encrypt chain against the real public roots", async () => {
    const dir = path.resolve(import.meta.dirname, "../../../shared/testdata/certs/real-chains/limbo-online/stackoverflow.com");
    const pem = ["leaf.pem", "intermediates.pem", "root.pem"].map((f) => readFileSync(path.join(dir, f), "utf8")).join("");
    const validationTime = (JSON.parse(readFileSync(path.join(dir, "testcase.json"), "utf8")) as { validation_time: string }).validation_time;
    const v = await checkUpload({ files: [await zip({ "chain.pem": pem })], program: getExampleProgram("s2s-zip")!, at: new Date(validationTime) });
    // A public TLS server certificate: trusted path, but refused issuer, 90-day lifetime and no clientAuth.
    expect(errors(v).sort()).toEqual(["LEAF_EKU_CLIENT_AUTH", "LEAF_VALIDITY_OUT_OF_RANGE", "TRUST_ISSUER_REFUSED"]);
    expect(v.findings.find((f) => f.code === "TRUST_ISSUER_REFUSED")!.message).toContain("O=Let's Encrypt");
    expect(v.chain.map((e) => e.role)).toEqual(["leaf", "intermediate", "root"]);
  });

  it("refuses self-signed chains", async () => {
    const v = await check("s2s-zip", [await zip({ "chain.pem": ca.leaf.pem + ica.pem + ca.root.pem })]);
    expect(errors(v)).toEqual(["TRUST_SELF_SIGNED_REFUSED"]);
  });

  it("refuses a chain without its root", async () => {
    const v = await check("s2s-zip", [await zip({ "chain.pem": ca.leaf.pem + ica.pem })], { anchors: [ca.root.pem] });
    expect(errors(v)).toEqual(["CHAIN_ROOT_MISSING"]);
  });

  it("refuses an expired leaf", async () => {
    const old = await mintCertificate({ subject: "CN=Acme Payments Old, O=Acme Payments Ltd", issuer: ica, notBefore: new Date(at.getTime() - 500 * DAY), notAfter: new Date(at.getTime() - 1 * DAY), keyLabel: "s2s-old" });
    const v = await check("s2s-zip", [await zip({ "chain.pem": old.pem + ica.pem + ca.root.pem })], { anchors: [ca.root.pem] });
    expect(errors(v)).toEqual(["LEAF_EXPIRED"]);
  });
});

describe("provider-ca-csr (003 Treezor)", () => {
  const subject = (cn: string) => `CN=${cn}, O=Acme Payments SAS, OU=IT, C=FR, ST=Ile-de-France, L=Paris, E=it@acme.example`;

  it("accepts an mTLS and a signature CSR with complete subjects and distinct RSA 2048 keys", async () => {
    const mtls = await mintCsr({ subject: subject("api.acme.example"), keyLabel: "tz-mtls" });
    const sig = await mintCsr({ subject: subject("sign.acme.example"), keyLabel: "tz-sig" });
    // Upload order reversed: the purposes come from the file names.
    const v = await check("provider-ca-csr", [pemFile("acme_csr_signature.pem", sig), pemFile("acme_csr_mtls.pem", mtls)]);
    expect(v.findings).toEqual([]);
    expect(v.chain.map((e) => [e.purpose, e.source])).toEqual([
      ["signature", "acme_csr_signature.pem"],
      ["mtls", "acme_csr_mtls.pem"],
    ]);
  });

  it("refuses a CSR with missing subject fields", async () => {
    const mtls = await mintCsr({ subject: "CN=api.acme.example, O=Acme Payments SAS", keyLabel: "tz-mtls" });
    const sig = await mintCsr({ subject: subject("sign.acme.example"), keyLabel: "tz-sig" });
    const v = await check("provider-ca-csr", [pemFile("acme_csr_mtls.pem", mtls), pemFile("acme_csr_signature.pem", sig)]);
    expect(errors(v)).toEqual(["CSR_SUBJECT_FIELD"]);
    expect(v.findings[0]!.message).toMatch(/C is missing; ST is missing; L is missing; emailAddress is missing/);
  });

  it("refuses two CSRs sharing one key", async () => {
    const mtls = await mintCsr({ subject: subject("api.acme.example"), keyLabel: "tz-shared" });
    const sig = await mintCsr({ subject: subject("sign.acme.example"), keys: mtls.keys });
    const v = await check("provider-ca-csr", [pemFile("acme_csr_mtls.pem", mtls), pemFile("acme_csr_signature.pem", sig)]);
    expect(errors(v)).toEqual(["KEY_REUSED_ACROSS_PURPOSES"]);
  });

  it("refuses RSA 1024", async () => {
    const mtls = await mintCsr({ subject: subject("api.acme.example"), keys: { algorithm: "RSA", size: 1024 }, keyLabel: "tz-1024" });
    const sig = await mintCsr({ subject: subject("sign.acme.example"), keyLabel: "tz-sig" });
    const v = await check("provider-ca-csr", [pemFile("acme_csr_mtls.pem", mtls), pemFile("acme_csr_signature.pem", sig)]);
    expect(errors(v)).toEqual(["KEY_TOO_SMALL"]);
  });

  it("refuses an upload with a private key attached, and marks it not to be stored", async () => {
    const mtls = await mintCsr({ subject: subject("api.acme.example"), keyLabel: "tz-mtls" });
    const sig = await mintCsr({ subject: subject("sign.acme.example"), keyLabel: "tz-sig" });
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", mtls.keys.privateKey));
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(pkcs8).toString("base64").replace(/.{1,64}/g, "$&\n")}-----END PRIVATE KEY-----\n`;
    const v = await check("provider-ca-csr", [{ name: "acme_mtls.pem", bytes: enc(mtls.pem + keyPem) }, pemFile("acme_csr_signature.pem", sig)]);
    expect(v.verdict).toBe("rejected");
    expect(v.refused).toBe(true);
    expect(errors(v)).toContain("PRIVATE_KEY_PRESENT");
    // The key never comes back in any form.
    expect(JSON.stringify(v)).not.toContain(Buffer.from(pkcs8).toString("base64").slice(0, 40));
  });

  it("refuses a certificate where CSRs are expected", async () => {
    const v = await check("provider-ca-csr", [pemFile("cert.pem", ca.leaf)]);
    expect(errors(v)).toEqual(["CSR_MISSING"]);
    expect(codes(v)).toContain("FORMAT_NOT_ACCEPTED");
  });
});
