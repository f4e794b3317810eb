/**
 * Upload limits, enforced at the edge (before a body is read whole) and again in the
 * domain. A certificate chain is a few kilobytes; these bound memory and storage, not use.
 */
import { DEFAULT_LIMITS } from "@/lib/intake";

/** Total bytes of all files of one upload (the engine's own limit). */
export const MAX_UPLOAD_BYTES = DEFAULT_LIMITS.maxUploadBytes;
/** Files in one upload (a chain split over files, plus a CSR or two). */
export const MAX_FILES = 20;
/** Multipart framing and text fields on top of the files. */
export const MAX_REQUEST_OVERHEAD_BYTES = 64 * 1024;
/** The largest request body read at all; anything longer is cut off and answered 413. */
export const MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + MAX_REQUEST_OVERHEAD_BYTES;

export const PURPOSES = ["mtls", "signature"] as const;
export type Purpose = (typeof PURPOSES)[number];

export function describeBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} bytes`;
}
