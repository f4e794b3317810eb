import Link from "next/link";
import { getDb } from "@/lib/db";
import type { SessionUser } from "@/lib/auth/access";
import { listQueue, parseQueueFilters, queueFilterOptions, queueSearchParams, QUEUE_SORTS, QUEUE_STATUSES, type QueueFilters, type QueueItem } from "@/lib/reviews/list-queue";
import { Badge, DateTime, EmptyState, TableRegion } from "@/app/_components/ui";
import { ageLabel, statusLabel } from "./labels";
import { Subject } from "./subject";
import styles from "../reviews.module.css";

const SORT_LABELS: Record<(typeof QUEUE_SORTS)[number], string> = { oldest: "Oldest first", newest: "Newest first", organisation: "Organisation" };

function href(filters: Partial<QueueFilters>): string {
  const q = queueSearchParams(filters).toString();
  return q ? `/reviews?${q}` : "/reviews";
}

/** "1 of 2", and "you approved" when the viewer gave one of them (issue 16: they need not open it again). */
function Approvals({ item }: { item: QueueItem }) {
  return (
    <>
      {item.approvals} of {item.approvalsRequired}
      {item.approvedByViewer ? (
        <>
          {" "}
          <Badge tone="success">You approved</Badge>
        </>
      ) : null}
    </>
  );
}

/** The reviewers' queue: status tabs with counts, GET filters, an age badge per row, pages. */
export async function ReviewQueue({ viewer, searchParams }: { viewer: SessionUser; searchParams: Record<string, string | string[] | undefined> }) {
  const db = await getDb();
  const filters = parseQueueFilters(searchParams);
  const [page, options] = await Promise.all([listQueue(db, { viewer, filters }), queueFilterOptions(db)]);
  const keep = { ...filters, page: 1 };
  return (
    <>
      <nav aria-label="Status">
        <ul className={styles.tabs}>
          {QUEUE_STATUSES.map((status) => (
            <li key={status}>
              <Link href={href({ ...keep, status })} aria-current={filters.status === status ? "page" : undefined}>
                {statusLabel(status).label} ({page.counts[status]})
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      <form method="get" action="/reviews" className={styles.filters} aria-label="Filter the queue">
        <input type="hidden" name="status" value={filters.status} />
        <div className="field">
          <label htmlFor="q-program">Program</label>
          <select id="q-program" name="program" defaultValue={filters.program ?? ""}>
            <option value="">All</option>
            {options.programs.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="q-env">Environment</label>
          <select id="q-env" name="environment" defaultValue={filters.environment ?? ""}>
            <option value="">All</option>
            {options.environments.map((e) => (
              <option key={e} value={e}>
                {e}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="q-org">Organisation</label>
          <select id="q-org" name="organisation" defaultValue={filters.organisation ?? ""}>
            <option value="">All</option>
            {options.organisations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="q-age">Waiting at least (business days)</label>
          <input id="q-age" name="minAge" type="number" min={1} max={250} defaultValue={filters.minAge ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="q-overdue">
            <input id="q-overdue" name="overdue" type="checkbox" value="1" defaultChecked={!!filters.overdue} /> Past target only
          </label>
        </div>
        <div className="field">
          <label htmlFor="q-sort">Sort</label>
          <select id="q-sort" name="sort" defaultValue={filters.sort}>
            {QUEUE_SORTS.map((s) => (
              <option key={s} value={s}>
                {SORT_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          Apply
        </button>
        <Link href={href({ status: filters.status })}>Clear filters</Link>
      </form>

      {page.items.length === 0 ? (
        <EmptyState title={`No submissions with the status “${statusLabel(filters.status).label}” match these filters`}>
          <p>When a partner sends a certificate chain or CSR that passes the program&apos;s checks, it appears here.</p>
        </EmptyState>
      ) : (
        <>
          {/* Wide screens: the table. Phones (issue 16 item 7): cards whose first line is the link, so it never scrolls away. */}
          <div className={styles.queueTable}>
            <TableRegion label="Review queue">
              <table>
                <caption>
                  {page.total} submission{page.total === 1 ? "" : "s"} · page {filters.page} of {page.pageCount}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">App and environment</th>
                    <th scope="col">Submitted</th>
                    <th scope="col">Waiting</th>
                    <th scope="col">Organisation</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Leaf subject</th>
                    <th scope="col">Approvals</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((s) => {
                    const age = ageLabel(s.badge, s.ageBusinessDays, s.targetBusinessDays);
                    return (
                      <tr key={s.id}>
                        <td>
                          <Link href={`/reviews/${s.id}`}>
                            {s.appName} — {s.environmentLabel}
                          </Link>{" "}
                          {s.production && !/production/i.test(s.environmentLabel) ? <span className="tag">Production</span> : null}
                          {s.supersedesId ? <div className="meta">Resubmission</div> : null}
                        </td>
                        <td className="nowrap">
                          <DateTime value={s.submittedAt} />
                        </td>
                        <td className="nowrap">
                          <Badge tone={age.tone}>{age.label}</Badge>
                        </td>
                        <td>{s.organisationName}</td>
                        <td>{s.kind === "csr" ? "CSR" : "Certificate chain"}</td>
                        <td>
                          <Subject dn={s.leafSubject} />
                        </td>
                        <td>
                          <Approvals item={s} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableRegion>
          </div>
          <div className={styles.queueCards}>
            <p className="meta" id="queue-summary">
              {page.total} submission{page.total === 1 ? "" : "s"} · page {filters.page} of {page.pageCount}
            </p>
            <ul aria-label="Review queue" aria-describedby="queue-summary">
            {page.items.map((s) => {
              const age = ageLabel(s.badge, s.ageBusinessDays, s.targetBusinessDays);
              return (
                <li key={s.id} className={styles.queueCard}>
                  <Link href={`/reviews/${s.id}`}>
                    {s.appName} — {s.environmentLabel}
                  </Link>
                  <div>
                    {s.organisationName} · {s.kind === "csr" ? "CSR" : "Certificate chain"}
                    {s.production && !/production/i.test(s.environmentLabel) ? (
                      <>
                        {" "}
                        <span className="tag">Production</span>
                      </>
                    ) : null}
                    {s.supersedesId ? " · Resubmission" : null}
                  </div>
                  <dl>
                    <dt>Waiting</dt>
                    <dd>
                      <Badge tone={age.tone}>{age.label}</Badge>
                    </dd>
                    <dt>Approvals</dt>
                    <dd>
                      <Approvals item={s} />
                    </dd>
                    <dt>Leaf</dt>
                    <dd>
                      <Subject dn={s.leafSubject} />
                    </dd>
                  </dl>
                </li>
              );
            })}
            </ul>
          </div>
        </>
      )}
      {page.pageCount > 1 ? (
        <nav className={styles.pager} aria-label="Pages">
          {filters.page > 1 ? <Link href={href({ ...filters, page: filters.page - 1 })}>Previous page</Link> : null}
          <span>
            Page {filters.page} of {page.pageCount}
          </span>
          {filters.page < page.pageCount ? <Link href={href({ ...filters, page: filters.page + 1 })}>Next page</Link> : null}
        </nav>
      ) : null}
    </>
  );
}
