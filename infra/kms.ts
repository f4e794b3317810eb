/**
 * The customer-managed KMS key that wraps every stored file's data key (envelope
 * encryption in `lib/storage`) and encrypts the bucket server-side.
 *
 * Threat: anyone in the AWS account with broad IAM rights reading partners' certificate
 * files. The key policy therefore lets only the portal's and the jobs' Lambda roles use
 * the key; the account root keeps administration (so the key can never become
 * unmanageable) but not encrypt/decrypt. Changing that is a `PutKeyPolicy` call,
 * which CloudTrail records.
 */

/** What the roles may do with the key: the Encryption SDK's and SSE-KMS's calls, nothing more. */
export const KEY_USE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"] as const;

/** Administration without use: no Encrypt, Decrypt, ReEncrypt or GenerateDataKey*. */
export const KEY_ADMIN_ACTIONS = [
  "kms:Create*",
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:Put*",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Disable*",
  "kms:Get*",
  "kms:Delete*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:RotateKeyOnDemand",
] as const;

export function createFilesKey(options: { production: boolean }) {
  const key = new aws.kms.Key("FilesKey", {
    description: `Certdesk ${$app.stage}: envelope encryption of partners' certificate files`,
    keyUsage: "ENCRYPT_DECRYPT",
    customerMasterKeySpec: "SYMMETRIC_DEFAULT",
    // Annual automatic rotation of the backing key; old versions still decrypt old files.
    enableKeyRotation: true,
    rotationPeriodInDays: 365,
    // A deleted key makes every file unreadable: give production the longest window to cancel.
    deletionWindowInDays: options.production ? 30 : 7,
  });
  new aws.kms.Alias("FilesKeyAlias", { name: `alias/certdesk-${$app.stage}-files`, targetKeyId: key.keyId });
  // Linking grants the IAM side; the key policy below is the side that cannot be widened by IAM alone.
  const link = new sst.Linkable("FilesKeyLink", {
    properties: { arn: key.arn },
    include: [sst.aws.permission({ actions: [...KEY_USE_ACTIONS], resources: [key.arn] })],
  });
  return { key, link };
}

/**
 * Replaces the key's default policy once the roles exist. A separate `KeyPolicy` resource
 * (not the key's inline `policy`) breaks the cycle key → role permissions → key policy.
 */
export function restrictKeyUse(options: { key: { id: unknown }; users: unknown[] }) {
  const partition = aws.getPartitionOutput({}).partition;
  const accountId = aws.getCallerIdentityOutput({}).accountId;
  return new aws.kms.KeyPolicy("FilesKeyPolicy", {
    keyId: options.key.id,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AccountAdministersButDoesNotUse",
          Effect: "Allow",
          Principal: { AWS: $interpolate`arn:${partition}:iam::${accountId}:root` },
          Action: [...KEY_ADMIN_ACTIONS],
          Resource: "*",
        },
        {
          Sid: "OnlyPortalAndJobsUse",
          Effect: "Allow",
          Principal: { AWS: options.users },
          Action: [...KEY_USE_ACTIONS],
          Resource: "*",
        },
      ],
    }),
  });
}
