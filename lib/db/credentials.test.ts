import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./passwords";
import { generateApiToken, hashApiToken } from "./tokens";

describe("password hashes", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("correct horse");
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(hash).not.toContain("correct horse");
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("correct horsE", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  it("salts every hash, so equal passwords do not give equal hashes", async () => {
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });

  it("answers false, without throwing, for a missing, malformed or tampered hash", async () => {
    const hash = await hashPassword("pw");
    expect(await verifyPassword("pw", null)).toBe(false);
    expect(await verifyPassword("pw", "plain-text-pw")).toBe(false);
    expect(await verifyPassword("pw", hash.replace("scrypt$16384", "scrypt$1073741824"))).toBe(false);
    const parts = hash.split("$");
    parts[5] = Buffer.from("0".repeat(32)).toString("base64url");
    expect(await verifyPassword("pw", parts.join("$"))).toBe(false);
  });
});

describe("API tokens", () => {
  it("stores a token as its SHA-256 hex", () => {
    expect(hashApiToken("certdesk_demo_acme")).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiToken("certdesk_demo_acme")).not.toBe(hashApiToken("certdesk_demo_acmf"));
  });

  it("generates long random tokens whose hash matches", () => {
    const a = generateApiToken();
    const b = generateApiToken();
    expect(a.token).not.toBe(b.token);
    expect(a.token.length).toBeGreaterThanOrEqual(40);
    expect(a.tokenHash).toBe(hashApiToken(a.token));
    expect(a.token.startsWith(a.prefix)).toBe(true);
  });
});
