/**
 * The async pre-step before the pure engine: fetch what the upload points to (missing
 * intermediates via AIA caIssuers) and prepare the live revocation checker. The engine then
 * receives the fetched certificates as input (`fetchedIntermediates`) and the checker through
 * its `statusChecker` seam, so lib/pki and lib/policy never do I/O themselves.
 *
 * The portal and the partner API run it always; the CLI only with `--fetch`.
 */
import { intake } from "../intake";
import type { IntakeItem } from "../intake/types";
import { type FetchedIntermediate, chaseAia } from "../pki-fetch/aia";
import type { ResponseCache } from "../pki-fetch/cache";
import { type PkiFetchOptions, fetchPkiUrl } from "../pki-fetch/fetch";
import { publicTrustAnchors } from "../pki/node-roots";
import type { Program } from "../policy/program";
import { type Fetcher, type RevocationChecker, createRevocationChecker } from "./status-checker";

/** Most certificates fetched for one chain: the engine's default path depth. */
export const AIA_MAX_DEPTH = 8;

export type LiveChecks = {
  checker: RevocationChecker;
  fetchedIntermediates: FetchedIntermediate[];
  aiaMisses: { url: string; why: string }[];
};

/** The production fetcher: lib/pki-fetch with the configured allow-list (CERTDESK_FETCH_ALLOW_HOSTS). */
export function pkiFetcher(opts: PkiFetchOptions): Fetcher {
  return (url, req) => fetchPkiUrl(url, req, opts);
}

function anchorsOf(program: Program, override?: readonly (string | Uint8Array)[]): readonly (string | Uint8Array)[] {
  if (override) return override;
  const t = program.trustAnchors;
  return t.mode === "replace" ? t.pems : t.mode === "extend" ? [...publicTrustAnchors(), ...t.pems] : publicTrustAnchors();
}

/**
 * @example
 * const live = await prepareLiveChecks({ items: intakeResult.items, program, fetch: pkiFetcher({ allowHosts }), now: () => new Date() });
 * const verdict = await evaluateUpload({ ..., statusChecker: live.checker.statusChecker, fetchedIntermediates: live.fetchedIntermediates });
 */
export async function prepareLiveChecks(opts: {
  /** The upload's items (intake), or raw files to classify. */
  items?: readonly IntakeItem[];
  files?: readonly { name: string; bytes: Uint8Array }[];
  program: Program;
  trustAnchors?: readonly (string | Uint8Array)[];
  fetch: Fetcher;
  cache?: ResponseCache;
  now: () => Date;
  crypto?: Crypto;
}): Promise<LiveChecks> {
  const certs: Uint8Array[] = [];
  for (const i of opts.items ?? []) if (i.kind === "certificate") certs.push(i.der);
  if (opts.files?.length) {
    // The same reading as the engine's (archives included); an upload intake refuses is not fetched for.
    const read = await intake([...opts.files]);
    if (!read.refused) for (const i of read.items) if (i.kind === "certificate") certs.push(i.der);
  }
  const checker = createRevocationChecker({ fetch: opts.fetch, ...(opts.cache ? { cache: opts.cache } : {}), now: opts.now, ...(opts.crypto ? { crypto: opts.crypto } : {}) });
  const out: LiveChecks = { checker, fetchedIntermediates: [], aiaMisses: [] };
  if (opts.program.rules.submission.chain === "refused" || certs.length === 0) return out;
  const anchors = anchorsOf(opts.program, opts.trustAnchors);
  const seen = new Set<string>();
  // Each uploaded certificate whose issuer is missing is a starting point (usually just the leaf).
  for (const start of certs) {
    if (out.fetchedIntermediates.length >= AIA_MAX_DEPTH) break;
    const r = await chaseAia({
      leaf: start,
      intermediates: [...certs, ...out.fetchedIntermediates.map((f) => f.der)],
      trustAnchors: anchors,
      fetch: opts.fetch,
      ...(opts.cache ? { cache: opts.cache } : {}),
      maxDepth: AIA_MAX_DEPTH - out.fetchedIntermediates.length,
      now: opts.now(),
      ...(opts.crypto ? { crypto: opts.crypto } : {}),
    });
    for (const f of r.fetched) {
      if (seen.has(f.fingerprintSha256)) continue;
      seen.add(f.fingerprintSha256);
      out.fetchedIntermediates.push(f);
    }
    out.aiaMisses.push(...r.misses);
  }
  return out;
}
