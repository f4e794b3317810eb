/**
 * The audit trail: append-only events, each carrying the SHA-256 of the one before, so
 * an edited, deleted or reordered event breaks the chain and `verifyAuditChain` finds it.
 *
 * Call `recordAudit` with the caller's transaction, so the state change and its audit
 * event commit (or roll back) together. Appends are serialised with a transaction-scoped
 * advisory lock, so concurrent writers on a PostgreSQL server still form one chain.
 *
 * NEVER put secrets in `details`: no passwords, tokens, session ids, private keys, raw
 * certificate or CSR files. Ids, codes and counts only. As a second line of defence,
 * keys that look like secrets are replaced by "[redacted]" before the event is hashed.
 *
 * Limits: the chain proves nothing was changed or removed *before* the newest event;
 * cutting events off the end is only detectable against a head hash kept elsewhere
 * (`verifyAuditChain` returns it, e.g. for a daily report). The database also refuses
 * UPDATE/DELETE/TRUNCATE on the table (migration 0001).
 */
import { createHash } from "node:crypto";
import { asc, desc, gt, is, sql } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import type { Database } from "../db/client";
import { auditEvents } from "../db/schema";

export type AuditOutcome = "success" | "refused" | "failure";

export type AuditEventInput = {
  actorUserId?: string | null;
  actorEmail?: string | null;
  role?: string | null;
  organisationId?: string | null;
  /** Dotted verb, e.g. "auth.sign-in", "submission.approve", "access.refused". */
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  outcome: AuditOutcome;
  ip?: string | null;
  userAgent?: string | null;
  /** Ids, codes, counts. Never secrets (see the module comment). */
  details?: Record<string, unknown>;
  at?: Date;
};

export type AuditRecord = { seq: number; hash: string; prevHash: string; at: Date };

export type AuditVerification =
  | { ok: true; count: number; headHash: string }
  | { ok: false; count: number; firstBadSeq: number; reason: string };

/** prevHash of the first event. */
export const GENESIS_HASH = "0".repeat(64);

/** pg_advisory_xact_lock key that serialises appends ("certdesk.audit"). */
const AUDIT_LOCK_KEY = 4_137_225_190_311_723_301n;

const LIMITS = { short: 256, userAgent: 512 } as const;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Keys whose values are secrets by name ("password", "accessToken", "privateKey"…); "tokenPrefix" is fine. */
const SECRET_KEY = /(password|passwd|secret|token|authorization|cookie|private_?key|api_?key|credentials?)$/i;
const PRIVATE_KEY_PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * Makes a string storable exactly as hashed: PostgreSQL text refuses NUL, and a lone UTF-16
 * surrogate would be re-encoded on the way in, so the stored value would no longer match its
 * hash (a false tamper alarm an attacker could trigger with a crafted User-Agent).
 */
function clean(value: string | null | undefined, max: number = LIMITS.short): string | null {
  if (value === undefined || value === null) return null;
  // eslint-disable-next-line no-control-regex -- removing NUL is the point
  const s = value.replace(LONE_SURROGATE, "\uFFFD").replace(/\u0000/g, "");
  return s.length > max ? s.slice(0, max) : s;
}

function cleanDetails(value: unknown, depth = 0): unknown {
  if (depth > 8) return "[too deep]";
  if (typeof value === "string") return PRIVATE_KEY_PEM.test(value) ? "[redacted]" : clean(value, 2_000);
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "boolean" || value === null) return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.slice(0, 200).map((v) => cleanDetails(v, depth + 1) ?? null);
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      const key = clean(k)!;
      out[key] = SECRET_KEY.test(key) ? "[redacted]" : cleanDetails(v, depth + 1);
    }
    return out;
  }
  // undefined, bigint, functions, symbols: not JSON.
  return typeof value === "bigint" ? value.toString() : null;
}

