import type { Metadata } from "next";
import Link from "next/link";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { listProgramVersions } from "@/lib/admin/lists";
import { DateTime, EmptyState, PageHeader } from "@/app/_components/ui";
import { DataTable } from "@/app/_components/data-table";

export const metadata: Metadata = { title: "Programs" };

type Definition = { description?: string; environments?: { id: string; label: string }[] };

export default async function ProgramsPage() {
  const viewer = await requireRole("admin");
  const programs = await listProgramVersions(await getDb(), { viewer });
  return (
    <>
      <PageHeader title="Programs" intro="The rule sets partners' certificates are checked against. Each version is kept; submissions record the version they were checked under." />
      <DataTable
        label="Programs"
        rows={programs}
        rowKey={(p) => `${p.id}@${p.version}`}
        empty={<EmptyState title="No programs" />}
        columns={[
          {
            header: "Program",
            primary: true,
            kind: "name",
            cell: (p) => (
              <>
                <Link href={`/admin/programs/${encodeURIComponent(p.id)}?version=${p.version}`}>{p.name}</Link>
                <div className="meta mono">{p.id}</div>
              </>
            ),
          },
          { header: "Version", kind: "number", cell: (p) => p.version },
          { header: "Environments", cell: (p) => ((p.definition as Definition).environments ?? []).map((e) => e.label).join(", ") || "—" },
          { header: "Description", cell: (p) => (p.definition as Definition).description ?? "—" },
          { header: "Stored", kind: "date", cell: (p) => <DateTime value={p.createdAt} /> },
        ]}
      />
    </>
  );
}
