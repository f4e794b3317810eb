/**
 * The CA's dependencies for this process: local keys under the data dir, or the KMS keys
 * infra/ca.ts created (named in CERTDESK_CA_KEYS, with the region from the configuration).
 */
import type { Config } from "@/lib/config";
import type { Database } from "@/lib/db";
import type { Storage } from "@/lib/storage";
import type { CaDeps } from "./authority";
import { CA_KEYS_ENV, kmsSignerSource, localSignerSource, parseCaKeys, type SignerSource } from "./keys";

const SIGNERS = Symbol.for("certdesk.ca.signers");

/** One signer source per process, so key files are opened (and KMS public keys fetched) once. */
export function signerSourceFor(config: Config, env: Record<string, string | undefined> = process.env): SignerSource {
  const g = globalThis as { [SIGNERS]?: { key: string; source: SignerSource } };
  const key = config.keyring.kind === "kms" ? `kms:${env[CA_KEYS_ENV] ?? ""}` : `local:${config.dataDir}`;
  if (g[SIGNERS]?.key === key) return g[SIGNERS].source;
  const source =
    config.keyring.kind === "kms"
      ? kmsSignerSource({ keys: parseCaKeys(env[CA_KEYS_ENV]), region: config.keyring.region })
      : localSignerSource(config.dataDir);
  g[SIGNERS] = { key, source };
  return source;
}

export function caDeps(config: Config, deps: { db: Database; storage: Storage; now?: () => Date }): CaDeps {
  return { ...deps, signers: signerSourceFor(config), publicUrl: config.publicUrl };
}
