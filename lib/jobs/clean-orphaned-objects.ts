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
 * written before this process began accepting requests cannot belong to an upload still in
 * flight — those are removed at the first run after a start (a crash's leftovers), not an
 * hour later. Objects written since keep the usual grace period.
 *
 * S3's Last-Modified has whole seconds, so the cut-off is the accepting instant rounded
 * down to its second: an object this process writes in that first second reads as written
 * at the cut-off, never before it. (A previous process's last object cannot share that
 * second: opening the database and seeding take longer than that.)
 */
export function graceSinceStart(now: Date, acceptingSince: Date): number {
  const cutoff = Math.floor(acceptingSince.getTime() / 1000) * 1000;
  return Math.max(0, Math.min(DEFAULT_GRACE_MS, now.getTime() - cutoff));
}

export async function runLocal(context: JobContext & { acceptingSince: Date }) {
  return run(context, { graceMs: graceSinceStart(context.now, context.acceptingSince) });
}
