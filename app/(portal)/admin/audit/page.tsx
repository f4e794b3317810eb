import type { Metadata } from "next";
import Link from "next/link";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { verifyAuditChain } from "@/lib/audit";
import { parseAuditFilters, parseAuditPaging, searchAuditPage, AUDIT_PAGE_SIZE, type AuditFilters, type AuditPaging } from "@/lib/audit/search";
import { listDeveloperAppsForUser } from "@/lib/auth/access";
import { listOrganisations } from "@/lib/admin/lists";
import { DateTime, EmptyState, PageHeader } from "@/app/_components/ui";
import { DataTable, Pagination } from "@/app/_components/data-table";
import { FilterForm, SelectFilter, TextFilter } from "@/app/_components/filters";
import { AuditTarget } from "@/app/_components/audit-target";

export const metadata: Metadata = { title: "Audit trail" };

/** "reason: wrong_password, method: credentials" — readable, and never more than what was recorded. */
function describeDetails(details: Record<string, unknown>): string {
  const entries = Object.entries(details);
  if (entries.length === 0) return "—";
  return entries.map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`).join(", ");
}

const OUTCOME_TONE = { success: "badge--success", refused: "badge--warning", failure: "badge--danger" } as const;

/** The filters (and, for page links, the page and a non-default size) as a query string. */
function query(filters: AuditFilters, paging?: Partial<AuditPaging>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v !== undefined && v !== "") p.set(k, String(v));
  if (paging?.page && paging.page > 1) p.set("page", String(paging.page));
  if (paging?.size && paging.size !== AUDIT_PAGE_SIZE.default) p.set("size", String(paging.size));
  return p.toString();
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireRole("admin");
  const db = await getDb();
  const params = await searchParams;
  const { filters, ignored: ignoredFilters } = parseAuditFilters(params);
  const { paging, ignored: ignoredPaging } = parseAuditPaging(params);
  const ignored = [...ignoredFilters, ...ignoredPaging];
  const [page, verification, organisations, apps] = await Promise.all([
    searchAuditPage(db, { viewer, filters, paging }),
    verifyAuditChain(db),
    listOrganisations(db, { viewer }),
    listDeveloperAppsForUser(db, viewer),
  ]);
  const { before: _before, ...withoutPaging } = filters;
  const filtered = Object.keys(withoutPaging).length > 0;
  const pageHref = (n: number) => {
    const q = query(filters, { page: n, size: page.size });
    return `/admin/audit${q ? `?${q}` : ""}`;
  };
  const exportQuery = query(withoutPaging);
  return (
    <>
      <PageHeader
        title="Audit trail"
        intro="Every sign-in, refusal and change, newest first. Each event carries the hash of the one before, so an edited or deleted event breaks the chain."
      />
      {verification.ok ? (
        <p className="alert alert--info" role="status">
          Chain verified: all {verification.count} events are intact (head hash <code>{verification.headHash.slice(0, 16)}…</code>).
        </p>
      ) : (
        <p className="alert alert--error" role="status">
          Chain broken at event #{verification.firstBadSeq}: {verification.reason} ({verification.count} events checked).
        </p>
      )}

      <FilterForm label="Filter the audit trail" action="/admin/audit">
        <SelectFilter id="a-org" name="organisation" label="Organisation" value={filters.organisation} options={organisations.map((o) => ({ value: o.id, label: o.name }))} />
        <SelectFilter id="a-app" name="app" label="App" value={filters.app} options={apps.map((a) => ({ value: a.id, label: `${a.organisationName} — ${a.name}` }))} />
        <TextFilter id="a-actor" name="actor" label="Actor e-mail contains" value={filters.actor} />
        <TextFilter id="a-action" name="action" label="Action (or prefix)" placeholder="submission.approve" value={filters.action} />
        <SelectFilter id="a-outcome" name="outcome" label="Outcome" value={filters.outcome} options={["success", "refused", "failure"]} />
        <TextFilter id="a-from" name="from" label="From (UTC day)" type="date" value={filters.from} />
        <TextFilter id="a-to" name="to" label="To (UTC day)" type="date" value={filters.to} />
        {page.size !== AUDIT_PAGE_SIZE.default ? <input type="hidden" name="size" value={page.size} /> : null}
        <button type="submit" className="button">
          Filter
        </button>
        {filtered ? <Link href="/admin/audit">Clear filters</Link> : null}
        <a className="button button--secondary" href={`/admin/audit/export${exportQuery ? `?${exportQuery}` : ""}`} download>
          Export CSV
        </a>
      </FilterForm>
      {ignored.length ? (
        <p className="alert alert--error" role="alert">
          Ignored invalid filter{ignored.length === 1 ? "" : "s"}: {ignored.join(", ")}.
        </p>
      ) : null}

      <DataTable
        label="Audit events"
        caption={
          <>
            Showing {page.from}–{page.to} of {page.total} event{page.total === 1 ? "" : "s"}
            {filtered ? " matching the filters" : ""}, newest first
          </>
        }
        rows={page.events}
        rowKey={(e) => e.seq}
        empty={<EmptyState title={filtered ? "No events match these filters" : "No audit events yet"} />}
        columns={[
          { header: "#", kind: "number", cell: (e) => e.seq },
          { header: "Time", kind: "date", cell: (e) => <DateTime value={e.at} /> },
          { header: "Action", kind: "code", cell: (e) => e.action },
          { header: "Outcome", cell: (e) => <span className={`badge ${OUTCOME_TONE[e.outcome]}`}>{e.outcome}</span> },
          {
            header: "Actor",
            kind: "text",
            cell: (e) => (
              <>
                {e.actorEmail ?? "—"}
                {e.role ? <div className="meta">{e.role}</div> : null}
              </>
            ),
          },
          { header: "Target", kind: "code", cell: (e) => <AuditTarget type={e.targetType} id={e.targetId} /> },
          { header: "IP", kind: "text", className: "mono", cell: (e) => e.ip ?? "—" },
          { header: "Details", kind: "text", cell: (e) => describeDetails(e.details) },
        ]}
      />
      {page.pages > 1 ? (
        <Pagination label="Pages of audit events" page={page.page} pages={page.pages} from={page.from} to={page.to} total={page.total} noun="events" href={pageHref} summary={false} />
      ) : null}
    </>
  );
}
