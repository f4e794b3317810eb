import type { Metadata } from "next";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { listUsers } from "@/lib/admin/lists";
import { DateTime, EmptyState, PageHeader, TableRegion } from "@/app/_components/ui";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const viewer = await requireRole("admin");
  const users = await listUsers(await getDb(), { viewer });
  return (
    <>
      <PageHeader title="Users" intro="Everyone who can sign in, with their roles in each organisation." />
      {users.length === 0 ? (
        <EmptyState title="No users" />
      ) : (
        <TableRegion label="Users">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Roles</th>
                <th scope="col">Signs in with</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>
                    {u.memberships.length === 0 ? (
                      "—"
                    ) : (
                      <ul className="plain-list">
                        {u.memberships.map((m) => (
                          <li key={`${m.organisationName}-${m.role}`}>
                            {m.role} at {m.organisationName}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>{u.signIn}</td>
                  <td>
                    <DateTime value={u.lastSignInAt} />
                  </td>
                  <td>{u.disabled ? "Disabled" : "Active"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}
