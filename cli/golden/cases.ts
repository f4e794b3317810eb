/**
 * The golden corpus: `certdesk check … --json` calls over uploads from ../shared/testdata
 * (real chains, pyca/pkilint certificates and CSRs, PKCS#7, hostile zips) and over the
 * generated files in cli/golden/corpus/ (see generate-corpus.ts). Each case's exact stdout
 * is kept in cli/golden/expected/<name>.json. Every case fixes `--at`, so no output depends
 * on the wall clock. Paths are relative to the repository root; the shared test data sits
 * beside the clone as ../shared (as in CI).
 */
import { readFileSync } from "node:fs";
import path from "node:path";

export type GoldenCase = { name: string; argv: string[] };

const T = "../shared/testdata";
const G = "cli/golden/corpus";
const P = "cli/golden/programs";
/** The instant the generated corpus was minted around (lib/pki/testing/factory DEFAULT_AT). */
const GEN_AT = ["--at", "2026-01-01T00:00:00Z"];
/** For the other shared files: a fixed instant close to the limbo-online captures. */
const REAL_AT = ["--at", "2025-11-06T00:00:00Z"];
const ROOT = path.resolve(import.meta.dirname, "../..");
/** Each limbo-online capture is evaluated at the validation time its testcase.json names. */
const limboAt = (dir: string) => {
  const t = (JSON.parse(readFileSync(path.resolve(ROOT, dir, "testcase.json"), "utf8")) as { validation_time: string }).validation_time;
  return ["--at", new Date(t).toISOString()];
};

const check = (files: string[], ...rest: string[]) => ["check", ...files, ...rest, "--json"];
const gen = (f: string) => `${G}/${f}`;

const LIMBO_SITES = [
  "akamai.com", "amazon.com", "apple.com", "aws.amazon.com", "bing.com", "cloudflare.com", "docs.python.org",
  "facebook.com", "fastly.com", "google.com", "microsoft.com", "s3.amazonaws.com", "stackoverflow.com", "storage.googleapis.com",
];
const LIMBO_PROGRAMS = ["ca-chain", "s2s-zip", "self-signed-allowed"];

const real: GoldenCase[] = LIMBO_SITES.map((site, i) => {
  const dir = `${T}/certs/real-chains/limbo-online/${site}`;
  const program = LIMBO_PROGRAMS[i % LIMBO_PROGRAMS.length]!;
  return { name: `limbo-${site}-${program}`, argv: check([`${dir}/leaf.pem`, `${dir}/intermediates.pem`, `${dir}/root.pem`], "--program", program, ...limboAt(dir)) };
});

