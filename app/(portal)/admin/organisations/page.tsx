import type { Metadata } from "next";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { listOrganisations } from "@/lib/admin/lists";
import { EmptyState, PageHeader } from "@/app/_components/ui";
import { DataTable } from "@/app/_components/data-table";

export const metadata: Metadata = { title: "Organisations" };

export default async function OrganisationsPage() {
  const viewer = await requireRole("admin");
  const organisations = await listOrganisations(await getDb(), { viewer });
  return (
    <>
      <PageHeader title="Organisations" intro="Partner companies and the provider's own organisation, whose staff review and schedule." />
      <DataTable
        label="Organisations"
        rows={organisations}
        rowKey={(o) => o.id}
        empty={<EmptyState title="No organisations" />}
        columns={[
          { header: "Name", primary: true, kind: "name", cell: (o) => o.name },
          { header: "Kind", cell: (o) => (o.kind === "provider" ? "Provider" : "Partner") },
          { header: "Company name on certificates", kind: "name", cell: (o) => o.companyName },
          { header: "Organisation identifier", kind: "code", cell: (o) => o.organizationIdentifier ?? "—" },
          { header: "PSD2 roles", cell: (o) => (o.psd2Roles.length > 0 ? o.psd2Roles.join(", ") : "—") },
          { header: "Members", kind: "number", cell: (o) => o.members },
          { header: "Apps", kind: "number", cell: (o) => o.apps },
        ]}
      />
    </>
  );
}
