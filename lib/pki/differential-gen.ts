/**
 * Differential-test generator (issue 17): chains made with the openssl CLI, judged by
 * `openssl verify -x509_strict -policy_check -purpose sslclient` (plus `-explicit_policy` or
 * `-inhibit_map` where a case sets those RFC 5280 §6.1.1 inputs) and (by the test) by `validatePath`.
 *
 * Keys are generated once per run (two CA keys per type, one leaf key per type, an explicit-curve
 * EC key) and reused. Root + intermediate pairs are shared by every case with the same CA key type,
 * hash and CA variant. All certificates are made by one shell script, and `openssl verify` runs
 * once per CA pair over all its leaves, so a few hundred cases take a few hundred openssl processes.
 *
 * Test-only: it runs child processes and writes to a temporary directory.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const KEY_TYPES = ["rsa", "rsa-pss", "ec256", "ec384", "ed25519"] as const;
export type KeyType = (typeof KEY_TYPES)[number];
export const HASHES = ["sha256", "sha384", "sha512", "sha1"] as const;
export type Hash = (typeof HASHES)[number];

/** Single defects; a "random" case combines up to two. */
export const DEFECTS = [
  "none",
  "leaf-expired",
  "leaf-eku-server",
  "leaf-ku-no-digital-signature",
  "leaf-unknown-critical-ext",
  "leaf-critical-san",
  "leaf-bad-signature",
  "leaf-serial-zero",
  "leaf-explicit-ec",
  "leaf-nc-violation",
  "ica-not-ca",
  "ica-no-keycertsign",
  "ica-cn-hostname-under-nc",
  "ica-missing",
  "root-pathlen-0",
  "ica-pathlen-0",
  "sha1",
  // Certificate policies (RFC 5280 §6.1), judged with -policy_check (P1, P2 are private test OIDs):
  "policy-explicit-same", // the intermediate asserts P1 and requireExplicitPolicy 0; the leaf asserts P1
  "policy-explicit-no-leaf-policy", // … the leaf asserts no policy
  "policy-explicit-other-policy", // … the leaf asserts P2
  "policy-mapped", // … and maps P1 → P2; the leaf asserts P2
  "policy-mapping-inhibited", // the same, judged with initial-policy-mapping-inhibit (-inhibit_map)
  "policy-map-anypolicy", // … maps anyPolicy → P2 (RFC 5280 §6.1.4 (a))
  "policy-anypolicy-inhibited", // the intermediate asserts anyPolicy with inhibitAnyPolicy 0; the leaf asserts anyPolicy
  "policy-explicit-input", // no policies anywhere, judged with initial-explicit-policy (-explicit_policy)
] as const;
export type Defect = (typeof DEFECTS)[number];

/**
 * Deliberate differences: with one of these defects, Certdesk may refuse what OpenSSL accepts
 * (docs/conformance.md lists each with its clause). Nothing else may differ.
 */
export const DELIBERATE: Partial<Record<Defect, string>> = {
  sha1: "SHA-1 signatures refused (collision attacks; CA/B BR 7.1.3.2)",
  "leaf-serial-zero": "serial 0 refused (RFC 5280 §4.1.2.2: positive integer)",
};

/** RFC 5280 §6.1.1 inputs of a case, given to both judges (openssl: -explicit_policy, -inhibit_map). */
export type DiffPolicyInputs = { initialExplicitPolicy?: boolean; initialPolicyMappingInhibit?: boolean };

export type DiffCase = {
  id: string;
  kind: "single" | "random";
  caKey: KeyType;
  leafKey: KeyType;
  hash: Hash;
  defects: Defect[];
  rootPem: string;
  icaPem: string;
  leafPem: string;
  withIca: boolean;
  policy: DiffPolicyInputs;
  openssl: { ok: boolean; error?: string };
};

export type Generated = { cases: DiffCase[]; at: Date; opensslProcesses: number };

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const POLICY_DEFECTS = DEFECTS.filter((d) => d.startsWith("policy-"));
const CA_DEFECTS = new Set<Defect>(["ica-not-ca", "ica-no-keycertsign", "ica-cn-hostname-under-nc", "root-pathlen-0", "ica-pathlen-0", "leaf-nc-violation", ...POLICY_DEFECTS.filter((d) => d !== "policy-explicit-input")]);
/** Defects that cannot be combined in one case (any two policy defects neither). */
const CONFLICTS: [Defect, Defect][] = [["leaf-nc-violation", "ica-cn-hostname-under-nc"], ...POLICY_DEFECTS.flatMap((a) => POLICY_DEFECTS.filter((b) => a < b).map((b): [Defect, Defect] => [a, b]))];
const P1 = "1.3.6.1.4.1.55555.17.10";
const P2 = "1.3.6.1.4.1.55555.17.11";
const ANY_POLICY = "2.5.29.32.0";