/** JSON with object keys sorted at every level: the same event always encodes the same way (jsonb reorders keys). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

type HashedFields = {
  seq: number;
  at: Date;
  actorUserId: string | null;
  actorEmail: string | null;
  role: string | null;
  organisationId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  ip: string | null;
  userAgent: string | null;
  details: unknown;
  prevHash: string;
};

/** SHA-256 over a versioned, canonical encoding of every field and the previous hash. */
export function hashAuditEvent(e: HashedFields): string {
  const encoded = canonical([
    "certdesk-audit-v1",
    e.seq,
    e.at.toISOString(),
    e.actorUserId,
    e.actorEmail,
    e.role,
    e.organisationId,
    e.action,
    e.targetType,
    e.targetId,
    e.outcome,
    e.ip,
    e.userAgent,
    e.details ?? {},
    e.prevHash,
  ]);
  return createHash("sha256").update(encoded, "utf8").digest("hex");
}

/**
 * Appends one event. Pass the transaction that makes the change being audited; given a
 * plain database it opens its own. Use READ COMMITTED (the default): the lock is taken
 * first and the chain head read after it, so the head is the latest committed one.
 *
 * Inside a transaction, pass `tx`, never the outer `db`: PGlite runs one transaction at a
 * time, so an append through `db` would wait for the open transaction forever.
 */
export async function recordAudit(db: Database, event: AuditEventInput): Promise<AuditRecord> {
  if (!is(db, PgTransaction)) return db.transaction((tx) => append(tx, event));
  return append(db, event);
}

async function append(tx: Database, event: AuditEventInput): Promise<AuditRecord> {
  if (!event.action || !["success", "refused", "failure"].includes(event.outcome)) {
    throw new Error("recordAudit: an event needs an action and an outcome of success, refused or failure");
  }
  // Held until the caller's transaction ends: the next writer reads our event as its head.
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
  const [head] = await tx
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  const fields: HashedFields = {
    seq: (head?.seq ?? 0) + 1,
    // Milliseconds: what a JS Date holds, so the hash recomputes exactly from the stored row.
    at: new Date(Math.floor((event.at ?? new Date()).getTime())),
    actorUserId: clean(event.actorUserId),
    actorEmail: clean(event.actorEmail),
    role: clean(event.role),
    organisationId: clean(event.organisationId),
    action: clean(event.action)!,
    targetType: clean(event.targetType),
    targetId: clean(event.targetId),
    outcome: event.outcome,
    ip: clean(event.ip, 64),
    userAgent: clean(event.userAgent, LIMITS.userAgent),
    details: cleanDetails(event.details ?? {}),
    prevHash: head?.hash ?? GENESIS_HASH,
  };
  const hash = hashAuditEvent(fields);
  await tx.insert(auditEvents).values({
    ...fields,
    outcome: event.outcome,
    details: fields.details as Record<string, unknown>,
    hash,
  });
  return { seq: fields.seq, hash, prevHash: fields.prevHash, at: fields.at };
}

/**
 * Walks the whole chain in order and reports the first event that does not follow:
 * edited (its hash no longer matches its fields), removed (a gap in `seq`, or the next
 * event's prevHash points at something else) or reordered (seq is inside the hash).
 */
export async function verifyAuditChain(db: Database, options: { batchSize?: number } = {}): Promise<AuditVerification> {
  const batchSize = options.batchSize ?? 1_000;
  let previous: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  let count = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(gt(auditEvents.seq, previous.seq))
      .orderBy(asc(auditEvents.seq))
      .limit(batchSize);
    for (const row of rows) {
      const bad = (reason: string): AuditVerification => ({ ok: false, count, firstBadSeq: row.seq, reason });
      if (row.seq !== previous.seq + 1) {
        return bad(
          previous.seq === 0
            ? `the chain starts at event ${row.seq}, not 1: earlier events were removed`
            : `events ${previous.seq + 1}–${row.seq - 1} are missing (removed)`,
        );
      }
      if (row.prevHash !== previous.hash) {
        return bad(`event ${row.seq} does not follow event ${previous.seq}: an earlier event was removed, replaced or reordered`);
      }
      if (hashAuditEvent({ ...row, details: row.details }) !== row.hash) {
        return bad(`event ${row.seq} was edited: its contents no longer match its hash`);
      }
      previous = { seq: row.seq, hash: row.hash };
      count++;
    }
    if (rows.length < batchSize) break;
  }
  return { ok: true, count, headHash: previous.hash };
}
