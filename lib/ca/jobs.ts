/**
 * The CA's scheduled work: sign pending issuances (an approval whose immediate issuance did
 * not happen or failed) and republish CRLs that are stale (a revocation) or a day old.
 * Locally it runs in the job runner every minute; on AWS in the issuer function (infra/ca.ts),
 * the only role allowed to call kms:Sign.
 */
import { getConfig, type Config } from "@/lib/config";
import type { Database } from "@/lib/db";
import type { Storage } from "@/lib/storage";
import { publishDueCrls } from "./authority";
import { issuePending } from "./issue-certificates";
import { caDeps } from "./runtime";

export async function runCaJobs(input: { db: Database; storage: Storage; now: Date; config?: Config }) {
  const deps = caDeps(input.config ?? getConfig(), { db: input.db, storage: input.storage, now: () => input.now });
  const issuance = await issuePending(deps);
  const crls = await publishDueCrls(deps);
  return { issuance, crls };
}
