/**
 * The embedded runtime for `npm start` on a laptop or in CI: a local wrapping key, an
 * auth secret, an S3-compatible server on loopback, and a safe reset. Nothing here
 * runs in aws mode.
 */
export { ensureLocalKey, readLocalKey, ensureAuthSecret, ensureDataDir, LOCAL_KEY_BYTES, DATA_DIR_MARKER } from "./keys";
export { startEmbeddedS3, startS3Server, EMBEDDED_S3_CREDENTIALS, type EmbeddedS3 } from "./s3";
export { resetLocalData } from "./reset";
export { repairEmbeddedS3, describeS3Repair, type S3RepairReport } from "./repair-s3";
export { EmbeddedError } from "./errors";
