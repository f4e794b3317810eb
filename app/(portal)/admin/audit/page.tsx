import type { Metadata } from "next";
import Link from "next/link";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { verifyAuditChain } from "@/lib/audit";
import { parseAuditFilters, searchAuditEvents, type AuditFilters } from "@/lib/audit/search";
import { listDeveloperAppsForUser } from "@/lib/auth/access";
import { listOrganisations } from "@/lib/admin/lists";
import { DateTime, EmptyState, PageHeader, TableRegion } from "@/app/_components/ui";
import styles from "./audit.module.css";
import { AuditTarget } from "@/app/_components/audit-target";

export const metadata: Metadata = { title: "Audit trail" };

/** "reason: wrong_password, method: credentials" — readable, and never more than what was recorded. */
function describeDetails(details: Record<string, unknown>): string {
  const entries = Object.entries(details);
  if (entries.length === 0) return "—";
  return entries.map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`).join(", ");
}

const OUTCOME_TONE = { success: "badge--success", refused: "badge--warning", failure: "badge--danger" } as const;

function query(filters: AuditFilters): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v !== undefined && v !== "") p.set(k, String(v));
  return p.toString();
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireRole("admin");
  const db = await getDb();
  const { filters, ignored } = parseAuditFilters(await searchParams);
  const [page, verification, organisations, apps] = await Promise.all([
    searchAuditEvents(db, { viewer, filters, limit: 200 }),
    verifyAuditChain(db),
    listOrganisations(db, { viewer }),
    listDeveloperAppsForUser(db, viewer),
  ]);
  const { before: _before, ...withoutPaging } = filters;
  const filtered = Object.keys(withoutPaging).length > 0;
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

      <form method="get" action="/admin/audit" className={styles.filters} aria-label="Filter the audit trail">
        <div className="field">
          <label htmlFor="a-org">Organisation</label>
          <select id="a-org" name="organisation" defaultValue={filters.organisation ?? ""}>
            <option value="">All</option>
            {organisations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="a-app">App</label>
          <select id="a-app" name="app" defaultValue={filters.app ?? ""}>
            <option value="">All</option>
            {apps.map((a) => (
              <option key={a.id} value={a.id}>
                {a.organisationName} — {a.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="a-actor">Actor e-mail contains</label>
          <input id="a-actor" name="actor" defaultValue={filters.actor ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="a-action">Action (or prefix)</label>
          <input id="a-action" name="action" placeholder="submission.approve" defaultValue={filters.action ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="a-outcome">Outcome</label>
          <select id="a-outcome" name="outcome" defaultValue={filters.outcome ?? ""}>
            <option value="">All</option>
            <option value="success">success</option>
            <option value="refused">refused</option>
            <option value="failure">failure</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="a-from">From (UTC day)</label>
          <input id="a-from" name="from" type="date" defaultValue={filters.from ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="a-to">To (UTC day)</label>
          <input id="a-to" name="to" type="date" defaultValue={filters.to ?? ""} />
        </div>
        <button type="submit" className="button">
          Filter
        </button>
        {filtered ? <Link href="/admin/audit">Clear filters</Link> : null}
        <a className="button button--secondary" href={`/admin/audit/export${exportQuery ? `?${exportQuery}` : ""}`} download>
          Export CSV
        </a>
      </form>
      {ignored.length ? (
        <p className="alert alert--error" role="alert">
          Ignored invalid filter{ignored.length === 1 ? "" : "s"}: {ignored.join(", ")}.
        </p>
      ) : null}

      {page.events.length === 0 ? (
        <EmptyState title={filtered ? "No events match these filters" : "No audit events yet"} />
      ) : (
        <TableRegion label="Audit events">
          <table>
            <caption>
              {page.events.length} event{page.events.length === 1 ? "" : "s"}
              {filtered ? " matching the filters" : ""}, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time</th>
                <th scope="col">Action</th>
                <th scope="col">Outcome</th>
                <th scope="col">Actor</th>
                <th scope="col">Target</th>
                <th scope="col">IP</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {page.events.map((e) => (
                <tr key={e.seq}>
                  <td>{e.seq}</td>
                  <td className="nowrap">
                    <DateTime value={e.at} />
                  </td>
                  <td className="mono nowrap">{e.action}</td>
                  <td>
                    <span className={`badge ${OUTCOME_TONE[e.outcome]}`}>{e.outcome}</span>
                  </td>
                  <td>
                    {e.actorEmail ?? "—"}
                    {e.role ? <div className="meta">{e.role}</div> : null}
                  </td>
                  <td className="mono">
                    <AuditTarget type={e.targetType} id={e.targetId} />
                  </td>
                  <td className="mono nowrap">{e.ip ?? "—"}</td>
                  <td>{describeDetails(e.details)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
      {page.nextBefore ? (
        <p>
          <Link href={`/admin/audit?${query({ ...withoutPaging, before: page.nextBefore })}`}>Older events</Link>
        </p>
      ) : null}
    </>
  );
}
