/** The expiry job's entry for the jobs Lambda (lib/jobs/lambda.ts) and the local runner. */
import { getDb } from "@/lib/db";
import { runExpiryJob, type ExpiryJobReport } from "./run-expiry-job";

export async function run({ now }: { now: Date }): Promise<ExpiryJobReport> {
  return runExpiryJob({ db: await getDb(), now });
}
