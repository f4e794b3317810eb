/**
 * The S3 bucket that holds partners' (already envelope-encrypted) certificate files and
 * the published gateway trust stores.
 *
 * Defences, each against a named failure:
 * - public access block, all four flags: a later policy or ACL mistake cannot publish files;
 * - versioning + noncurrent-version lifecycle: an overwrite or delete (bug or attacker) can be
 *   undone for the retention period, and old versions do not pile up forever;
 * - default SSE-KMS with our key and the S3 bucket key: at-rest encryption under a key whose
 *   policy we control, with KMS calls (and cost) cut by the bucket key;
 * - bucket policy: plain-HTTP requests refused (SST's `enforceHttps`), and puts refused unless
 *   they ask for SSE-KMS with exactly our key — S3 would otherwise encrypt a put that names
 *   `aws:kms` without a key id under the account's `aws/s3` key, which any role may use.
 */

/** How long an overwritten or deleted file can be restored from its noncurrent version. */
export function noncurrentRetentionDays(production: boolean): number {
  return production ? 365 : 30;
}

export function createFilesBucket(options: { production: boolean; key: { arn: unknown } }) {
  const { key, production } = options;
  const bucket = new sst.aws.Bucket("Files", {
    versioning: true,
    enforceHttps: true,
    // Browsers never talk to this bucket: uploads go through the portal's server actions.
    cors: false,
    policy: [
      {
        effect: "deny",
        principals: "*",
        actions: ["s3:PutObject"],
        paths: ["*"],
        conditions: [{ test: "StringNotEquals", variable: "s3:x-amz-server-side-encryption", values: ["aws:kms"] }],
      },
      {
        effect: "deny",
        principals: "*",
        actions: ["s3:PutObject"],
        paths: ["*"],
        conditions: [
          { test: "StringNotEquals", variable: "s3:x-amz-server-side-encryption-aws-kms-key-id", values: [key.arn] },
        ],
      },
    ],
    transform: {
      bucket: (args: { forceDestroy?: boolean }) => {
        // SST empties buckets on removal by default; production files must survive any removal.
        args.forceDestroy = !production;
      },
      publicAccessBlock: (args: Record<string, unknown>) => {
        args.blockPublicAcls = true;
        args.blockPublicPolicy = true;
        args.ignorePublicAcls = true;
        args.restrictPublicBuckets = true;
      },
    },
  });

  new aws.s3.BucketServerSideEncryptionConfiguration("FilesEncryption", {
    bucket: bucket.name,
    rules: [
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
        bucketKeyEnabled: true,
      },
    ],
  });

  new aws.s3.BucketLifecycleConfiguration("FilesLifecycle", {
    bucket: bucket.name,
    rules: [
      {
        id: "expire-noncurrent-versions",
        status: "Enabled",
        filter: {},
        noncurrentVersionExpiration: { noncurrentDays: noncurrentRetentionDays(production) },
      },
      {
        id: "remove-expired-delete-markers",
        status: "Enabled",
        filter: {},
        expiration: { expiredObjectDeleteMarker: true },
      },
      {
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: {},
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      },
    ],
  });

  return bucket;
}
