import type { Metadata } from "next";
import Link from "next/link";
import { requireRole } from "@/lib/auth/session";
import { listExpiring, parseExpiringFilters } from "@/lib/expiry/pages";
import { EXPIRY_STATES } from "@/lib/expiry/state";
import { DateTime, EmptyState, PageHeader } from "@/app/_components/ui";
import { DataTable } from "@/app/_components/data-table";
import { FilterForm, SelectFilter } from "@/app/_components/filters";
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
      <FilterForm label="Filters" className="card">
        <SelectFilter id="x-program" name="program" label="Program" value={filters.program} options={options.programs} anyLabel="all" />
        <SelectFilter id="x-environment" name="environment" label="Environment" value={filters.environment} options={options.environments} anyLabel="all" />
        <SelectFilter
          id="x-organisation"
          name="organisation"
          label="Organisation"
          value={filters.organisation}
          options={options.organisations.map((o) => ({ value: o.id, label: o.name }))}
          anyLabel="all"
        />
        <SelectFilter id="x-state" name="state" label="State" value={filters.state} options={EXPIRY_STATES} anyLabel="all" />
        <SelectFilter
          id="x-successor"
          name="successor"
          label="Has successor"
          value={filters.successor}
          options={[
            { value: "yes", label: "yes" },
            { value: "no", label: "no" },
          ]}
          anyLabel="either"
        />
        <button className="button" type="submit">
          Filter
        </button>
        <a href={`/support/expiring/export${query ? `?${query}` : ""}`} download>
          Export CSV
        </a>
      </FilterForm>
      <DataTable
        label="Expiring certificates"
        caption="Live certificates by days left"
        hideCaption
        rows={rows}
        rowKey={(r) => r.id}
        empty={<EmptyState title="No live certificates match" />}
        columns={[
          { header: "Subject", primary: true, kind: "name", cell: (r) => <Link href={`/certificates/${r.id}`}>{r.subject}</Link> },
          { header: "State", cell: (r) => <ExpiryBadge expiry={r.expiry} /> },
          { header: "Organisation", kind: "name", cell: (r) => r.organisationName },
          {
            header: "App / environment",
            kind: "name",
            cell: (r) => (
              <>
                {r.appName} / {r.environmentLabel} ({r.programId})
              </>
            ),
          },
          { header: "Expires", kind: "date", cell: (r) => <DateTime value={r.notAfter} /> },
          { header: "Status", cell: (r) => r.status },
          { header: "Successor", cell: (r) => (r.successor ? r.successor.status.replace("_", " ") : "none") },
          { header: "Reminders", cell: (r) => (r.remindersSent.length ? r.remindersSent.map((x) => `${x.days}d`).join(", ") : "—") },
        ]}
      />
    </>
  );
}