const shared: GoldenCase[] = [
  { name: "limbo-google-leaf-only-ca-chain", argv: check([`${T}/certs/real-chains/limbo-online/google.com/leaf.pem`], "--program", "ca-chain", ...limboAt(`${T}/certs/real-chains/limbo-online/google.com`)) },
  { name: "limbo-fastly-root-first", argv: check([`${T}/certs/real-chains/limbo-online/fastly.com/root.pem`, `${T}/certs/real-chains/limbo-online/fastly.com/leaf.pem`, `${T}/certs/real-chains/limbo-online/fastly.com/intermediates.pem`], "--program", "s2s-zip", ...limboAt(`${T}/certs/real-chains/limbo-online/fastly.com`)) },
  { name: "le-r3-s2s", argv: check([`${T}/certs/real-chains/letsencrypt/lets-encrypt-r3.pem`, `${T}/certs/real-chains/letsencrypt/isrgrootx1.pem`], "--program", "s2s-zip", ...REAL_AT) },
  { name: "le-r3-der-ca-chain", argv: check([`${T}/certs/real-chains/letsencrypt/lets-encrypt-r3.der`], "--program", "ca-chain", ...REAL_AT) },
  { name: "le-trustid-p7b", argv: check([`${T}/certs/real-chains/letsencrypt/trustid-x3-root.p7b`], "--program", "ca-chain", ...REAL_AT) },
  { name: "pyca-cryptography-io-chain", argv: check([`${T}/certs/pyca/x509/cryptography.io.chain.pem`], "--program", "ca-chain", ...REAL_AT) },
  { name: "pyca-with-garbage", argv: check([`${T}/certs/pyca/x509/cryptography.io.with_garbage.pem`], "--program", "ca-chain", ...REAL_AT) },
  { name: "pyca-v1-cert", argv: check([`${T}/certs/pyca/x509/v1_cert.pem`], "--program", "self-signed-allowed", ...REAL_AT) },
  { name: "pyca-md2-root", argv: check([`${T}/certs/pyca/x509/verisign_md2_root.pem`], "--program", "self-signed-allowed", ...REAL_AT) },
  { name: "pyca-bad-asn1-time", argv: check([`${T}/certs/pyca/x509/badasn1time.pem`], "--program", "ca-chain", ...REAL_AT) },
  { name: "pyca-e-trust-der", argv: check([`${T}/certs/pyca/x509/e-trust.ru.der`], "--program", "ca-chain", ...REAL_AT) },
  { name: "pyca-ecdsa-root", argv: check([`${T}/certs/pyca/x509/ecdsa_root.pem`], "--program", "self-signed-allowed", ...REAL_AT) },
  { name: "pyca-wildcard-san", argv: check([`${T}/certs/pyca/x509/wildcard_san.pem`], "--program", "ca-chain", ...REAL_AT) },
  { name: "pyca-amazon-roots-p7b", argv: check([`${T}/certs/pyca/pkcs7/amazon-roots.p7b`], "--program", "ca-chain", ...REAL_AT) },
  { name: "pyca-amazon-roots-p7-der", argv: check([`${T}/certs/pyca/pkcs7/amazon-roots.der`], "--program", "s2s-zip", ...REAL_AT) },
  { name: "pyca-csr-rsa-sha256", argv: check([`${T}/certs/pyca/x509/requests/rsa_sha256.pem`], "--program", "provider-ca-csr", ...REAL_AT) },
  { name: "pyca-csr-rsa-sha1-der", argv: check([`${T}/certs/pyca/x509/requests/rsa_sha1.der`], "--program", "provider-ca-csr", ...REAL_AT) },
  { name: "pyca-csr-ec-and-rsa", argv: check([`${T}/certs/pyca/x509/requests/ec_sha256.pem`, `${T}/certs/pyca/x509/requests/rsa_sha256.pem`], "--program", "provider-ca-csr", ...REAL_AT) },
  { name: "pyca-csr-invalid-signature", argv: check([`${T}/certs/pyca/x509/requests/invalid_signature.pem`, `${T}/certs/pyca/x509/requests/rsa_md4.pem`], "--program", "provider-ca-csr", ...REAL_AT) },
  { name: "pyca-csr-on-ca-chain", argv: check([`${T}/certs/pyca/x509/requests/rsa_sha256.pem`], "--program", "ca-chain", ...REAL_AT) },
  { name: "pkilint-qwac-psd2", argv: check([`${T}/certs/pkilint/etsi/qevcp_w_psd2_eidas_final_certificate/invalid_orgid_scheme.crttest`], "--program", "ca-chain", "--psd2-roles", "PSP_AI", ...REAL_AT) },
  { name: "zip-traversal-variants", argv: check([`${T}/zips/generated/traversal-variants.zip`], "--program", "s2s-zip", ...REAL_AT) },
  { name: "zip-duplicate-names", argv: check([`${T}/zips/generated/duplicate-names.zip`], "--program", "s2s-zip", ...REAL_AT) },
  { name: "zip-truncated", argv: check([`${T}/zips/generated/truncated-no-eocd.zip`], "--program", "ca-chain", ...REAL_AT) },
  { name: "zip-encrypted", argv: check([`${T}/zips/generated/encrypted-zipcrypto-pw-infected.zip`], "--program", "ca-chain", ...REAL_AT) },
  { name: "zip-symlink-escape", argv: check([`${T}/zips/generated/symlink-escape.zip`], "--program", "ca-chain", ...REAL_AT) },
  { name: "zip-odd-names", argv: check([`${T}/zips/generated/odd-names.zip`], "--program", "ca-chain", ...REAL_AT) },
  { name: "zip-ratio-bomb", argv: check([`${T}/zips/generated/ratio-bomb-200MB.zip`], "--program", "ca-chain", ...REAL_AT) },
];

const A = ["--trust-anchor", gen("root.pem")];
const ACME = ["--company", "Acme Payments"];
const STRICT = ["--program-file", `${P}/strict.json`, ...A, ...ACME, ...GEN_AT];