/** The intermediate's policy extensions (openssl config lines) for a CA variant. */
function icaPolicyLines(caVariant: string): string[] {
  const has = (d: Defect) => caVariant.split("_").includes(d);
  if (has("policy-anypolicy-inhibited")) return [`certificatePolicies = ${ANY_POLICY}`, "policyConstraints = critical, requireExplicitPolicy:0", "inhibitAnyPolicy = critical, 0"];
  if (!POLICY_DEFECTS.some(has)) return [];
  const lines = [`certificatePolicies = ${P1}`, "policyConstraints = critical, requireExplicitPolicy:0"];
  if (has("policy-mapped") || has("policy-mapping-inhibited")) lines.push(`policyMappings = ${P1}:${P2}`);
  if (has("policy-map-anypolicy")) lines.push(`policyMappings = ${ANY_POLICY}:${P2}`);
  return lines;
}

/** The leaf's certificatePolicies OIDs for its defects (none by default). */
function leafPolicies(defects: readonly Defect[]): string[] {
  const has = (d: Defect) => defects.includes(d);
  if (has("policy-explicit-same")) return [P1];
  if (has("policy-anypolicy-inhibited")) return [ANY_POLICY];
  if (has("policy-explicit-other-policy") || has("policy-mapped") || has("policy-mapping-inhibited") || has("policy-map-anypolicy")) return [P2];
  return [];
}

function keyGen(type: KeyType | "ec-explicit", file: string): string {
  const opts: Record<typeof type, string> = {
    rsa: "-algorithm RSA -pkeyopt rsa_keygen_bits:2048",
    "rsa-pss": "-algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048",
    ec256: "-algorithm EC -pkeyopt ec_paramgen_curve:P-256",
    ec384: "-algorithm EC -pkeyopt ec_paramgen_curve:P-384",
    ed25519: "-algorithm ED25519",
    "ec-explicit": "-algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:explicit",
  };
  return `openssl genpkey ${opts[type]} -out ${file} 2>/dev/null`;
}

function digestFlag(key: KeyType, hash: Hash): string {
  return key === "ed25519" ? "" : `-${hash}`;
}

/**
 * Generates `count` cases (about a third single-defect per class in turn, the rest random) and
 * judges them with `openssl verify` at `at` (two days after generation).
 */
