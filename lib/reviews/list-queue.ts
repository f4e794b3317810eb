/**
 * The reviewers' queue: submissions across organisations, filtered, sorted and paged in
 * SQL (it must stay fast with tens of thousands of rows), with counts per status and an
 * age badge against each program's review target.
 */
import { and, asc, count, desc, eq, inArray, isNotNull, lt, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { developerApps, environments, organisations, reviews, submissions, type Database } from "@/lib/db";
import type { SessionUser } from "@/lib/auth/access";
import { ageBadge, ageCutoff, businessDaysBetween, type AgeBadge } from "./business-days";
import { reviewTargets } from "./programs";
import { assertCanReadReviews } from "./reviewer";

export const QUEUE_STATUSES = ["in_review", "changes_requested", "approved", "rejected"] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];
export const QUEUE_SORTS = ["oldest", "newest", "organisation"] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/);

const fields = {
  status: z.enum(QUEUE_STATUSES),
  program: slug,
  environment: slug,
  organisation: z.uuid(),
  /** At least this many business days waiting. */
  minAge: z.coerce.number().int().min(1).max(250),
  /** Only those past their program's review target. */
  overdue: z.enum(["1", "true"]).transform(() => true),
  sort: z.enum(QUEUE_SORTS),
  page: z.coerce.number().int().min(1).max(100_000),
  pageSize: z.coerce.number().int().min(5).max(100),
};

export type QueueFilters = {
  status: QueueStatus;
  program?: string;
  environment?: string;
  organisation?: string;
  minAge?: number;
  overdue?: boolean;
  sort: QueueSort;
  page: number;
  pageSize: number;
};

export const DEFAULT_QUEUE_FILTERS: QueueFilters = { status: "in_review", sort: "oldest", page: 1, pageSize: 25 };

/**
 * Filters from GET parameters. A malformed value is dropped (the default applies) rather
 * than failing the page: a hand-edited URL should still show a queue.
 */
export function parseQueueFilters(params: Record<string, string | string[] | undefined>): QueueFilters {
  const out: Record<string, unknown> = { ...DEFAULT_QUEUE_FILTERS };
  for (const [name, schema] of Object.entries(fields)) {
    const raw = params[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined || value === "") continue;
    const parsed = (schema as z.ZodType).safeParse(value);
    if (parsed.success) out[name] = parsed.data;
  }
  return out as QueueFilters;
}

/** The filters as GET parameters (defaults left out), for links that keep the current view. */
export function queueSearchParams(filters: Partial<QueueFilters>): URLSearchParams {
  const p = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined || value === false) continue;
    if (DEFAULT_QUEUE_FILTERS[key as keyof QueueFilters] === value) continue;
    p.set(key, value === true ? "1" : String(value));
  }
  return p;
}

export type QueueItem = {
  id: string;
  status: QueueStatus;
  kind: "chain" | "csr";
  purpose: "mtls" | "signature";
  organisationId: string;
  organisationName: string;
  appId: string;
  appName: string;
  programId: string;
  environmentKey: string;
  environmentLabel: string;
  production: boolean;
  leafSubject: string | null;
  submittedAt: Date | null;
  decidedAt: Date | null;
  approvals: number;
  approvalsRequired: number;
  /** Issue 16: the viewer gave one of the approvals (in review: waiting for someone else's). */
  approvedByViewer: boolean;
  supersedesId: string | null;
  ageBusinessDays: number;
  targetBusinessDays: number;
  badge: AgeBadge;
};

export type QueuePage = {
  filters: QueueFilters;
  items: QueueItem[];
  /** Per status, under every filter except the status one (the tabs). */
  counts: Record<QueueStatus, number>;
  total: number;
  pageCount: number;
};

/**
 * One page of the queue.
 *
 * @example
 * const page = await listQueue(db, { viewer, filters: parseQueueFilters(searchParams), now: new Date() });
 */
