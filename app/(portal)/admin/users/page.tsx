import type { Metadata } from "next";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { listUsers } from "@/lib/admin/lists";
import { DateTime, EmptyState, PageHeader } from "@/app/_components/ui";
import { DataTable } from "@/app/_components/data-table";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const viewer = await requireRole("admin");
  const users = await listUsers(await getDb(), { viewer });
  return (
    <>
      <PageHeader title="Users" intro="Everyone who can sign in, with their roles in each organisation." />
      <DataTable
        label="Users"
        rows={users}
        rowKey={(u) => u.id}
        empty={<EmptyState title="No users" />}
        columns={[
          { header: "Name", primary: true, kind: "name", cell: (u) => u.name },
          { header: "E-mail", kind: "text", cell: (u) => u.email },
          {
            header: "Roles",
            cell: (u) =>
              u.memberships.length === 0 ? (
                "—"
              ) : (
                <ul className="plain-list">
                  {u.memberships.map((m) => (
                    <li key={`${m.organisationName}-${m.role}`}>
                      {m.role} at {m.organisationName}
                    </li>
                  ))}
                </ul>
              ),
          },
          { header: "Signs in with", cell: (u) => u.signIn },
          { header: "Last sign-in", kind: "date", cell: (u) => <DateTime value={u.lastSignInAt} /> },
          { header: "State", cell: (u) => (u.disabled ? "Disabled" : "Active") },
        ]}
      />
    </>
  );
}
