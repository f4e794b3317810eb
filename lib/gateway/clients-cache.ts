/**
 * The authorizer's copy of `clients.json`, refreshed by version.
 *
 * Every `maxAgeMs` (30 s) at most, one small read of `current.json`; only when its version
 * differs is the (larger) `clients.json` fetched. A new version therefore reaches the
 * gateway at most `maxAgeMs` after it was published (the issue's bound is 60 s; 30 s leaves
 * the other half for the tick and the job, so a window opens at the gateway within a
 * minute), and an authorizer answering thousands of requests a minute makes two small S3
 * requests a minute.
 *
 * Fail closed, stay up: before the first successful load every request is denied (the
 * caller gets `null`); a failed refresh later keeps the version it has (it was right a
 * minute ago, and denying every partner because S3 blinked would be an outage) and retries
 * at the next request after `retryMs`.
 */
import type { ClientsJson, CurrentPointer } from "@/lib/scheduling/publish-truststore";
import type { GatewayScope } from "./authorize";

export type TruststoreSource = {
  /** `current.json` of the scope, or null before the first publication. */
  readPointer(): Promise<CurrentPointer | null>;
  readClients(key: string): Promise<ClientsJson>;
};

export type ClientsCache = {
  get(): Promise<ClientsJson | null>;
  /** The version held, for logs and tests. */
  readonly version: number | null;
};

/** Same layout as lib/scheduling/publish-truststore's `truststorePrefix` (kept free of its database imports). */
export function truststoreKeys(scope: GatewayScope): { pointer: string; truststore: string; clients: string } {
  const prefix = `truststores/${scope.programId}/${scope.environmentKey}`;
  return { pointer: `${prefix}/current.json`, truststore: `${prefix}/current/truststore.pem`, clients: `${prefix}/current/clients.json` };
}

export function createClientsCache(options: {
  source: TruststoreSource;
  maxAgeMs?: number;
  retryMs?: number;
  now?: () => number;
  log?: (line: string, error?: unknown) => void;
}): ClientsCache {
  const maxAgeMs = options.maxAgeMs ?? 30_000;
  const retryMs = options.retryMs ?? 5_000;
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: string, error?: unknown) => console.error(line, error ?? ""));
  let held: { clients: ClientsJson | null; version: number | null } | null = null;
  let nextCheck = 0;
  let refreshing: Promise<void> | null = null;

  async function refresh(): Promise<void> {
    try {
      const pointer = await options.source.readPointer();
      if (!pointer) held = { clients: null, version: null };
      else if (!held || held.version !== pointer.version) held = { clients: await options.source.readClients(pointer.clientsKey), version: pointer.version };
      nextCheck = now() + maxAgeMs;
    } catch (error) {
      log(`gateway: refreshing clients.json failed; ${held ? `keeping version ${held.version}` : "denying until it loads"}`, error);
      nextCheck = now() + retryMs;
    }
  }

  return {
    async get() {
      if (now() >= nextCheck) {
        // Concurrent requests share one refresh.
        refreshing ??= refresh().finally(() => (refreshing = null));
        await refreshing;
      }
      return held?.clients ?? null;
    },
    get version() {
      return held?.version ?? null;
    },
  };
}
