/**
 * The e-mail delivery job (issue 14): on AWS every 15 minutes, the outbox rows that are due
 * go out through SESv2, with retries and backoff (lib/notifications/email.ts). Locally the
 * outbox itself is the delivery record (the admin outbox page), and nothing is sent.
 */
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db";
import { deliverPendingEmails } from "./email";
import { sesSender } from "./ses";

export async function run({ now }: { now: Date }) {
  const config = getConfig();
  if (config.email.kind !== "ses") return { sent: 0, skipped: "local mode: the outbox is the delivery record" };
  return deliverPendingEmails(await getDb(), { sender: sesSender({ region: config.email.region }), from: config.email.from, now, limit: 200 });
}
