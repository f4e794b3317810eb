import type { Metadata } from "next";
import Link from "next/link";
import { requireRole } from "@/lib/auth/session";
import { listExpiring, parseExpiringFilters } from "@/lib/expiry/pages";
import { EXPIRY_STATES } from "@/lib/expiry/state";
import { DateTime, EmptyState, PageHeader, TableRegion } from "@/app/_components/ui";
import { ExpiryBadge } from "@/app/_components/expiry-badge";

export const metadata: Metadata = { title: "Expiring certificates" };

export default async function ExpiringPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireRole(["support", "admin"]);
  const params = await searchParams;
  const filters = parseExpiringFilters(params);
  const { rows, options } = await listExpiring(user, filters);
  const query = new URLSearchParams(Object.entries(filters).filter((e): e is [string, string] => typeof e[1] === "string")).toString();
  return (
    <>
      <PageHeader
        title="Expiring certificates"
        intro="Every live certificate (scheduled, active, retiring), fewest days left first. Urgent certificates without a successor need a partner to renew now."
      />
      <form className="card" method="get" aria-label="Filters">
        <div className="filters">
          <label>
            Program{" "}
            <select name="program" defaultValue={filters.program ?? ""}>
              <option value="">all</option>
              {options.programs.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>{" "}
          <label>
            Environment{" "}
            <select name="environment" defaultValue={filters.environment ?? ""}>
              <option value="">all</option>
              {options.environments.map((e) => (
                <option key={e} value={e}>
                  {e}
                </option>
              ))}
            </select>
          </label>{" "}
          <label>
            Organisation{" "}
            <select name="organisation" defaultValue={filters.organisation ?? ""}>
              <option value="">all</option>
              {options.organisations.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>{" "}
          <label>
            State{" "}
            <select name="state" defaultValue={filters.state ?? ""}>
              <option value="">all</option>
              {EXPIRY_STATES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>{" "}
          <label>
            Has successor{" "}
            <select name="successor" defaultValue={filters.successor ?? ""}>
              <option value="">either</option>
              <option value="yes">yes</option>
              <option value="no">no</option>
            </select>
          </label>{" "}
          <button className="button" type="submit">
            Filter
          </button>{" "}
          <a href={`/support/expiring/export${query ? `?${query}` : ""}`} download>
            Export CSV
          </a>
        </div>
      </form>
      {rows.length === 0 ? (
        <EmptyState title="No live certificates match" />
      ) : (
        <TableRegion label="Expiring certificates">
          <table>
            <caption className="visually-hidden">Live certificates by days left</caption>
            <thead>
              <tr>
                <th scope="col">State</th>
                <th scope="col">Organisation</th>
                <th scope="col">App / environment</th>
                <th scope="col">Subject</th>
                <th scope="col">Expires</th>
                <th scope="col">Status</th>
                <th scope="col">Successor</th>
                <th scope="col">Reminders</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <ExpiryBadge expiry={r.expiry} />
                  </td>
                  <td>{r.organisationName}</td>
                  <td>
                    {r.appName} / {r.environmentLabel} ({r.programId})
                  </td>
                  <td>
                    <Link href={`/certificates/${r.id}`}>{r.subject}</Link>
                  </td>
                  <td>
                    <DateTime value={r.notAfter} />
                  </td>
                  <td>{r.status}</td>
                  <td>{r.successor ? r.successor.status.replace("_", " ") : "none"}</td>
                  <td>{r.remindersSent.length ? r.remindersSent.map((x) => `${x.days}d`).join(", ") : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}
