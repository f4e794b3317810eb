/**
 * Scheduled job "clean-orphaned-objects": stored objects without a submission file row
 * (see lib/submissions/cleanup-orphans). On AWS the dispatcher (lambda.ts) runs `run`
 * daily (infra/jobs.ts); locally scripts/start.ts's job runner runs `runLocal` on every tick. The same
 * sweep drops rate-limit counters of windows long gone (issue 10), so that table stays small.
 */
import { getConfig } from "../config";
import { getDb } from "../db";
import { createS3Client, getStorage } from "../storage";
import { cleanupOrphans, DEFAULT_GRACE_MS, s3ObjectLister } from "../submissions/cleanup-orphans";
import { pruneRateLimitCounters } from "../rate-limit";
import type { JobContext } from "./types";

export async function run(context: JobContext, options: { graceMs?: number } = {}) {
  const config = getConfig();
  const s3 = createS3Client(config);
  try {
    const db = await getDb();
    const result = await cleanupOrphans(
      { db, storage: getStorage(), listObjects: s3ObjectLister(s3, config.s3.bucket) },
      { now: context.now, ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}) },
    );
    return { ...result, rateLimitCountersPruned: await pruneRateLimitCounters(db, config.rateLimit, context.now) };
  } finally {
    s3.destroy();
  }
}

/**
 * Local mode: one process owns the embedded S3 server and the database, so an object
 * written before this process started cannot belong to an upload still in flight — those
 * are removed at the first run after a start (a crash's leftovers), not an hour later.
 * Objects written since the start keep the usual grace period.
 */
export function graceSinceStart(now: Date, processStartedAt: Date): number {
  // S3's Last-Modified has whole seconds: keep a margin so an object written in this
  // process's first second is never taken for an older one.
  return Math.max(0, Math.min(DEFAULT_GRACE_MS, now.getTime() - processStartedAt.getTime() + LAST_MODIFIED_MARGIN_MS));
}

const LAST_MODIFIED_MARGIN_MS = 2_000;

export async function runLocal(context: JobContext & { processStartedAt: Date }) {
  return run(context, { graceMs: graceSinceStart(context.now, context.processStartedAt) });
}
