/**
 * s3rver's built-in account, owned by lib/storage (which signs with it) and re-exported
 * here for the embedded server's users: lib/embedded depends on lib/storage, never the reverse.
 */
export { EMBEDDED_S3_CREDENTIALS } from "../storage/local-key";
