/**
 * What local mode's storage needs from the embedded runtime, without importing it: the
 * s3rver account and the local wrapping key. The dependency points one way — lib/embedded
 * imports lib/storage, never the reverse. `createStorage` takes the key as `deps.localKey`;
 * when a composition root did not pass one, it uses the key the embedded runtime checked
 * and provided for that key file in this process (`ensureLocalKey` calls `provideLocalKey`).
 */

/** s3rver's built-in account: the SDK must sign with these. They guard nothing (the server listens on loopback only). */
export const EMBEDDED_S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

/** Reads the 32-byte local wrapping key (the embedded runtime checks its mode and length each time). */
export type LocalKeySource = () => Promise<Uint8Array>;

/* Keyed by key file, on globalThis: the start script and the Next bundle are two copies of this module. */
const REGISTRY = Symbol.for("certdesk.storage.local-keys");

function registry(): Map<string, LocalKeySource> {
  const g = globalThis as { [REGISTRY]?: Map<string, LocalKeySource> };
  g[REGISTRY] ??= new Map();
  return g[REGISTRY];
}

/** Registers where the local wrapping key for `keyFile` comes from (called by lib/embedded once the key is checked). */
export function provideLocalKey(keyFile: string, source: LocalKeySource): void {
  registry().set(keyFile, source);
}

/** The source registered for `keyFile`, if any. */
export function providedLocalKey(keyFile: string): LocalKeySource | undefined {
  return registry().get(keyFile);
}
