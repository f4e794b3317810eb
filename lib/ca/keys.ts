/**
 * Where each CA's keys are: a file in the data dir (local mode) or a KMS key (aws mode, one per
 * CA, created by infra/ca.ts and named to the runtime in CERTDESK_CA_KEYS). The database keeps
 * only the reference ("local:ca/<program>/<env>/issuing.key", "kms:<arn>").
 */
import path from "node:path";
import { KMS } from "@aws-sdk/client-kms";
import { createKmsSigner } from "./kms-signer";
import { createLocalSigner } from "./local-signer";
import type { CaKeySpec, CaSigner } from "./signer";

export type CaRole = "root" | "issuing";
export type CaScope = { programId: string; environmentKey: string };

/** The key spec Certdesk's CAs use (docs/ca.md: why RSA 2048). */
export const DEFAULT_CA_KEY_SPEC: CaKeySpec = "RSA_2048";

/** The env var naming the KMS keys: JSON {"<program>/<environment>/<root|issuing>": "<key arn>"}. */
export const CA_KEYS_ENV = "CERTDESK_CA_KEYS";

export type SignerSource = {
  /** The reference for a new CA's key (creating nothing yet). */
  refFor(scope: CaScope, role: CaRole): string;
  /** A signer for a stored reference; a local key is created on first use. */
  open(ref: string, keySpec: CaKeySpec): Promise<CaSigner>;
};

const SAFE = /^[a-z0-9][a-z0-9-]{0,63}$/;

function checkScope(scope: CaScope): void {
  if (!SAFE.test(scope.programId) || !SAFE.test(scope.environmentKey)) throw new Error("invalid CA scope");
}

/** Local mode: keys under `<dataDir>/ca/<program>/<environment>/`. */
export function localSignerSource(dataDir: string): SignerSource {
  const cache = new Map<string, Promise<CaSigner>>();
  return {
    refFor(scope, role) {
      checkScope(scope);
      return `local:ca/${scope.programId}/${scope.environmentKey}/${role}.key`;
    },
    open(ref, keySpec) {
      const rel = ref.replace(/^local:/, "");
      if (!ref.startsWith("local:") || rel.includes("..") || !/^ca\/[a-z0-9/-]+\.key$/.test(rel)) return Promise.reject(new Error(`not a local CA key reference: ${ref}`));
      const key = `${rel}|${keySpec}`;
      let signer = cache.get(key);
      if (!signer) {
        signer = createLocalSigner({ file: path.join(dataDir, rel), algorithm: keySpec });
        signer.catch(() => cache.delete(key));
        cache.set(key, signer);
      }
      return signer;
    },
  };
}

/** Reads CERTDESK_CA_KEYS (aws mode). */
export function parseCaKeys(value: string | undefined): Record<string, string> {
  if (!value) return {};
  const parsed = JSON.parse(value) as unknown;
  if (!parsed || typeof parsed !== "object") throw new Error(`${CA_KEYS_ENV} must be a JSON object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== "string" || !/^arn:aws[a-z-]*:kms:/.test(v)) throw new Error(`${CA_KEYS_ENV}.${k} must be a KMS key ARN`);
    out[k] = v;
  }
  return out;
}

/** AWS mode: the KMS keys infra created, one per CA. */
export function kmsSignerSource(options: { keys: Record<string, string>; region: string; client?: KMS }): SignerSource {
  const client = options.client ?? new KMS({ region: options.region });
  const cache = new Map<string, CaSigner>();
  return {
    refFor(scope, role) {
      checkScope(scope);
      const arn = options.keys[`${scope.programId}/${scope.environmentKey}/${role}`];
      if (!arn) throw new Error(`no KMS key for the ${role} CA of ${scope.programId}/${scope.environmentKey}: add it to infra/ca.ts (${CA_KEYS_ENV})`);
      return `kms:${arn}`;
    },
    async open(ref, keySpec) {
      if (!ref.startsWith("kms:")) throw new Error(`not a KMS CA key reference: ${ref}`);
      const key = `${ref}|${keySpec}`;
      let signer = cache.get(key);
      if (!signer) cache.set(key, (signer = createKmsSigner({ client, keyId: ref.slice(4), algorithm: keySpec })));
      return signer;
    },
  };
}
