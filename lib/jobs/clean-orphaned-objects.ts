/**
 * Scheduled job "clean-orphaned-objects": stored objects without a submission file row
 * (see lib/submissions/cleanup-orphans). Wire it into lib/jobs/lambda.ts's JOBS table as
 * `load: () => import("./clean-orphaned-objects").then((m) => m.run)`.
 */
import { getConfig } from "../config";
import { getDb } from "../db";
import { createS3Client, getStorage } from "../storage";
import { cleanupOrphans, s3ObjectLister } from "../submissions/cleanup-orphans";
import type { JobContext } from "./lambda";

export async function run(context: JobContext) {
  const config = getConfig();
  const s3 = createS3Client(config);
  try {
    return await cleanupOrphans({ db: await getDb(), storage: getStorage(), listObjects: s3ObjectLister(s3, config.s3.bucket) }, { now: context.now });
  } finally {
    s3.destroy();
  }
}