const generated: GoldenCase[] = [
  { name: "gen-chain-ca-chain", argv: check([gen("chain.pem")], "--program", "ca-chain", ...A, ...GEN_AT) },
  { name: "gen-chain-no-anchor", argv: check([gen("chain.pem")], "--program", "ca-chain", ...GEN_AT) },
  { name: "gen-chain-strict", argv: check([gen("chain.pem")], ...STRICT) },
  { name: "gen-chain-no-root-strict", argv: check([gen("chain-no-root.pem")], ...STRICT) },
  { name: "gen-chain-no-root-s2s", argv: check([gen("chain-no-root.pem")], "--program", "s2s-zip", ...A, ...GEN_AT) },
  { name: "gen-wrong-order", argv: check([gen("wrong-order.pem")], "--program", "ca-chain", ...A, ...GEN_AT) },
  { name: "gen-duplicate", argv: check([gen("duplicate.pem")], ...STRICT) },
  { name: "gen-leaf-der-strict", argv: check([gen("leaf.der"), gen("chain-no-root.pem"), gen("root.pem")], ...STRICT) },
  { name: "gen-leaf-only", argv: check([gen("leaf-only.pem")], "--program", "ca-chain", ...A, ...GEN_AT) },
  { name: "gen-chain-zip-s2s", argv: check([gen("chain.zip")], "--program", "s2s-zip", ...A, ...GEN_AT) },
  { name: "gen-der-in-zip-s2s", argv: check([gen("chain-der-in.zip")], "--program", "s2s-zip", ...A, ...GEN_AT) },
  { name: "gen-expired", argv: check([gen("expired.pem")], ...STRICT) },
  { name: "gen-not-yet-valid", argv: check([gen("not-yet-valid.pem")], ...STRICT) },
  { name: "gen-expiring-20d", argv: check([gen("expiring-20d.pem")], "--program", "ca-chain", ...A, ...GEN_AT) },
  { name: "gen-expiring-60d", argv: check([gen("expiring-60d.pem")], "--program", "ca-chain", ...A, ...GEN_AT) },
  { name: "gen-short-lived-strict", argv: check([gen("short-lived.pem")], ...STRICT) },
  { name: "gen-short-lived-s2s", argv: check([gen("short-lived.pem")], "--program", "s2s-zip", ...A, ...GEN_AT) },
  { name: "gen-long-lived", argv: check([gen("long-lived.pem")], ...STRICT) },
  { name: "gen-rsa1024", argv: check([gen("rsa1024.pem")], ...STRICT) },
  { name: "gen-rsa4096", argv: check([gen("rsa4096.pem")], ...STRICT) },
  { name: "gen-ec-p384", argv: check([gen("ec-p384.pem")], ...STRICT) },
  { name: "gen-ec-p384-s2s", argv: check([gen("ec-p384.pem")], "--program", "s2s-zip", ...A, ...GEN_AT) },
  { name: "gen-ed25519", argv: check([gen("ed25519.pem")], "--program", "ca-chain", ...A, ...GEN_AT) },
  { name: "gen-sha1", argv: check([gen("sha1.pem")], "--program", "ca-chain", ...A, ...GEN_AT) },
  { name: "gen-eku-server-only", argv: check([gen("eku-server-only.pem")], ...STRICT) },
  { name: "gen-no-eku", argv: check([gen("no-eku.pem")], ...STRICT) },
  { name: "gen-ku-no-digital-signature", argv: check([gen("ku-no-digital-signature.pem")], "--program", "ca-chain", ...A, ...GEN_AT) },
  { name: "gen-company-mismatch", argv: check([gen("company-mismatch.pem")], ...STRICT) },
  { name: "gen-bad-signature", argv: check([gen("bad-signature.pem")], "--program", "ca-chain", ...A, ...GEN_AT) },
  { name: "gen-unknown-critical", argv: check([gen("unknown-critical.pem")], "--program", "ca-chain", ...A, ...GEN_AT) },
  { name: "gen-leaf-is-ca", argv: check([gen("leaf-is-ca.pem")], "--program", "ca-chain", ...A, ...GEN_AT) },
  { name: "gen-qwac-roles-ok", argv: check([gen("qwac-psd2.pem")], ...STRICT, "--psd2-roles", "PSP_AI", "--org-id", "PSDGB-FCA-123456") },
  { name: "gen-qwac-role-missing", argv: check([gen("qwac-psd2.pem")], ...STRICT, "--psd2-roles", "PSP_AS,PSP_IC", "--org-id", "PSDGB-FCA-999999") },
  { name: "gen-no-qwac-roles-needed", argv: check([gen("chain.pem")], ...STRICT, "--psd2-roles", "PSP_PI") },
  { name: "gen-chain-and-csr", argv: check([gen("chain-and-csr.pem")], "--program", "ca-chain", ...A, ...GEN_AT) },
  { name: "gen-chain-and-wrong-csr", argv: check([gen("chain-and-wrong-csr.pem")], "--program", "ca-chain", ...A, ...GEN_AT) },
  { name: "gen-self-signed-allowed", argv: check([gen("self-signed-chain.pem")], "--program", "self-signed-allowed", ...ACME, ...GEN_AT) },
  { name: "gen-self-signed-wrong-company", argv: check([gen("self-signed-chain.pem")], "--program", "self-signed-allowed", "--company", "Globex", ...GEN_AT) },
  { name: "gen-self-signed-on-ca-chain", argv: check([gen("self-signed-chain.pem")], "--program", "ca-chain", ...GEN_AT) },
  { name: "gen-self-signed-leaf-only", argv: check([gen("self-signed-leaf-only.pem")], "--program", "self-signed-allowed", ...ACME, ...GEN_AT) },
  { name: "gen-self-signed-single", argv: check([gen("self-signed-single.pem")], "--program", "self-signed-allowed", ...ACME, ...GEN_AT) },
  { name: "gen-self-signed-strict-file", argv: check([gen("self-signed-chain.pem")], "--program-file", `${P}/self-signed-strict.json`, ...ACME, ...GEN_AT) },
  { name: "gen-self-signed-strict-zip", argv: check([gen("chain.zip")], "--program-file", `${P}/self-signed-strict.json`, ...ACME, ...GEN_AT) },
  { name: "gen-csr-pair", argv: check([gen("mtls.csr"), gen("signature.csr")], "--program", "provider-ca-csr", ...GEN_AT) },
  { name: "gen-csr-pair-zip", argv: check([gen("csrs.zip")], "--program", "provider-ca-csr", ...GEN_AT) },
  { name: "gen-csr-one-missing", argv: check([gen("mtls.csr")], "--program", "provider-ca-csr", ...GEN_AT) },
  { name: "gen-csr-same-key", argv: check([gen("mtls.csr"), gen("signature-same-key.csr")], "--program", "provider-ca-csr", ...GEN_AT) },
  { name: "gen-csr-missing-fields", argv: check([gen("mtls-missing-fields.csr"), gen("signature.csr")], "--program", "provider-ca-csr", ...GEN_AT) },
  { name: "gen-csr-rsa4096", argv: check([gen("mtls-rsa4096.csr"), gen("signature.csr")], "--program", "provider-ca-csr", ...GEN_AT) },
  { name: "gen-csr-rsa1024", argv: check([gen("mtls-rsa1024.csr"), gen("signature.csr")], "--program", "provider-ca-csr", ...GEN_AT) },
  { name: "gen-csr-bad-signature", argv: check([gen("mtls-bad-signature.csr"), gen("signature.csr")], "--program", "provider-ca-csr", ...GEN_AT) },
  { name: "gen-csr-der", argv: check([gen("mtls.csr.der"), gen("signature.csr")], "--program", "provider-ca-csr", ...GEN_AT) },
  { name: "gen-csr-with-chain-refused", argv: check([gen("mtls.csr"), gen("signature.csr"), gen("chain.pem")], "--program", "provider-ca-csr", ...GEN_AT) },
  { name: "gen-garbage", argv: check([gen("garbage.pem")], "--program", "ca-chain", ...GEN_AT) },
  { name: "gen-notes-txt", argv: check([gen("notes.txt")], "--program", "ca-chain", ...GEN_AT) },
  { name: "gen-empty", argv: check([gen("empty.pem")], "--program", "self-signed-allowed", ...GEN_AT) },
  { name: "gen-private-key", argv: check([gen("with-private-key.pem")], "--program", "ca-chain", ...A, ...GEN_AT) },
];

export const GOLDEN_CASES: readonly GoldenCase[] = [...real, ...shared, ...generated];

/** Cases the test also runs through the real CLI process, to prove run.ts prints what it prints. */
export const SPAWNED_CASES: readonly string[] = ["gen-wrong-order", "gen-csr-pair", "limbo-google.com-ca-chain"];
