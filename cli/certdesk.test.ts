/** Spawns the real CLI (node --import tsx cli/certdesk.ts) on files this test writes. */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_AT, mintChain, mintCertificate } from "../lib/pki/testing/factory";
import { parseArgs } from "./args";

const ROOT = path.resolve(import.meta.dirname, "..");
let dir: string;

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "cli/certdesk.ts", ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const f = (name: string) => path.join(dir, name);
const AT = ["--at", DEFAULT_AT.toISOString()];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "certdesk-cli-"));
  const { root, intermediates, leaf } = await mintChain({ label: "cli", leafSubject: "CN=MyCompany-ConnectPay, O=MyCompany" });
  const ica = intermediates[0]!;
  await writeFile(f("chain.pem"), leaf.pem + ica.pem + root.pem);
  await writeFile(f("wrong-order.pem"), root.pem + leaf.pem + ica.pem);
  await writeFile(f("root.pem"), root.pem);
  const ssRoot = await mintCertificate({ subject: "CN=MyCompany Root CA, O=MyCompany", ca: true, keyLabel: "cli-ss-root" });
  const ssLeaf = await mintCertificate({ subject: "CN=MyCompany-ConnectPay, O=MyCompany", issuer: ssRoot, keyLabel: "cli-ss-leaf", notAfter: new Date(DEFAULT_AT.getTime() + 700 * 86_400_000) });
  await writeFile(f("client-chain.pem"), ssLeaf.pem + ssRoot.pem);
  await writeFile(f("program.json"), JSON.stringify({ id: "broken", version: 1 }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("certdesk check", () => {
  it("accepts a conforming chain: exit 0 and exactly one JSON object", async () => {
    const r = await run(["check", f("client-chain.pem"), "--program", "self-signed-allowed", "--company", "MyCompany", "--json", ...AT]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual(["chain", "findings", "verdict"]);
    expect(out.verdict).toBe("accepted");
    expect((out.chain as { role: string }[]).map((e) => e.role)).toEqual(["leaf", "root"]);
  });

  it("rejects a misordered chain: exit 1, the finding, and the corrected file", async () => {
    const r = await run(["check", f("wrong-order.pem"), "--program", "ca-chain", "--trust-anchor", f("root.pem"), "--json", ...AT]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { verdict: string; findings: { code: string }[]; correctedPem: string };
    expect(out.verdict).toBe("rejected");
    expect(out.findings.map((x) => x.code)).toEqual(["CHAIN_ORDER"]);
    expect(out.correctedPem).toBe(await readFile(f("chain.pem"), "utf8"));
  });

  it("prints a readable report without colour when NO_COLOR is set, and writes the corrected file", async () => {
    const r = await run(["check", f("wrong-order.pem"), "--program=ca-chain", `--trust-anchor=${f("root.pem")}`, "--write-corrected", f("fixed.pem"), ...AT], { NO_COLOR: "1" });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^REJECTED under program ca-chain v1/);
    expect(r.stdout).toContain("✗ CHAIN_ORDER");
    expect(r.stdout).toContain("Fix: ");
    expect(r.stdout).toContain("Chain (leaf → root)");
    expect(r.stdout).toMatch(/SHA-256: +([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    expect(r.stdout).not.toContain("\x1b[");
    expect(await readFile(f("fixed.pem"), "utf8")).toBe(await readFile(f("chain.pem"), "utf8"));
  });

  it("exits 2 with a message and the usage on bad usage or unreadable files", async () => {
    const noProgram = await run(["check", f("chain.pem")]);
    expect(noProgram.code).toBe(2);
    expect(noProgram.stderr).toContain("--program");
    expect(noProgram.stderr).toContain("Usage:");
    expect(noProgram.stdout).toBe("");

    const missing = await run(["check", f("nope.pem"), "--program", "ca-chain"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such file");

    const unknown = await run(["check", f("chain.pem"), "--program", "acme"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("known programs: ca-chain, self-signed-allowed, s2s-zip, provider-ca-csr");

    const badProgram = await run(["check", f("chain.pem"), "--program-file", f("program.json")]);
    expect(badProgram.code).toBe(2);
    expect(badProgram.stderr).toContain("rules:");
  });

  it("prints help with exit 0", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Exit status: 0 accepted, 1 rejected, 2 usage error");
  });
});

describe("parseArgs", () => {
  it("takes files, the program and options in any order", () => {
    const p = parseArgs(["check", "a.pem", "--company", "Acme Ltd", "b.pem", "--program", "ca-chain", "--psd2-roles", "psp_ai,PSP_PI", "--json"]);
    expect(p).toMatchObject({ kind: "check", args: { files: ["a.pem", "b.pem"], program: { kind: "id", id: "ca-chain" }, company: "Acme Ltd", psd2Roles: ["PSP_AI", "PSP_PI"], json: true } });
  });

  it("refuses what it cannot read unambiguously", () => {
    expect(parseArgs(["check", "a.pem", "--program", "x", "--program-file", "y"]).kind).toBe("error");
    expect(parseArgs(["check", "a.pem", "--program", "x", "--at", "06/01/2026"]).kind).toBe("error");
    expect(parseArgs(["check", "a.pem", "--program", "x", "--psd2-roles", "PSP_XX"]).kind).toBe("error");
    expect(parseArgs(["check", "a.pem", "--program"]).kind).toBe("error");
    expect(parseArgs(["verify", "a.pem"]).kind).toBe("error");
    expect(parseArgs(["check", "--program", "x", "--", "--weird-name.pem"])).toMatchObject({ kind: "check", args: { files: ["--weird-name.pem"] } });
  });
});
