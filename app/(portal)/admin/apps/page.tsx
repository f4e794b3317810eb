import type { Metadata } from "next";
import Link from "next/link";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { loadAppGrid } from "@/lib/submissions/app-grid";
import { Badge, EmptyState, PageHeader, TableRegion } from "@/app/_components/ui";

export const metadata: Metadata = { title: "Developer apps" };

export default async function AdminAppsPage() {
  const user = await requireRole("admin");
  const apps = await loadAppGrid(await getDb(), { viewer: user, now: new Date() });
  return (
    <>
      <PageHeader title="Developer apps" intro="Every partner's developer apps with the program they onboard to and each environment's certificate status." />
      {apps.length === 0 ? (
        <EmptyState title="No developer apps" />
      ) : (
        <TableRegion label="Developer apps">
          <table>
            <thead>
              <tr>
                <th scope="col">Organisation</th>
                <th scope="col">App</th>
                <th scope="col">Program</th>
                <th scope="col">Environments</th>
              </tr>
            </thead>
            <tbody>
              {apps.map((app) => (
                <tr key={app.id}>
                  <td>{app.organisationName}</td>
                  <td>
                    <Link href={`/apps/${app.id}`}>{app.name}</Link>
                  </td>
                  <td>
                    <Link href={`/admin/programs/${encodeURIComponent(app.programId)}`}>{app.programName}</Link>
                  </td>
                  <td>
                    <ul className="plain-list">
                      {app.cells.map((cell) => (
                        <li key={cell.environmentKey}>
                          <Link href={`/apps/${app.id}/environments/${encodeURIComponent(cell.environmentKey)}`}>{cell.label}</Link>{" "}
                          <Badge tone={cell.status.tone}>{cell.status.label}</Badge>
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}
