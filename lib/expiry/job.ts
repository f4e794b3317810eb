/** The expiry job's entry for the jobs Lambda (lib/jobs/lambda.ts) and the local runner. */
import { getDb } from "@/lib/db";
import { run as deliverEmails } from "@/lib/notifications/deliver-job";
import { runExpiryJob, type ExpiryJobReport } from "./run-expiry-job";

export async function run({ now }: { now: Date }): Promise<ExpiryJobReport & { emails: unknown }> {
  const report = await runExpiryJob({ db: await getDb(), now });
  // The reminders and digests just written leave now (on AWS; locally the outbox is the record).
  const emails = await deliverEmails({ now }).catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }));
  return { ...report, emails };
}
