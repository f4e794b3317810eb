import type { Metadata } from "next";
import Link from "next/link";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { loadAppGrid } from "@/lib/submissions/app-grid";
import { Badge, EmptyState, PageHeader } from "@/app/_components/ui";
import { DataTable } from "@/app/_components/data-table";

export const metadata: Metadata = { title: "Developer apps" };

export default async function AdminAppsPage() {
  const user = await requireRole("admin");
  const apps = await loadAppGrid(await getDb(), { viewer: user, now: new Date() });
  return (
    <>
      <PageHeader title="Developer apps" intro="Every partner's developer apps with the program they onboard to and each environment's certificate status." />
      <DataTable
        label="Developer apps"
        rows={apps}
        rowKey={(app) => app.id}
        empty={<EmptyState title="No developer apps" />}
        columns={[
          { header: "App", primary: true, kind: "name", cell: (app) => <Link href={`/apps/${app.id}`}>{app.name}</Link> },
          { header: "Organisation", kind: "name", cell: (app) => app.organisationName },
          { header: "Program", cell: (app) => <Link href={`/admin/programs/${encodeURIComponent(app.programId)}`}>{app.programName}</Link> },
          {
            header: "Environments",
            cell: (app) => (
              <ul className="plain-list">
                {app.cells.map((cell) => (
                  <li key={cell.environmentKey}>
                    <Link href={`/apps/${app.id}/environments/${encodeURIComponent(cell.environmentKey)}`}>{cell.label}</Link>{" "}
                    <Badge tone={cell.status.tone}>{cell.status.label}</Badge>
                  </li>
                ))}
              </ul>
            ),
          },
        ]}
      />
    </>
  );
}
