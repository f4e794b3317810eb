/**
 * The issuer Lambda (infra/ca.ts): the only role allowed to call kms:Sign on the CA keys.
 * Every minute it makes sure each configured CA exists (creating it signs with the root key,
 * which nothing else may do), signs pending issuances and republishes due CRLs. The portal's
 * role never signs: on AWS an approval records the pending issuance and this function signs it.
 */
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db";
import { getStorage } from "@/lib/storage";
import { initCertificateAuthority } from "./authority";
import { runCaJobs } from "./jobs";
import { CA_KEYS_ENV, parseCaKeys } from "./keys";
import { caDeps } from "./runtime";

/** The CA scopes named in CERTDESK_CA_KEYS that have both a root and an issuing key. */
export function configuredScopes(keys: Record<string, string>): { programId: string; environmentKey: string }[] {
  const scopes = new Set<string>();
  for (const name of Object.keys(keys)) {
    const [programId, environmentKey, role] = name.split("/");
    if (programId && environmentKey && role === "root" && keys[`${programId}/${environmentKey}/issuing`]) scopes.add(`${programId}/${environmentKey}`);
  }
  return [...scopes].map((s) => {
    const [programId, environmentKey] = s.split("/") as [string, string];
    return { programId, environmentKey };
  });
}

export async function handler(): Promise<unknown> {
  const config = getConfig();
  const db = await getDb();
  const storage = getStorage();
  const now = new Date();
  const deps = caDeps(config, { db, storage, now: () => now });
  const created: string[] = [];
  for (const scope of configuredScopes(parseCaKeys(process.env[CA_KEYS_ENV]))) {
    if ((await initCertificateAuthority(deps, scope)).created) created.push(`${scope.programId}/${scope.environmentKey}`);
  }
  return { created, ...(await runCaJobs({ db, storage, now, config })) };
}
