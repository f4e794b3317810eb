/**
 * s3rver's built-in account: the SDK must sign with these. They guard nothing (the
 * server listens on loopback only). Kept apart from s3.ts so lib/storage can import
 * them without pulling s3rver into the Next server bundle.
 */
export const EMBEDDED_S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;
