/** Key algorithms and sizes the program accepts (`rules.keyAlgorithms`), for the client certificate and every CSR. */
import type { Finding, FindingSubject } from "../../pki/findings";
import type { KeyAlgorithmRule, Program } from "../program";
import type { KeyView } from "../views";
import { defineFinding, defineRule } from "./types";

const KEY_SOURCES = [
  { text: "001", quote: "Private keys must be generated using RSA encryption and have length of 2048 bits." },
  { text: "003", quote: "Type: RSA … Size: 2048" },
  { text: "house", quote: "elsewhere RSA ≥ 2048 or EC P-256/P-384/P-521 (CA/Browser Forum floor)" },
] as const;

export function keyFamily(key: KeyView): "RSA" | "EC" | "Ed25519" | "other" {
  const a = key.algorithm.toLowerCase();
  if (a.includes("rsa")) return "RSA";
  if (a === "ec" || a.includes("ecdsa") || a.includes("ecpublickey")) return "EC";
  if (a.includes("ed25519")) return "Ed25519";
  return "other";
}

const CURVE_ALIASES: Record<string, string> = {
  "p-256": "P-256", prime256v1: "P-256", secp256r1: "P-256",
  "p-384": "P-384", secp384r1: "P-384",
  "p-521": "P-521", secp521r1: "P-521",
};

function describeKey(key: KeyView): string {
  const fam = keyFamily(key);
  if (fam === "RSA") return `RSA ${key.size ?? "?"}-bit`;
  if (fam === "EC") return `EC ${key.curve ?? key.size ?? "?"}`;
  return key.algorithm;
}

function describeAllowed(rules: readonly KeyAlgorithmRule[]): string {
  return rules
    .map((r) => {
      switch (r.algorithm) {
        case "RSA":
          return r.expectedBits ? `RSA ${r.expectedBits}` : `RSA ≥ ${r.minBits}`;
        case "EC":
          return `EC ${r.curves.join("/")}`;
        case "Ed25519":
          return "Ed25519";
      }
    })
    .join(", ");
}

export const NEW_KEY_FIX = {
  rsa: (bits: number) => `Generate a new key and request a new certificate: openssl genrsa -out client.key ${bits} && openssl req -new -key client.key -out client.csr`,
  ec: (curve: string) =>
    `Generate a new key and request a new certificate: openssl ecparam -name ${curve === "P-384" ? "secp384r1" : curve === "P-521" ? "secp521r1" : "prime256v1"} -genkey -noout -out client.key && openssl req -new -key client.key -out client.csr`,
};

export const KEY_ALGORITHM_NOT_ALLOWED = defineFinding<{ what: string; key: string; allowed: string; fix: string }>({
  code: "KEY_ALGORITHM_NOT_ALLOWED",
  severity: "error",
  title: "The key's algorithm or curve is not one the program accepts",
  doc: {
    summary: "error. The leaf's or a CSR's key algorithm or curve is not one the program accepts (001 and 003: RSA only).",
    fix: "`openssl genrsa -out client.key 2048` and a new CSR.",
  },
  sources: KEY_SOURCES,
  message: (a) => `${a.what} has ${a.key}; this program accepts ${a.allowed}.`,
  fix: (a) => a.fix,
});

export const KEY_TOO_SMALL = defineFinding<{ what: string; size: number; minBits: number; fixBits: number }>({
  code: "KEY_TOO_SMALL",
  severity: "error",
  title: "The RSA key is smaller than the program's minimum",
  doc: {
    summary: "error. RSA key below the program's minimum (2048 bits), on the leaf, a CSR or a CA certificate of the chain.",
    fix: "`openssl genrsa -out client.key 2048` (or larger) and a new CSR.",
  },
  sources: KEY_SOURCES,
  message: (a) => `${a.what} has an RSA ${a.size}-bit key; at least ${a.minBits} bits are required.`,
  fix: (a) => NEW_KEY_FIX.rsa(a.fixBits),
});

export const KEY_SIZE_UNEXPECTED = defineFinding<{ what: string; size: number; expectedBits: number }>({
  code: "KEY_SIZE_UNEXPECTED",
  severity: "warning",
  title: "The RSA key is larger than the size the provider asks for",
  doc: {
    summary: "warning. The key is larger than the size the provider asks for: 001 and 003 ask for RSA 2048, but 001's own sample makes 4096-bit keys. A reviewer confirms the provider takes it.",
    fix: "to match the request exactly, make a 2048-bit key and a new CSR.",
  },
  sources: [
    { text: "003", quote: "Size: 2048" },
    { text: "001", quote: "openssl genrsa -out client.key 4096" },
  ],
  message: (a) => `${a.what} has an RSA ${a.size}-bit key; the provider asks for ${a.expectedBits} bits. A reviewer will confirm the provider accepts it.`,
  fix: (a) => `To match the request exactly: ${NEW_KEY_FIX.rsa(a.expectedBits)}`,
});

/**
 * The key findings of one certificate or CSR (`what` names it in the message).
 *
 * @example
 * keyFindings({ algorithm: "RSA", size: 1024 }, program, 'The client certificate "Acme"', subject) // [KEY_TOO_SMALL]
 */
export function keyFindings(key: KeyView, program: Program, what: string, certificate: FindingSubject): Finding[] {
  const rules = program.rules.keyAlgorithms;
  const rule = rules.find((r) => r.algorithm === keyFamily(key));
  const firstRsa = rules.find((r): r is Extract<KeyAlgorithmRule, { algorithm: "RSA" }> => r.algorithm === "RSA");
  const allowed = describeAllowed(rules);
  if (!rule) {
    const fix = firstRsa ? NEW_KEY_FIX.rsa(firstRsa.expectedBits ?? firstRsa.minBits) : NEW_KEY_FIX.ec("P-256");
    return [KEY_ALGORITHM_NOT_ALLOWED.make({ what, key: `a ${describeKey(key)} key`, allowed, fix }, { certificate })];
  }
  switch (rule.algorithm) {
    case "RSA": {
      const size = key.size ?? 0;
      if (size < rule.minBits) return [KEY_TOO_SMALL.make({ what, size, minBits: rule.minBits, fixBits: rule.expectedBits ?? rule.minBits }, { certificate })];
      if (rule.expectedBits !== undefined && size !== rule.expectedBits) return [KEY_SIZE_UNEXPECTED.make({ what, size, expectedBits: rule.expectedBits }, { certificate })];
      return [];
    }
    case "EC": {
      const curve = CURVE_ALIASES[(key.curve ?? "").toLowerCase()] ?? key.curve ?? "unknown curve";
      if ((rule.curves as readonly string[]).includes(curve)) return [];
      return [KEY_ALGORITHM_NOT_ALLOWED.make({ what, key: `an EC key on ${curve}`, allowed, fix: NEW_KEY_FIX.ec(rule.curves[0] ?? "P-256") }, { certificate })];
    }
    case "Ed25519":
      return [];
  }
}

export const leafKeyRule = defineRule({
  id: "leaf-key",
  stage: "chain",
  description: "The client certificate's key is of an algorithm and size the program accepts.",
  findings: [KEY_ALGORITHM_NOT_ALLOWED, KEY_TOO_SMALL, KEY_SIZE_UNEXPECTED],
  check: ({ program, leaf, leafName, leafSubject }) => keyFindings(leaf.view.publicKey, program, `The client certificate ${leafName}`, leafSubject),
});