export function generateCases(opts: { count: number; seed?: number }): Generated {
  const rand = rng(opts.seed ?? 17);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const dir = mkdtempSync(path.join(tmpdir(), "certdesk-diff-"));
  let processes = 0;
  try {
    const script: string[] = ["set -e", `cd ${dir}`];
    for (const k of KEY_TYPES) for (const n of ["ca1", "ca2", "leaf"]) script.push(keyGen(k, `${k}-${n}.key`));
    script.push(keyGen("ec-explicit", "ec-explicit.key"));
    processes += KEY_TYPES.length * 3 + 1;
    const config: string[] = ["[req]", "distinguished_name = dn", "prompt = no", "[dn]", "CN = unused"];
    const pairs = new Map<string, { root: string; ica: string; icaKey: string; rootKey: string; groups: Map<string, DiffCase[]> }>();
    const cases: DiffCase[] = [];
    let serial = 0x1000;

    for (let i = 0; i < opts.count; i++) {
      const single = i < opts.count / 3 || i < DEFECTS.length;
      let defects: Defect[];
      if (single) defects = [DEFECTS[i % DEFECTS.length]!];
      else {
        const n = Math.floor(rand() * 3); // 0, 1 or 2 defects
        const set = new Set<Defect>();
        while (set.size < n) set.add(pick(DEFECTS.slice(1)));
        defects = set.size ? [...set] : ["none"];
        if (CONFLICTS.some(([a, b]) => set.has(a) && set.has(b))) defects = [defects[0]!];
      }
      const caKey = defects.includes("sha1") ? pick(KEY_TYPES.slice(0, 4)) : pick(KEY_TYPES);
      let leafKey = pick(KEY_TYPES);
      if (defects.includes("leaf-explicit-ec")) leafKey = "ec256";
      // SHA-1 only as a defect; other hashes at random (Ed25519 has its own).
      const hash: Hash = defects.includes("sha1") ? "sha1" : pick(HASHES.slice(0, 3));
      const caVariant = defects.filter((d) => CA_DEFECTS.has(d)).sort().join("_") || "plain";
      const pairId = `${caKey}-${hash}-${caVariant}`;
      let pair = pairs.get(pairId);
      if (!pair) {
        const root = `${pairId}-root`;
        const ica = `${pairId}-ica`;
        const nc = caVariant.includes("nc") ? "nameConstraints = critical, permitted;DNS:example.com\n" : "";
        config.push(
          `[${root}]`,
          `basicConstraints = critical, CA:TRUE${caVariant.includes("root-pathlen-0") ? ", pathlen:0" : ""}`,
          "keyUsage = critical, keyCertSign, cRLSign",
          "subjectKeyIdentifier = hash",
          ...(nc ? [nc.trim()] : []),
        );
        const icaBc = caVariant.includes("ica-not-ca") ? "CA:FALSE" : `CA:TRUE${caVariant.includes("ica-pathlen-0") ? ", pathlen:0" : ""}`;
        const icaKu = caVariant.includes("ica-not-ca") ? "digitalSignature" : caVariant.includes("ica-no-keycertsign") ? "digitalSignature, cRLSign" : "keyCertSign, cRLSign";
        config.push(`[${ica}]`, `basicConstraints = critical, ${icaBc}`, `keyUsage = critical, ${icaKu}`, "subjectKeyIdentifier = hash", "authorityKeyIdentifier = keyid:always", ...icaPolicyLines(caVariant));
        // CNs stay under 64 characters: the pair's number, not its long id.
        const short = `${pairs.size + 1} ${caKey} ${hash}`;
        const icaCn = caVariant.includes("ica-cn-hostname-under-nc") ? "issuing-ca.example.org" : `Diff CA ${short}`;
        const d = digestFlag(caKey, hash);
        script.push(
          `openssl req -x509 -new -key ${caKey}-ca1.key ${d} -days 3650 -set_serial ${serial++} -subj "/O=Certdesk Diff/CN=Diff Root ${short}" -config diff.cnf -extensions ${root} -out ${root}.pem`,
          `openssl req -x509 -new -key ${caKey}-ca2.key ${d} -days 3650 -set_serial ${serial++} -subj "/O=Certdesk Diff/CN=${icaCn}" -CA ${root}.pem -CAkey ${caKey}-ca1.key -config diff.cnf -extensions ${ica} -out ${ica}.pem`,
        );
        processes += 2;
        pair = { root: `${root}.pem`, ica: `${ica}.pem`, icaKey: `${caKey}-ca2.key`, rootKey: `${caKey}-ca1.key`, groups: new Map() };
        pairs.set(pairId, pair);
      }
      const id = `case${String(i).padStart(4, "0")}`;
      const has = (d: Defect) => defects.includes(d);
      const san = has("leaf-nc-violation") ? "DNS:client.example.org" : "DNS:client.example.com";
      config.push(
        `[${id}]`,
        "basicConstraints = critical, CA:FALSE",
        has("leaf-ku-no-digital-signature") ? "keyUsage = critical, keyEncipherment" : "keyUsage = critical, digitalSignature",
        `extendedKeyUsage = ${has("leaf-eku-server") ? "serverAuth" : "clientAuth"}`,
        `subjectAltName = ${has("leaf-critical-san") ? "critical, " : ""}${san}`,
        "subjectKeyIdentifier = hash",
        "authorityKeyIdentifier = keyid:always",
        ...(has("leaf-unknown-critical-ext") ? ["1.3.6.1.4.1.55555.17.1 = critical, DER:05:00"] : []),
        ...(leafPolicies(defects).length ? [`certificatePolicies = ${leafPolicies(defects).join(", ")}`] : []),
      );
      const leafKeyFile = has("leaf-explicit-ec") ? "ec-explicit.key" : `${leafKey}-leaf.key`;
      const signer = pair.icaKey;
      script.push(
        `openssl req -x509 -new -key ${leafKeyFile} ${digestFlag(caKey, hash)} -days ${has("leaf-expired") ? 1 : 365} -set_serial ${has("leaf-serial-zero") ? 0 : serial++} -subj "/O=Acme Diff/CN=Client ${id}" -CA ${pair.ica} -CAkey ${signer} -config diff.cnf -extensions ${id} -out ${id}.pem`,
      );
      processes++;
      const policy: DiffPolicyInputs = {
        ...(has("policy-explicit-input") ? { initialExplicitPolicy: true } : {}),
        ...(has("policy-mapping-inhibited") ? { initialPolicyMappingInhibit: true } : {}),
      };
      const c: DiffCase = { id, kind: single ? "single" : "random", caKey, leafKey, hash, defects, rootPem: pair.root, icaPem: pair.ica, leafPem: `${id}.pem`, withIca: !has("ica-missing"), policy, openssl: { ok: false } };
      // One openssl verify per CA pair, intermediate sent or not, and policy inputs.
      const group = `${c.withIca}|${Boolean(policy.initialExplicitPolicy)}|${Boolean(policy.initialPolicyMappingInhibit)}`;
      pair.groups.set(group, [...(pair.groups.get(group) ?? []), c]);
      cases.push(c);
    }
    writeFileSync(path.join(dir, "diff.cnf"), `${config.join("\n")}\n`);
    writeFileSync(path.join(dir, "gen.sh"), `${script.join("\n")}\n`);
    execFileSync("sh", [path.join(dir, "gen.sh")], { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 64 << 20 });
    // A flipped bit in the last signature octet: well-formed, but it does not verify.
    for (const c of cases) {
      if (!c.defects.includes("leaf-bad-signature")) continue;
      const file = path.join(dir, c.leafPem);
      const der = Buffer.from(readFileSync(file, "utf8").replace(/-----[^-]+-----|\s+/g, ""), "base64");
      der[der.length - 1]! ^= 0x01;
      writeFileSync(file, `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/.{1,64}/g, "$&\n")}-----END CERTIFICATE-----\n`);
    }

    const at = new Date(Math.floor(Date.now() / 1000) * 1000 + 2 * 86_400_000);
    for (const pair of pairs.values()) {
      for (const leaves of pair.groups.values()) {
        const { withIca: untrusted, policy } = leaves[0]!;
        // -policy anyPolicy: RFC 5280's default user-initial-policy-set. Without it openssl treats the set as
        // empty and refuses every path on which an explicit policy is required, even a matching one.
        const policyFlags = ["-policy_check", "-policy", "2.5.29.32.0", ...(policy.initialExplicitPolicy ? ["-explicit_policy"] : []), ...(policy.initialPolicyMappingInhibit ? ["-inhibit_map"] : [])];
        const args = ["verify", "-x509_strict", ...policyFlags, "-purpose", "sslclient", "-attime", String(at.getTime() / 1000), "-CAfile", pair.root, ...(untrusted ? ["-untrusted", pair.ica] : []), ...leaves.map((c) => c.leafPem)];
        processes++;
        let out: string;
        try {
          // One stream, so each "error … depth lookup" line stays next to its file's verdict.
          out = execFileSync("sh", ["-c", 'exec openssl "$@" 2>&1', "sh", ...args], { cwd: dir, encoding: "utf8", maxBuffer: 64 << 20 });
        } catch (e) {
          const err = e as { stdout?: string; stderr?: string };
          out = `${err.stdout ?? ""}\n${err.stderr ?? ""}`;
        }
        judge(out, leaves);
      }
    }
    for (const c of cases) {
      c.rootPem = readFileSync(path.join(dir, c.rootPem), "utf8");
      c.icaPem = readFileSync(path.join(dir, c.icaPem), "utf8");
      c.leafPem = readFileSync(path.join(dir, c.leafPem), "utf8");
    }
    return { cases, at, opensslProcesses: processes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads `openssl verify` output for several files: "x.pem: OK", or "error N at D depth lookup: why" then "error x.pem: verification failed". */
function judge(out: string, leaves: DiffCase[]): void {
  const byFile = new Map(leaves.map((c) => [c.leafPem, c]));
  let lastError: string | undefined;
  for (const line of out.split("\n")) {
    const ok = /^(\S+\.pem): OK$/.exec(line);
    if (ok && byFile.has(ok[1]!)) {
      byFile.get(ok[1]!)!.openssl = { ok: true };
      continue;
    }
    const why = /^error \d+ at \d+ depth lookup: (.*)$/.exec(line);
    if (why) {
      lastError ??= why[1];
      continue;
    }
    const failed = /^error (\S+\.pem): verification failed$/.exec(line);
    if (failed && byFile.has(failed[1]!)) {
      byFile.get(failed[1]!)!.openssl = { ok: false, error: lastError ?? "verification failed" };
      lastError = undefined;
    }
  }
  for (const c of leaves) if (!c.openssl.ok && !c.openssl.error) c.openssl = { ok: false, error: "no verdict in openssl output" };
}
