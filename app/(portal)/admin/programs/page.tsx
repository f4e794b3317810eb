import type { Metadata } from "next";
import Link from "next/link";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { listProgramVersions } from "@/lib/admin/lists";
import { DateTime, EmptyState, PageHeader, TableRegion } from "@/app/_components/ui";

export const metadata: Metadata = { title: "Programs" };

type Definition = { description?: string; environments?: { id: string; label: string }[] };

export default async function ProgramsPage() {
  const viewer = await requireRole("admin");
  const programs = await listProgramVersions(await getDb(), { viewer });
  return (
    <>
      <PageHeader title="Programs" intro="The rule sets partners' certificates are checked against. Each version is kept; submissions record the version they were checked under." />
      {programs.length === 0 ? (
        <EmptyState title="No programs" />
      ) : (
        <TableRegion label="Programs">
          <table>
            <thead>
              <tr>
                <th scope="col">Program</th>
                <th scope="col">Version</th>
                <th scope="col">Environments</th>
                <th scope="col">Description</th>
                <th scope="col">Stored</th>
              </tr>
            </thead>
            <tbody>
              {programs.map((p) => {
                const def = p.definition as Definition;
                return (
                  <tr key={`${p.id}@${p.version}`}>
                    <td>
                      <Link href={`/admin/programs/${encodeURIComponent(p.id)}?version=${p.version}`}>{p.name}</Link>
                      <div className="meta mono">{p.id}</div>
                    </td>
                    <td>{p.version}</td>
                    <td>{(def.environments ?? []).map((e) => e.label).join(", ") || "—"}</td>
                    <td>{def.description ?? "—"}</td>
                    <td>
                      <DateTime value={p.createdAt} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}
