/**
 * The per-minute trigger on AWS (infra/gateway.ts: `ActivationTick`, rate(1 minute)).
 *
 * The activation job opens the database, and a paused Aurora cluster wakes for every
 * connection and then stays up `pauseAfter` (5 minutes). So the tick does not run the job:
 * it lists the S3 due markers (lib/gateway/activation-due.ts) and invokes the jobs Lambda
 * only when one is due — or about to be, one minute ahead, so the database has resumed
 * (~15–30 s) before the window opens and the run at the window itself takes seconds. With
 * nothing due it costs one ListObjectsV2 and never touches the database.
 */
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { DUE_PREFIX, dueAt } from "./due-keys";
import { TICK_ENV } from "./env";

/** How far ahead of a due instant the job is started once to wake the database. */
export const WARM_UP_MS = 90_000;

export type TickResult = { invoked: false } | { invoked: true; reason: "due" | "warm-up"; at: string };

export function createActivationTick(options: { listDueKeys: () => Promise<string[]>; invokeJob: () => Promise<void>; now?: () => Date }): () => Promise<TickResult> {
  const now = options.now ?? (() => new Date());
  return async () => {
    const t = now();
    const instants = (await options.listDueKeys()).map(dueAt).filter((d): d is Date => d !== null).sort((a, b) => a.getTime() - b.getTime());
    const first = instants[0];
    if (!first || first.getTime() > t.getTime() + WARM_UP_MS) return { invoked: false };
    await options.invokeJob();
    return { invoked: true, reason: first <= t ? "due" : "warm-up", at: first.toISOString() };
  };
}

/** Lists the due markers through S3 (first page: keys sort chronologically, the earliest come first). */
export function s3DueLister(s3: S3Client, bucket: string): () => Promise<string[]> {
  return async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: DUE_PREFIX, MaxKeys: 50 }));
    return (out.Contents ?? []).map((o) => o.Key ?? "").filter(Boolean);
  };
}

/** Starts the activation job on the jobs Lambda, asynchronously: the tick returns at once; the job's idempotency covers overlaps. */
export function lambdaJobInvoker(lambda: LambdaClient, functionName: string): () => Promise<void> {
  return async () => {
    await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: "Event", Payload: new TextEncoder().encode(JSON.stringify({ job: "activate-enablements" })) }));
  };
}

export { TICK_ENV };

let tick: (() => Promise<TickResult>) | undefined;

/** Lambda entry: CERTDESK_S3_BUCKET and CERTDESK_JOBS_FUNCTION come from infra/gateway.ts. */
export async function handler(): Promise<TickResult> {
  if (!tick) {
    const bucket = process.env[TICK_ENV.bucket];
    const fn = process.env[TICK_ENV.jobsFunction];
    if (!bucket || !fn) throw new Error(`activation tick: ${TICK_ENV.bucket} and ${TICK_ENV.jobsFunction} must be set`);
    tick = createActivationTick({ listDueKeys: s3DueLister(new S3Client({}), bucket), invokeJob: lambdaJobInvoker(new LambdaClient({}), fn) });
  }
  return tick();
}