export async function listQueue(db: Database, input: { viewer: SessionUser; filters?: Partial<QueueFilters>; now?: Date }): Promise<QueuePage> {
  assertCanReadReviews(input.viewer);
  const filters: QueueFilters = { ...DEFAULT_QUEUE_FILTERS, ...input.filters };
  const now = input.now ?? new Date();

  // Issue 16: only what was sent for review; an upload the checks rejected is `rejected` too but never reached a reviewer.
  const common: SQL[] = [isNotNull(submissions.submittedAt)];
  if (filters.program) common.push(eq(submissions.programId, filters.program));
  if (filters.environment) common.push(eq(environments.key, filters.environment));
  if (filters.organisation) common.push(eq(submissions.organisationId, filters.organisation));
  if (filters.minAge) common.push(lt(submissions.submittedAt, ageCutoff(now, filters.minAge)));

  // Targets differ per program, so "overdue" is one submitted-before cutoff per program.
  const programIds = filters.program
    ? [filters.program]
    : (await db.selectDistinct({ id: developerApps.programId }).from(developerApps)).map((r) => r.id);
  const targets = await reviewTargets(db, programIds);
  if (filters.overdue) {
    const perProgram = [...targets].map(([id, days]) => and(eq(submissions.programId, id), lt(submissions.submittedAt, ageCutoff(now, days + 1)))!);
    common.push(perProgram.length ? or(...perProgram)! : sql`false`);
  }

  const countRows = await db
    .select({ status: submissions.status, n: count() })
    .from(submissions)
    .innerJoin(environments, eq(environments.id, submissions.environmentId))
    .where(and(inArray(submissions.status, [...QUEUE_STATUSES]), ...common))
    .groupBy(submissions.status);
  const counts = Object.fromEntries(QUEUE_STATUSES.map((s) => [s, 0])) as Record<QueueStatus, number>;
  for (const row of countRows) counts[row.status as QueueStatus] = row.n;
  const total = counts[filters.status];
  const pageCount = Math.max(1, Math.ceil(total / filters.pageSize));

  const order = (() => {
    switch (filters.sort) {
      case "oldest":
        return [asc(submissions.submittedAt), asc(submissions.id)];
      case "newest":
        return [desc(submissions.submittedAt), desc(submissions.id)];
      case "organisation":
        return [asc(organisations.name), asc(submissions.submittedAt), asc(submissions.id)];
      default: {
        const never: never = filters.sort;
        throw new Error(`unknown sort ${String(never)}`);
      }
    }
  })();

  const rows = await db
    .select({
      id: submissions.id,
      status: submissions.status,
      kind: submissions.kind,
      purpose: submissions.purpose,
      organisationId: submissions.organisationId,
      organisationName: organisations.name,
      appId: submissions.appId,
      appName: developerApps.name,
      programId: submissions.programId,
      environmentKey: environments.key,
      environmentLabel: environments.label,
      production: environments.production,
      leafSubject: submissions.leafSubject,
      submittedAt: submissions.submittedAt,
      decidedAt: submissions.decidedAt,
      approvalsRequired: submissions.approvalsRequired,
      supersedesId: submissions.supersedesId,
    })
    .from(submissions)
    .innerJoin(environments, eq(environments.id, submissions.environmentId))
    .innerJoin(developerApps, eq(developerApps.id, submissions.appId))
    .innerJoin(organisations, eq(organisations.id, submissions.organisationId))
    .where(and(eq(submissions.status, filters.status), ...common))
    .orderBy(...order)
    .limit(filters.pageSize)
    .offset((filters.page - 1) * filters.pageSize);

  // Counted for the page's rows only: as a column it would run for every row skipped by OFFSET.
  const approvalRows = rows.length
    ? await db
        .select({ submissionId: reviews.submissionId, n: count(), mine: sql<boolean>`bool_or(${reviews.reviewerId} = ${input.viewer.id})` })
        .from(reviews)
        .where(and(inArray(reviews.submissionId, rows.map((r) => r.id)), eq(reviews.decision, "approve")))
        .groupBy(reviews.submissionId)
    : [];
  const approvals = new Map(approvalRows.map((r) => [r.submissionId, r.n]));
  const mine = new Set(approvalRows.filter((r) => r.mine).map((r) => r.submissionId));

  const items = rows.map((r): QueueItem => {
    const targetBusinessDays = targets.get(r.programId) ?? 2;
    // A decided submission's age stops at its decision.
    const ageBusinessDays = r.submittedAt ? businessDaysBetween(r.submittedAt, r.decidedAt ?? now) : 0;
    return { ...r, status: r.status as QueueStatus, approvals: approvals.get(r.id) ?? 0, approvedByViewer: mine.has(r.id), ageBusinessDays, targetBusinessDays, badge: ageBadge(ageBusinessDays, targetBusinessDays) };
  });
  return { filters, items, counts, total, pageCount };
}

/** Choices for the queue's filter form. */
export async function queueFilterOptions(db: Database): Promise<{ programs: string[]; environments: string[]; organisations: { id: string; name: string }[] }> {
  const [programs, envs, orgs] = await Promise.all([
    db.selectDistinct({ id: developerApps.programId }).from(developerApps).orderBy(developerApps.programId),
    db.selectDistinct({ key: environments.key }).from(environments).orderBy(environments.key),
    db.select({ id: organisations.id, name: organisations.name }).from(organisations).where(eq(organisations.kind, "partner")).orderBy(organisations.name),
  ]);
  return { programs: programs.map((p) => p.id), environments: envs.map((e) => e.key), organisations: orgs };
}
