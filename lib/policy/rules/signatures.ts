/** Signature hashes the program refuses (`rules.refusedSignatureHashes`) and CA key sizes (`rules.issuerMinRsaBits`). */
import type { Finding } from "../../pki/findings";
import type { Program } from "../program";
import { defineFinding, defineRule } from "./types";
import { nameOf, subjectOf } from "./context";
import { keyFamily } from "./keys";

const WEAK_SOURCES = [{ text: "house", quote: "MD5 and SHA-1 signatures can be forged (CA/Browser Forum: SHA-1 refused since 2016)" }] as const;

function normalizeHash(h: string | undefined): string | undefined {
  if (!h) return undefined;
  const x = h.toUpperCase().replace(/[^A-Z0-9]/g, "");
  if (x === "SHA1") return "SHA-1";
  if (x === "MD5") return "MD5";
  if (x === "MD2" || x === "MD4") return "MD5"; // older still; refused wherever MD5 is
  return h;
}

/**
 * The refused hash a signature algorithm uses, if any.
 *
 * @example
 * weakSignature({ name: "RSASSA-PKCS1-v1_5", hash: "SHA-1" }, program) // "SHA-1" when the program refuses it
 */
export function weakSignature(alg: { name: string; hash?: string } | undefined, program: Program): string | undefined {
  if (!alg) return undefined;
  const byHash = normalizeHash(alg.hash);
  const byName = /md5|md2|md4/i.test(alg.name) ? "MD5" : /sha-?1(?!\d)/i.test(alg.name) ? "SHA-1" : undefined;
  const hash = byHash ?? byName;
  return hash && (program.rules.refusedSignatureHashes as readonly string[]).includes(hash) ? hash : undefined;
}

export const CERT_SIGNATURE_WEAK = defineFinding<{ name: string; algorithm: string; hash: string; isLeaf: boolean }>({
  code: "SIGNATURE_ALGORITHM_WEAK",
  severity: "error",
  title: "A certificate is signed with a refused hash (MD5, SHA-1)",
  doc: {
    summary: "error. A certificate or CSR is signed with MD5 or SHA-1 (a root's signature on itself is not judged).",
    fix: "re-issue with SHA-256 (`-sha256`).",
  },
  sources: WEAK_SOURCES,
  message: (a) => `${a.name} is signed with ${a.algorithm} (${a.hash}), which is refused: ${a.hash} collisions can be forged.`,
  fix: (a) => (a.isLeaf ? "Re-issue the certificate with SHA-256 (openssl x509 -req … -sha256)." : "Use a chain from a CA that signs with SHA-256 or better."),
});

export const CA_KEY_TOO_SMALL = defineFinding<{ name: string; size?: number; minBits: number }>({
  code: "KEY_TOO_SMALL",
  severity: "error",
  title: "A CA certificate of the chain has an RSA key below the program's CA minimum",
  sources: [{ text: "house", quote: "issuerMinRsaBits: CA keys at least 2048 bits (CA/Browser Forum)" }],
  message: (a) => `The CA certificate ${a.name} has an RSA ${a.size}-bit key; CA keys need at least ${a.minBits} bits.`,
  fix: (a) => `Re-create the CA with a larger key: openssl genrsa -out ca.key ${Math.max(a.minBits, 4096)}`,
});

export const chainCertificatesRule = defineRule({
  id: "chain-certificates",
  stage: "chain",
  description: "Every uploaded CA certificate has an RSA key of at least the program's CA minimum, and no certificate but a root is signed with a refused hash.",
  findings: [CA_KEY_TOO_SMALL, CERT_SIGNATURE_WEAK],
  check({ program, unique, leaf }): Finding[] {
    const out: Finding[] = [];
    const minBits = program.rules.issuerMinRsaBits;
    for (const c of unique) {
      const key = c.view.publicKey;
      if (c !== leaf && c.view.isCa && keyFamily(key) === "RSA" && (key.size ?? 0) < minBits) {
        out.push(CA_KEY_TOO_SMALL.make({ name: nameOf(c.view), ...(key.size !== undefined ? { size: key.size } : {}), minBits }, { certificate: subjectOf(c) }));
      }
      // A root's signature on itself protects nothing (trust comes from the anchor store), so it is not judged.
      if (c.view.selfSigned && c !== leaf) continue;
      const hash = weakSignature(c.view.signatureAlgorithm, program);
      if (hash) out.push(CERT_SIGNATURE_WEAK.make({ name: nameOf(c.view), algorithm: c.view.signatureAlgorithm.name, hash, isLeaf: c === leaf }, { certificate: subjectOf(c) }));
    }
    return out;
  },
});
