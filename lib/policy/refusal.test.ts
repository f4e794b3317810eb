import { describe, expect, it } from "vitest";
import { checkUpload, getExampleProgram } from "./index";

const at = new Date("2026-06-01T00:00:00Z");
const caChain = getExampleProgram("ca-chain")!;
const text = (name: string, s: string) => ({ name, bytes: new TextEncoder().encode(s) });

describe("a refused or unreadable upload is explained by one finding", () => {
  it("a private key alone gives PRIVATE_KEY_PRESENT, not also 'no certificate found'", async () => {
    const v = await checkUpload({
      files: [text("client.key", "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n")],
      program: caChain,
      at,
    });
    expect(v.verdict).toBe("rejected");
    expect(v.refused).toBe(true);
    expect(v.findings.map((f) => f.code)).toEqual(["PRIVATE_KEY_PRESENT"]);
  });

  it("an empty text file still says no certificate was found", async () => {
    const v = await checkUpload({ files: [text("notes.txt", "")], program: caChain, at });
    expect(v.verdict).toBe("rejected");
    expect(v.findings.length).toBeGreaterThan(0);
  });
});
