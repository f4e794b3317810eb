/**
 * The admin audit page's search and CSV export, beside the trail they read (lib/audit).
 * Administrators only; `searchAuditEvents(db, { viewer, filters: {}, limit: 1 })` is also
 * how the admin home reads the latest event.
 */
import { and, desc, eq, gte, lt, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { auditEvents, submissions, type Database } from "@/lib/db";
import { recordAudit } from "./index";
import { AppError } from "@/lib/auth/app-error";
import type { SessionUser } from "@/lib/auth/access";
import type { RequestMeta } from "@/lib/submissions/actor";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)));

const fields = {
  organisation: z.uuid(),
  app: z.uuid(),
  /** Part of the actor's e-mail. */
  actor: z.string().trim().min(1).max(200),
  /** An action ("submission.approve") or a prefix of dotted parts ("submission"). */
  action: z.string().trim().regex(/^[a-z0-9][a-z0-9.-]{0,99}$/),
  outcome: z.enum(["success", "refused", "failure"]),
  /** UTC days, inclusive. */
  from: day,
  to: day,
  /** Keyset paging: events older than this sequence number. */
  before: z.coerce.number().int().min(1),
};

export type AuditFilters = {
  organisation?: string;
  app?: string;
  actor?: string;
  action?: string;
  outcome?: "success" | "refused" | "failure";
  from?: string;
  to?: string;
  before?: number;
};

/** Filters from GET parameters; malformed values are dropped and reported back as `ignored`. */
export function parseAuditFilters(params: Record<string, string | string[] | undefined>): { filters: AuditFilters; ignored: string[] } {
  const filters: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [name, schema] of Object.entries(fields)) {
    const raw = params[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined || value === "") continue;
    const parsed = (schema as z.ZodType).safeParse(value);
    if (parsed.success) filters[name] = parsed.data;
    else ignored.push(name);
  }
  return { filters: filters as AuditFilters, ignored };
}

/** LIKE with the user's text taken literally: % and _ in a search must not become wildcards. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function conditions(f: AuditFilters): SQL[] {
  const where: SQL[] = [];
  if (f.organisation) where.push(eq(auditEvents.organisationId, f.organisation));
  if (f.app) {
    // Events name an app either in their details (uploads) or through the submission they target.
    const ofApp = sql`select ${submissions.id}::text from ${submissions} where ${submissions.appId} = ${f.app}`;
    where.push(
      or(
        sql`${auditEvents.details} ->> 'appId' = ${f.app}`,
        and(eq(auditEvents.targetType, "submission"), sql`${auditEvents.targetId} in (${ofApp})`),
        and(eq(auditEvents.targetType, "app"), eq(auditEvents.targetId, f.app)),
      )!,
    );
  }
  if (f.actor) where.push(sql`${auditEvents.actorEmail} ilike ${`%${likeLiteral(f.actor.toLowerCase())}%`}`);
  if (f.action) where.push(or(eq(auditEvents.action, f.action), sql`${auditEvents.action} like ${`${likeLiteral(f.action)}.%`}`)!);
  if (f.outcome) where.push(eq(auditEvents.outcome, f.outcome));
  if (f.from) where.push(gte(auditEvents.at, new Date(`${f.from}T00:00:00Z`)));
  if (f.to) where.push(lt(auditEvents.at, new Date(Date.parse(`${f.to}T00:00:00Z`) + 86_400_000)));
  return where;
}

function assertAdmin(viewer: SessionUser): void {
  // The provider's admins only: a partner organisation cannot grant itself "admin" and read everyone's trail.
  if (!viewer.memberships.some((m) => m.role === "admin" && m.kind === "provider")) {
    throw new AppError("FORBIDDEN", "Only administrators can read the audit trail.");
  }
}

export type AuditRow = typeof auditEvents.$inferSelect;

/** One page of matching events, newest first; `nextBefore` continues the listing. */
export async function searchAuditEvents(
  db: Database,
  input: { viewer: SessionUser; filters: AuditFilters; limit?: number },
): Promise<{ events: AuditRow[]; nextBefore: number | null }> {
  assertAdmin(input.viewer);
  const limit = Math.min(Math.max(input.limit ?? 100, 1), 500);
  const where = conditions(input.filters);
  if (input.filters.before) where.push(lt(auditEvents.seq, input.filters.before));
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(...where))
    .orderBy(desc(auditEvents.seq))
    .limit(limit + 1);
  const events = rows.slice(0, limit);
  return { events, nextBefore: rows.length > limit ? events.at(-1)!.seq : null };
}

/** The audit page's page sizes: 50 by default, `?size=` between 10 and 200. */
export const AUDIT_PAGE_SIZE = { default: 50, min: 10, max: 200 } as const;

export type AuditPaging = { page: number; size: number };

