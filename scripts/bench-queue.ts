/**
 * node --import tsx scripts/bench-queue.ts [submissions=10000]
 *
 * The reviewers' queue against a fresh PGlite holding 10,000 submissions across 100
 * organisations: milliseconds per `listQueue` page (first page, filtered pages, page 50,
 * "past target"). No assertions: speed is watched here, never in tests.
 *
 * To run it from `npm run bench`: `import { queueBench } from "./bench-queue";` in
 * scripts/bench.ts and append `queueBench` to BENCHES (its rows have the same shape).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { eq, sql } from "drizzle-orm";
import { developerApps, environments, memberships, organisations, reviews, submissions, users, type Database } from "../lib/db";
import { migrateDatabase, openDatabase } from "../lib/db/client";
import { listQueue, type QueueFilters } from "../lib/reviews/list-queue";
import { seedReviewFixture } from "../lib/reviews/testing";
import { EXAMPLE_PROGRAMS } from "../lib/policy";

type Row = { bench: string; metric: string; value: string; note?: string };

const DAY = 86_400_000;
const STATUSES = ["in_review", "in_review", "in_review", "in_review", "approved", "approved", "changes_requested", "rejected", "active", "withdrawn"] as const;

/** 100 partner organisations with one app each (programs rotating), and `count` submissions spread over the last 60 days. */
async function seed(db: Database, count: number, now: Date): Promise<{ organisationId: string }> {
  const fixture = await seedReviewFixture(db);
  const orgRows = Array.from({ length: 98 }, (_, i) => ({ name: `Bench Partner ${i}`, slug: `bench-partner-${i}`, companyName: `Bench Partner ${i} Ltd` }));
  const orgs = [fixture.orgs.acme, fixture.orgs.globex, ...(await db.insert(organisations).values(orgRows).returning({ id: organisations.id })).map((o) => o.id)];
  const programs = EXAMPLE_PROGRAMS;
  const apps = await db
    .insert(developerApps)
    .values(orgs.map((organisationId, i) => ({ organisationId, name: `Bench App ${i}`, programId: programs[i % programs.length]!.id })))
    .returning({ id: developerApps.id, organisationId: developerApps.organisationId, programId: developerApps.programId });
  const slots: { appId: string; organisationId: string; programId: string; environmentId: string; production: boolean }[] = [];
  for (const app of apps) {
    const program = programs.find((p) => p.id === app.programId)!;
    const envs = await db
      .insert(environments)
      .values(program.environments.map((e) => ({ appId: app.id, key: e.id, label: e.label, production: e.production })))
      .returning({ id: environments.id, production: environments.production });
    for (const env of envs) slots.push({ appId: app.id, organisationId: app.organisationId, programId: app.programId, environmentId: env.id, production: env.production });
  }
  const [partner] = await db.insert(users).values({ email: "bench-partner@bench.test", name: "Bench Partner" }).returning({ id: users.id });
  await db.insert(memberships).values({ userId: partner!.id, organisationId: orgs[2]!, role: "partner" });

  const batch = 1_000;
  for (let start = 0; start < count; start += batch) {
    const rows = Array.from({ length: Math.min(batch, count - start) }, (_, k) => {
      const i = start + k;
      const slot = slots[i % slots.length]!;
      const status = STATUSES[i % STATUSES.length]!;
      const submittedAt = new Date(now.getTime() - ((i * 7919) % (60 * 24)) * (DAY / 24));
      return {
        id: randomUUID(),
        organisationId: slot.organisationId,
        appId: slot.appId,
        environmentId: slot.environmentId,
        kind: "chain" as const,
        status,
        verdict: "accepted" as const,
        programId: slot.programId,
        programVersion: 1,
        createdBy: partner!.id,
        approvalsRequired: slot.production ? 2 : 1,
        leafSpkiSha256: randomBytes(32).toString("hex"),
        leafSubject: `CN=bench client ${i}`,
        submittedAt,
        decidedAt: status === "in_review" || status === "withdrawn" ? null : new Date(submittedAt.getTime() + DAY),
        createdAt: submittedAt,
        updatedAt: submittedAt,
      };
    });
    await db.insert(submissions).values(rows);
    // A first approval on some production submissions in review (the approvals column counts these).
    const firstApprovals = rows.filter((r, k) => r.status === "in_review" && r.approvalsRequired === 2 && k % 3 === 0);
    if (firstApprovals.length) {
      await db.insert(reviews).values(firstApprovals.map((r) => ({ submissionId: r.id, reviewerId: fixture.users.reviewer1.id, decision: "approve" as const })));
    }
  }
  // What autovacuum does on a server after a bulk load: without statistics the planner guesses.
  await db.execute(sql`analyze`);
  return { organisationId: orgs[5]! };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function runQueueBench(count = 10_000): Promise<Row[]> {
  const opened = await openDatabase({ kind: "pglite", dir: "memory://" });
  try {
    await migrateDatabase(opened.db);
    const db = opened.db;
    const now = new Date();
    const seedStart = performance.now();
    const { organisationId } = await seed(db, count, now);
    const seedMs = performance.now() - seedStart;
    const [reviewerRow] = await db.select({ id: users.id }).from(users).where(eq(users.email, "reviewer1@certdesk.test"));
    const { loadSessionUser } = await import("../lib/auth/access");
    const viewer = (await loadSessionUser(db, reviewerRow!.id))!;
    const cases: { metric: string; filters: Partial<QueueFilters> }[] = [
      { metric: "first page (in review, oldest first)", filters: {} },
      { metric: "filtered: production, one organisation", filters: { environment: "production", organisation: organisationId } },
      { metric: "filtered: program s2s-zip, newest first", filters: { program: "s2s-zip", sort: "newest" } },
      { metric: "page 50 (offset 1,225)", filters: { page: 50 } },
      { metric: "past target (overdue), by organisation", filters: { overdue: true, sort: "organisation" } },
      { metric: "approved tab, page 10", filters: { status: "approved", page: 10 } },
    ];
    const rows: Row[] = [{ bench: "queue", metric: `seed ${count.toLocaleString("en-US")} submissions`, value: `${Math.round(seedMs)} ms` }];
    for (const c of cases) {
      await listQueue(db, { viewer, filters: c.filters, now }); // warm-up: plan cache, JIT
      const times: number[] = [];
      let items = 0;
      let total = 0;
      for (let i = 0; i < 7; i++) {
        const t0 = performance.now();
        const page = await listQueue(db, { viewer, filters: c.filters, now });
        times.push(performance.now() - t0);
        items = page.items.length;
        total = page.total;
      }
      rows.push({ bench: "queue", metric: c.metric, value: `${median(times).toFixed(1)} ms/page`, note: `median of 7; ${items} rows of ${total.toLocaleString("en-US")}` });
    }
    return rows;
  } finally {
    await opened.close();
  }
}

/** The `npm run bench` entry (see the module comment for wiring). */
export const queueBench = { name: "queue", run: (_ctx?: unknown) => runQueueBench() };

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const count = Number.parseInt(process.argv[2] ?? "10000", 10);
  runQueueBench(count).then(
    (rows) => {
      for (const r of rows) console.log(`${r.bench.padEnd(6)} ${r.metric.padEnd(44)} ${r.value.padStart(16)}  ${r.note ?? ""}`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
