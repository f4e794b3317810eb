/** `npm start`: the CAs of every example program whose issuance is provider-ca, one per environment. */
import type { Config } from "@/lib/config";
import type { Database } from "@/lib/db";
import { EXAMPLE_PROGRAMS } from "@/lib/policy";
import { getStorage, type Storage } from "@/lib/storage";
import { initCertificateAuthority, issuanceOf } from "./authority";
import { caDeps } from "./runtime";

export async function initDemoAuthorities(input: { db: Database; config: Config; storage?: Storage }): Promise<{ created: string[]; existing: string[] }> {
  const deps = caDeps(input.config, { db: input.db, storage: input.storage ?? getStorage() });
  const created: string[] = [];
  const existing: string[] = [];
  for (const program of EXAMPLE_PROGRAMS) {
    if (issuanceOf(program).mode !== "provider-ca") continue;
    for (const env of program.environments) {
      const out = await initCertificateAuthority(deps, { programId: program.id, environmentKey: env.id });
      (out.created ? created : existing).push(`${program.id}/${env.id}`);
    }
  }
  return { created, existing };
}
