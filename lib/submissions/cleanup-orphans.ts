/**
 * Removes stored objects that no submission file row points at: left behind when the
 * database write failed and the immediate clean-up failed too, or when a replaced
 * draft's objects could not be deleted. Objects younger than the grace period are kept,
 * because an upload in flight writes its objects before its rows commit.
 */
import { inArray } from "drizzle-orm";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { Database } from "@/lib/db";
import { submissionFiles } from "@/lib/db";
import type { Storage } from "@/lib/storage";
import { recordAudit } from "@/lib/audit";

export type ListedObject = { key: string; lastModified: Date };
export type ListObjects = (prefix: string) => Promise<ListedObject[]>;

/** Object listing with modification times (the Storage facade lists keys only). */
export function s3ObjectLister(s3: S3Client, bucket: string): ListObjects {
  return async (prefix) => {
    const out: ListedObject[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key) out.push({ key: o.Key, lastModified: o.LastModified ?? new Date(0) });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  };
}

export const DEFAULT_GRACE_MS = 60 * 60 * 1000;
const PREFIX = "submissions/";

export async function cleanupOrphans(
  deps: { db: Database; storage: Storage; listObjects: ListObjects },
  options: { now: Date; graceMs?: number },
): Promise<{ scanned: number; deleted: number; failed: number }> {
  const cutoff = options.now.getTime() - (options.graceMs ?? DEFAULT_GRACE_MS);
  const objects = await deps.listObjects(PREFIX);
  const old = objects.filter((o) => o.lastModified.getTime() < cutoff);
  let deleted = 0;
  let failed = 0;
  // In batches: one indexed IN query per 500 keys, not one query per object.
  for (let i = 0; i < old.length; i += 500) {
    const batch = old.slice(i, i + 500).map((o) => o.key);
    const rows = await deps.db.select({ key: submissionFiles.objectKey }).from(submissionFiles).where(inArray(submissionFiles.objectKey, batch));
    const referenced = new Set(rows.map((r) => r.key));
    for (const key of batch) {
      if (referenced.has(key)) continue;
      try {
        await deps.storage.deleteObject(key);
        deleted++;
      } catch (error) {
        failed++;
        console.error(`cleanup-orphans: could not delete ${key}`, error instanceof Error ? error.message : error);
      }
    }
  }
  if (deleted || failed) {
    await recordAudit(deps.db, { action: "storage.orphans_removed", outcome: failed ? "failure" : "success", at: options.now, details: { scanned: objects.length, deleted, failed } });
  }
  return { scanned: objects.length, deleted, failed };
}
