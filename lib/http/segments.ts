/**
 * Dynamic route segments are attacker-chosen text: a NUL byte, a lone `%`, malformed
 * percent-encoding or a 10 kB string must end as a 400/404, never reach PostgreSQL (which
 * answers a NUL in a text column or a non-uuid in a uuid column with an error, i.e. a 500)
 * and never reach `decodeURIComponent` (which throws on `%`).
 *
 * Each parser returns the canonical value or `null`; callers turn `null` into a 404 (the
 * thing cannot exist) so a malformed id reveals no more than an unknown one.
 */

/** RFC 9562 textual uuid (any version: ids come from PostgreSQL's gen_random_uuid or tests). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Program environment ids and program ids (lib/policy/program.ts): lower-case, digits, dashes. */
const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Decodes percent-encoding once; `null` for malformed input (lone `%`, bad UTF-8) instead of a URIError. */
export function safeDecodeSegment(raw: unknown): string | null {
  if (typeof raw !== "string" || raw.length > 256) return null;
  if (!raw.includes("%")) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

function match(raw: unknown, pattern: RegExp): string | null {
  if (typeof raw !== "string" || raw.length > 256) return null;
  // Next hands params over decoded; a value that still holds `%` was double-encoded (or is
  // hostile): decode it once more, and only accept what then matches the strict pattern.
  const direct = pattern.test(raw) ? raw : null;
  if (direct !== null) return direct;
  const decoded = safeDecodeSegment(raw);
  return decoded !== null && pattern.test(decoded) ? decoded : null;
}

/** A uuid route segment (app, submission, file ids), lower-cased; `null` when it cannot be one. */
export function parseUuidSegment(raw: unknown): string | null {
  const value = match(raw, UUID);
  return value === null ? null : value.toLowerCase();
}

/** An environment key segment (`sandbox`, `production`…); `null` when it cannot be one. */
export function parseEnvironmentKeySegment(raw: unknown): string | null {
  return match(raw, SLUG);
}

/** A program id segment (`ca-chain`…); `null` when it cannot be one. */
export function parseProgramIdSegment(raw: unknown): string | null {
  return match(raw, SLUG);
}

export type SegmentKind = "uuid" | "environment-key" | "program-id";

const PARSERS: Record<SegmentKind, (raw: unknown) => string | null> = {
  uuid: parseUuidSegment,
  "environment-key": parseEnvironmentKeySegment,
  "program-id": parseProgramIdSegment,
};

/**
 * Parses every named segment or returns `null` when any is malformed.
 *
 * @example
 * const ids = parseSegments(await params, { appId: "uuid", env: "environment-key" });
 * if (!ids) notFound();
 */
export function parseSegments<K extends string>(params: Record<K, unknown>, kinds: Record<K, SegmentKind>): Record<K, string> | null {
  const out = {} as Record<K, string>;
  for (const name of Object.keys(kinds) as K[]) {
    const value = PARSERS[kinds[name]](params[name]);
    if (value === null) return null;
    out[name] = value;
  }
  return out;
}
