/** The S3 keys of activation due markers (lib/gateway/activation-due.ts); dependency-free, so the tick Lambda stays small. */
export const DUE_PREFIX = "schedule/activation-due/";
export const SERVED_GRACE_MS = 120_000;

/** `2026-03-05T10:00:00.000Z` → `schedule/activation-due/20260305T100000Z` (S3 keys here take no colons). */
export function dueKey(at: Date): string {
  return `${DUE_PREFIX}${at.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "")}`;
}

export function dueAt(key: string): Date | null {
  const m = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(key);
  return m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) : null;
}

