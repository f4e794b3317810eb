/**
 * Storage failures as data: a code for the program and a message a person can act on.
 * The message never carries S3 or KMS exception text (which can name buckets, key
 * ARNs and account ids); the original error stays on `cause` for the server log only.
 */
export type StorageErrorCode =
  | "not-found"
  | "context-mismatch"
  | "integrity"
  | "invalid-key"
  | "invalid-context"
  | "too-large"
  | "access-denied"
  | "keyring-unavailable"
  | "unavailable";

const MESSAGES: Record<StorageErrorCode, string> = {
  "not-found": "The stored file does not exist.",
  "context-mismatch":
    "The stored file belongs to a different organisation, app, environment or submission than the one it was requested for; it was not returned.",
  integrity: "The stored file failed its integrity check: it was altered or damaged, or its key could not be unwrapped.",
  "invalid-key": "The storage key is not valid.",
  "invalid-context": "The file's organisation, app, environment, submission or purpose is missing or malformed.",
  "too-large": "The file is too large to store.",
  "access-denied": "The portal is not allowed to use its storage bucket or encryption key; an operator must check its permissions.",
  "keyring-unavailable": "The encryption key is not available, so files can be neither stored nor read.",
  unavailable: "File storage is not reachable right now. Try again in a moment.",
};

export class StorageError extends Error {
  override readonly name = "StorageError";
  constructor(
    readonly code: StorageErrorCode,
    options: { detail?: string; cause?: unknown } = {},
  ) {
    super(options.detail ? `${MESSAGES[code]} ${options.detail}` : MESSAGES[code], { cause: options.cause });
  }
}
