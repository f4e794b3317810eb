/** `certdesk ca init`: exact flags, exit codes like `check` (0 ok, 2 usage), idempotent, on the real embedded parts. */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCaArgs } from "./ca";

describe("parseCaArgs", () => {
  it("takes exactly --program and --environment (also as --opt=value)", () => {
    expect(parseCaArgs(["init", "--program", "provider-ca-csr", "--environment", "sandbox"])).toEqual({ kind: "init", args: { programId: "provider-ca-csr", environmentKey: "sandbox", json: false } });
    expect(parseCaArgs(["init", "--program=provider-ca-csr", "--environment=production", "--json"])).toMatchObject({ kind: "init", args: { environmentKey: "production", json: true } });
  });
  it.each([
    [[], /missing subcommand/],
    [["make"], /unknown ca subcommand/],
    [["init", "--program", "provider-ca-csr"], /--environment <key> is required/],
    [["init", "--environment", "sandbox"], /--program <id> is required/],
    [["init", "--program", "../etc", "--environment", "sandbox"], /not a program id/],
    [["init", "--program", "p", "--env", "sandbox"], /unknown option/],
    [["init", "--program", "--environment", "sandbox"], /--program needs a value/],
  ])("%j is a usage error", (argv, message) => {
    const parsed = parseCaArgs(argv);
    expect(parsed.kind).toBe("error");
    if (parsed.kind === "error") expect(parsed.message).toMatch(message);
  });
});

describe("npm run -s certdesk -- ca init", () => {
  it("creates once, then reports the existing CA (exit 0 both times); a program that does not issue is a usage error (2)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "certdesk-ca-cli-"));
    try {
      const env = { ...process.env, CERTDESK_DATA_DIR: path.join(dir, "data"), CERTDESK_S3_ENDPOINT: `http://127.0.0.1:${40_000 + Math.floor(Math.random() * 20_000)}`, CERTDESK_MODE: "local" };
      const run = (...args: string[]) => spawnSync("node", ["--import", "tsx", "cli/certdesk.ts", "ca", ...args], { env, encoding: "utf8", cwd: path.resolve(import.meta.dirname, "..") });
      const first = run("init", "--program", "provider-ca-csr", "--environment", "sandbox", "--json");
      expect(first.stderr).not.toMatch(/PRIVATE KEY/);
      expect(first.status).toBe(0);
      const created = JSON.parse(first.stdout) as { created: boolean; root: { subject: string }; crlUrl: string };
      expect(created.created).toBe(true);
      expect(created.crlUrl).toBe("http://localhost:3000/pki/provider-ca-csr/sandbox/crl");
      expect((await stat(path.join(dir, "data", "ca", "provider-ca-csr", "sandbox", "issuing.key"))).mode & 0o777).toBe(0o600);
      const second = run("init", "--program", "provider-ca-csr", "--environment", "sandbox", "--json");
      expect(second.status).toBe(0);
      expect(JSON.parse(second.stdout)).toMatchObject({ created: false, root: { subject: created.root.subject } });
      const refused = run("init", "--program", "ca-chain", "--environment", "sandbox");
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(/not provider-ca/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