/**
 * `?page=` and `?size=` from GET parameters. A size outside 10–200 is brought to the nearest
 * bound; a value that is not a whole number is dropped and named in `ignored`, like a filter.
 */
export function parseAuditPaging(params: Record<string, string | string[] | undefined>): { paging: AuditPaging; ignored: string[] } {
  const ignored: string[] = [];
  const read = (name: string): number | undefined => {
    const raw = params[name];
    const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (value === undefined || value === "") return undefined;
    if (!/^\d{1,9}$/.test(value)) {
      ignored.push(name);
      return undefined;
    }
    return Number(value);
  };
  const page = read("page");
  const size = read("size");
  return {
    paging: {
      page: Math.max(page ?? 1, 1),
      size: size === undefined ? AUDIT_PAGE_SIZE.default : Math.min(Math.max(size, AUDIT_PAGE_SIZE.min), AUDIT_PAGE_SIZE.max),
    },
    ignored,
  };
}

export type AuditPage = {
  events: AuditRow[];
  /** Events matching the filters, on all pages. */
  total: number;
  /** The page shown: the one asked for, or the last page when it asked beyond it. */
  page: number;
  size: number;
  pages: number;
  /** 1-based positions of the first and last event shown (0 and 0 when there are none). */
  from: number;
  to: number;
};

/**
 * One numbered page of the matching events, newest first, with the total, for page links
 * ("Showing 51–100 of 812"). A page past the end shows the last page rather than nothing.
 */
export async function searchAuditPage(
  db: Database,
  input: { viewer: SessionUser; filters: AuditFilters; paging: AuditPaging },
): Promise<AuditPage> {
  assertAdmin(input.viewer);
  const size = Math.min(Math.max(Math.trunc(input.paging.size), AUDIT_PAGE_SIZE.min), AUDIT_PAGE_SIZE.max);
  const where = conditions(input.filters);
  if (input.filters.before) where.push(lt(auditEvents.seq, input.filters.before));
  const [counted] = await db
    .select({ total: sql<number>`count(*)::int` })
    .from(auditEvents)
    .where(and(...where));
  const total = counted?.total ?? 0;
  const pages = Math.max(Math.ceil(total / size), 1);
  const page = Math.min(Math.max(Math.trunc(input.paging.page), 1), pages);
  const events = await db
    .select()
    .from(auditEvents)
    .where(and(...where))
    .orderBy(desc(auditEvents.seq))
    .limit(size)
    .offset((page - 1) * size);
  const from = events.length ? (page - 1) * size + 1 : 0;
  return { events, total, page, size, pages, from, to: events.length ? from + events.length - 1 : 0 };
}

export const CSV_EXPORT_LIMIT = 50_000;
const CSV_COLUMNS = ["seq", "at", "action", "outcome", "actorEmail", "actorUserId", "role", "organisationId", "targetType", "targetId", "ip", "userAgent", "details", "prevHash", "hash"] as const;

/**
 * A CSV cell: quoted, quotes doubled, and text a spreadsheet would run as a formula
 * (=, +, -, @, tab, CR at the start) prefixed with ' — actor e-mails, user agents and
 * details are attacker-influenced (CSV injection).
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

/**
 * The matching events as CSV (oldest first, at most {@link CSV_EXPORT_LIMIT}); the export
 * itself is audited, since it copies the trail out of the system.
 */
export async function exportAuditCsv(
  db: Database,
  input: { viewer: SessionUser; filters: AuditFilters; meta?: RequestMeta; now?: Date },
): Promise<{ csv: string; rows: number; truncated: boolean }> {
  try {
    assertAdmin(input.viewer);
  } catch (error) {
    await recordAudit(db, {
      actorUserId: input.viewer.id,
      actorEmail: input.viewer.email,
      role: input.viewer.roles.join(","),
      action: "audit.export",
      outcome: "refused",
      ip: input.meta?.ip,
      userAgent: input.meta?.userAgent,
    });
    throw error;
  }
  const { before: _before, ...filters } = input.filters;
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(...conditions(filters)))
    .orderBy(desc(auditEvents.seq))
    .limit(CSV_EXPORT_LIMIT + 1);
  const truncated = rows.length > CSV_EXPORT_LIMIT;
  const kept = rows.slice(0, CSV_EXPORT_LIMIT).reverse();
  const lines = [CSV_COLUMNS.join(","), ...kept.map((r) => CSV_COLUMNS.map((c) => csvCell(r[c])).join(","))];
  await recordAudit(db, {
    actorUserId: input.viewer.id,
    actorEmail: input.viewer.email,
    role: input.viewer.roles.join(","),
    action: "audit.export",
    outcome: "success",
    ip: input.meta?.ip,
    userAgent: input.meta?.userAgent,
    at: input.now,
    details: { filters, rows: kept.length, truncated },
  });
  return { csv: `${lines.join("\r\n")}\r\n`, rows: kept.length, truncated };
}
