/**
 * What the public CA endpoints serve: no sign-in, public data only (CA certificates and the
 * signed CRL), from the database and S3. Unknown scopes are a plain 404.
 */
import type { Database } from "@/lib/db";
import type { Storage } from "@/lib/storage";
import { caBundlePem, findAuthority, readPublishedCrl } from "./authority";

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export type PublicScope = { programId: string; environmentKey: string };

function valid(scope: PublicScope): boolean {
  return ID.test(scope.programId) && ID.test(scope.environmentKey);
}

/** Issuing CA then root, PEM; null when there is no such CA. */
export async function publicCaPem(db: Database, scope: PublicScope): Promise<string | null> {
  if (!valid(scope)) return null;
  const authority = await findAuthority(db, scope);
  return authority ? caBundlePem(authority) : null;
}

/** The issuing CA's newest CRL, DER; null when there is no such CA (or no CRL yet). */
export async function publicCrl(storage: Storage, scope: PublicScope): Promise<Uint8Array | null> {
  if (!valid(scope)) return null;
  return (await readPublishedCrl(storage, scope)) ?? null;
}

/** CRLs change within a minute of a revocation: caches may keep one for a minute only. */
export const CRL_CACHE_CONTROL = "public, max-age=60";
/** CA certificates change only when a CA is re-keyed. */
export const CA_PEM_CACHE_CONTROL = "public, max-age=3600";
