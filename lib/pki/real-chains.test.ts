import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pemBlocks, publicTrustAnchors, toPem, validatePath } from "./index";

const REAL = path.resolve(import.meta.dirname, "../../../shared/testdata/certs/real-chains");
const ONLINE = path.join(REAL, "limbo-online");
const hosts = readdirSync(ONLINE).filter((h) => statSync(path.join(ONLINE, h)).isDirectory());
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const certsIn = (file: string) => pemBlocks(readFileSync(file, "utf8"), ["CERTIFICATE"]).map((d) => toPem(d));

describe("real server chains (limbo-online) at their validation time", () => {
  it.each(hosts)("%s validates against its own root", async (host) => {
    const dir = path.join(ONLINE, host);
    const tc = JSON.parse(readFileSync(path.join(dir, "testcase.json"), "utf8")) as { validation_time: string; expected_peer_name: { kind: "DNS"; value: string } };
    const r = await validatePath({
      leaf: readFileSync(path.join(dir, "leaf.pem"), "utf8"),
      intermediates: certsIn(path.join(dir, "intermediates.pem")),
      trustAnchors: certsIn(path.join(dir, "root.pem")),
      at: new Date(tc.validation_time),
      requiredEku: [SERVER_AUTH],
      peerName: tc.expected_peer_name,
    });
    expect(r.findings).toEqual([]);
    expect(r.ok).toBe(true);
    // A day after the leaf expires the same chain is refused with LEAF_EXPIRED.
    const later = new Date(new Date(r.path[0]!.notAfter).getTime() + 86_400_000);
    const expired = await validatePath({ leaf: readFileSync(path.join(dir, "leaf.pem"), "utf8"), intermediates: certsIn(path.join(dir, "intermediates.pem")), trustAnchors: certsIn(path.join(dir, "root.pem")), at: later });
    expect(expired.findings.map((f) => f.code)).toContain("LEAF_EXPIRED");
  });

  it("most of them also validate against Node's public roots alone", async () => {
    const roots = publicTrustAnchors();
    let ok = 0;
    for (const host of hosts) {
      const dir = path.join(ONLINE, host);
      const tc = JSON.parse(readFileSync(path.join(dir, "testcase.json"), "utf8")) as { validation_time: string };
      const r = await validatePath({
        leaf: readFileSync(path.join(dir, "leaf.pem"), "utf8"),
        intermediates: certsIn(path.join(dir, "intermediates.pem")),
        trustAnchors: roots,
        at: new Date(tc.validation_time),
        requiredEku: [SERVER_AUTH],
      });
      if (r.ok) ok++;
      else expect(r.findings.map((f) => f.code), host).toContain("TRUST_UNTRUSTED_ROOT");
    }
    expect(ok).toBeGreaterThanOrEqual(hosts.length - 2);
  });
});

describe("Let's Encrypt hierarchy", () => {
  const le = (f: string) => readFileSync(path.join(REAL, "letsencrypt", f), "utf8");
  it.each(["2024/r10.pem", "2024/r11.pem"])("%s chains to ISRG Root X1 in 2025", async (file) => {
    const r = await validatePath({ leaf: le(file), trustAnchors: [le("isrgrootx1.pem"), le("isrg-root-x2.pem")], at: new Date("2025-01-01Z") });
    expect(r.ok).toBe(true);
    expect(r.path.at(-1)!.subjectAttributes.CN).toBe("ISRG Root X1");
  });

  it("E5 chains to ISRG Root X2 directly and through the X1 cross-sign", async () => {
    const at = new Date("2025-01-01Z");
    expect((await validatePath({ leaf: le("2024/e5.pem"), trustAnchors: [le("isrg-root-x2.pem")], at })).ok).toBe(true);
    const viaX1 = await validatePath({ leaf: le("2024/e5.pem"), intermediates: [le("isrg-root-x2-cross-signed.pem")], trustAnchors: [le("isrgrootx1.pem")], at });
    expect(viaX1.ok).toBe(true);
    expect(viaX1.path.map((c) => c.subjectAttributes.CN)).toEqual(["E5", "ISRG Root X2", "ISRG Root X1"]);
  });

  it("R3 chains to ISRG Root X1 until it expires in September 2025", async () => {
    const anchors = [le("isrgrootx1.pem")];
    expect((await validatePath({ leaf: le("lets-encrypt-r3.pem"), trustAnchors: anchors, at: new Date("2024-01-01Z") })).ok).toBe(true);
    const late = await validatePath({ leaf: le("lets-encrypt-r3.pem"), trustAnchors: anchors, at: new Date("2025-10-01Z") });
    expect(late.findings.map((f) => f.code)).toEqual(["LEAF_EXPIRED"]);
  });
});
