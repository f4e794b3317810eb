import type { Metadata } from "next";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { listOrganisations } from "@/lib/admin/lists";
import { EmptyState, PageHeader, TableRegion } from "@/app/_components/ui";

export const metadata: Metadata = { title: "Organisations" };

export default async function OrganisationsPage() {
  const viewer = await requireRole("admin");
  const organisations = await listOrganisations(await getDb(), { viewer });
  return (
    <>
      <PageHeader title="Organisations" intro="Partner companies and the provider's own organisation, whose staff review and schedule." />
      {organisations.length === 0 ? (
        <EmptyState title="No organisations" />
      ) : (
        <TableRegion label="Organisations">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Company name on certificates</th>
                <th scope="col">Organisation identifier</th>
                <th scope="col">PSD2 roles</th>
                <th scope="col">Members</th>
                <th scope="col">Apps</th>
              </tr>
            </thead>
            <tbody>
              {organisations.map((o) => (
                <tr key={o.id}>
                  <td>{o.name}</td>
                  <td>{o.kind === "provider" ? "Provider" : "Partner"}</td>
                  <td>{o.companyName}</td>
                  <td className="mono">{o.organizationIdentifier ?? "—"}</td>
                  <td>{o.psd2Roles.length > 0 ? o.psd2Roles.join(", ") : "—"}</td>
                  <td>{o.members}</td>
                  <td>{o.apps}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}
