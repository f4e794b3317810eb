import "reflect-metadata";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkUpload, EXAMPLE_PROGRAMS, getExampleProgram, parseProgram } from "./index";
import { summarizeProgram } from "./program-summary";

const item = (id: string, key: string) => summarizeProgram(getExampleProgram(id)!, { companyName: "Acme Payments Ltd" }).items.find((i) => i.key === key)?.text;

describe("summarizeProgram (issue 16: the upload page speaks the program)", () => {
  it("covers every example program with the same sections", () => {
    for (const program of EXAMPLE_PROGRAMS) {
      const summary = summarizeProgram(program);
      expect(summary.headline).toMatch(/^Upload /);
      for (const key of ["what", "formats", "keys", "validity", "company-name"]) expect(summary.items.map((i) => i.key), `${program.id} ${key}`).toContain(key);
      expect(summary.commands.length).toBeGreaterThan(0);
    }
  });

  it("provider-ca-csr: two CSRs, mTLS and signature, each from its own RSA 2048 key, with the openssl commands", () => {
    const summary = summarizeProgram(getExampleProgram("provider-ca-csr")!);
    expect(summary.headline).toBe("Upload two CSRs, mTLS and signature, each from its own RSA 2048 key.");
    expect(summary.purposes).toEqual(["mtls", "signature"]);
    expect(summary.items.map((i) => i.key)).not.toContain("root");
    expect(summary.items.find((i) => i.key === "csr-subject")?.text).toBe("Must have C, ST, L, O, CN and emailAddress (OU optional).");
    expect(summary.items.find((i) => i.key === "validity")?.text).toBe("The issued certificates are valid for 365 days.");
    expect(summary.commands.map((c) => c.command)).toEqual([
      expect.stringMatching(/^openssl req -new -newkey rsa:2048 -nodes -keyout mtls\.key -out mtls\.csr -subj "\/C=FR\/ST=[^/]+\/L=[^/]+\/O=[^/]+\/CN=[^/]+\/emailAddress=[^/"]+"$/),
      expect.stringMatching(/-keyout signature\.key -out signature\.csr /),
    ]);
  });

  it("self-signed-allowed: PEM only, root required, RSA 2048, validity by issuance, the company name with the root rule only for self-signed chains", () => {
    expect(summarizeProgram(getExampleProgram("self-signed-allowed")!).headline).toBe("Upload your client certificate chain: the certificate, its intermediates and the root.");
    expect(item("self-signed-allowed", "formats")).toContain("DER or PKCS#7 files must be converted to PEM first");
    expect(item("self-signed-allowed", "root")).toBe("Include the root certificate: the chain must end with it.");
    expect(item("self-signed-allowed", "keys")).toMatch(/^RSA 2048\./);
    expect(item("self-signed-allowed", "validity")).toContain("self-signed chains 365 to 1,095 days and CA-issued chains 91 to 1,095 days");
    expect(item("self-signed-allowed", "company-name")).toBe(
      "The common name (CN) of your certificate must contain your company name (Acme Payments Ltd); so must the root's CN when the chain is self-signed (a public CA's root is exempt).",
    );
    expect(item("self-signed-allowed", "issuer")).toContain("Not accepted: Let's Encrypt and Cloudflare.");
  });

  it("ca-chain: three encodings, root optional, optional CSR, no company-name or lifetime rule", () => {
    expect(item("ca-chain", "formats")).toBe("PEM, DER or PKCS#7 as files or inside one .zip. Never include a private key.");
    expect(item("ca-chain", "root")).toContain("may be included or left out");
    expect(item("ca-chain", "what")).toContain("A CSR for the same key may be added");
    expect(item("ca-chain", "keys")).toMatch(/^RSA of at least 2048 bits or EC P-256, P-384 or P-521\./);
    expect(item("ca-chain", "company-name")).toBe("No company-name rule for the common name.");
    expect(item("ca-chain", "validity")).toMatch(/^No lifetime limit/);
  });

  it("s2s-zip: public CA only, Let's Encrypt refused, root required, at least 91 days", () => {
    expect(item("s2s-zip", "issuer")).toBe("A publicly trusted certificate authority; self-signed chains are refused. Not accepted: Let's Encrypt.");
    expect(item("s2s-zip", "root")).toBe("Include the root certificate: the chain must end with it.");
    expect(item("s2s-zip", "validity")).toContain("CA-issued chains at least 91 days");
    expect(item("s2s-zip", "keys")).toMatch(/EC P-256 or P-384/);
  });

  it("follows the data, not the program's name: a program requiring a .zip and one CSR purpose says so", () => {
    const base = getExampleProgram("provider-ca-csr")!;
    const edited = parseProgram({ ...base, rules: { ...base.rules, submission: { ...base.rules.submission, csrPurposes: ["mtls"], archive: "required" } } });
    const summary = summarizeProgram(edited);
    expect(summary.headline).toBe("Upload one CSR for mTLS, from its own RSA 2048 key.");
    expect(summary.purposes).toEqual(["mtls"]);
    expect(summary.items.find((i) => i.key === "formats")?.text).toContain("inside one .zip file");
  });

  it("the provider-ca-csr commands, run with the real openssl, make CSRs the program accepts", async () => {
    const program = getExampleProgram("provider-ca-csr")!;
    const dir = mkdtempSync(path.join(tmpdir(), "certdesk-summary-"));
    try {
      for (const { command } of summarizeProgram(program).commands) execFileSync("sh", ["-c", command], { cwd: dir, stdio: "ignore" });
      const files = ["mtls.csr", "signature.csr"].map((name) => ({ name, bytes: new Uint8Array(readFileSync(path.join(dir, name))) }));
      const verdict = await checkUpload({ files, program, at: new Date(), environment: "sandbox" });
      expect(verdict.findings.filter((f) => f.severity === "error")).toEqual([]);
      expect(verdict.verdict).toBe("accepted");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
