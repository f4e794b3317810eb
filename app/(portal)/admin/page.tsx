import type { Metadata } from "next";
import Link from "next/link";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { listOrganisations, listProgramVersions, listUsers } from "@/lib/admin/lists";
import { searchAuditEvents } from "@/lib/audit/search";
import { listQueue } from "@/lib/reviews";
import { PageHeader } from "@/app/_components/ui";

export const metadata: Metadata = { title: "Administration" };

export default async function AdminPage() {
  const viewer = await requireRole("admin");
  const db = await getDb();
  const [organisations, users, programs, queue, audit] = await Promise.all([
    listOrganisations(db, { viewer }),
    listUsers(db, { viewer }),
    listProgramVersions(db, { viewer }),
    listQueue(db, { viewer, filters: { status: "in_review", pageSize: 5 } }),
    searchAuditEvents(db, { viewer, filters: {}, limit: 1 }),
  ]);
  const apps = organisations.reduce((n, o) => n + o.apps, 0);
  const stats = [
    { href: "/admin/organisations", value: organisations.length, label: "Organisations" },
    { href: "/admin/apps", value: apps, label: "Developer apps" },
    { href: "/admin/users", value: users.length, label: "Users" },
    { href: "/admin/programs", value: new Set(programs.map((p) => p.id)).size, label: "Programs" },
    { href: "/reviews", value: queue.counts.in_review, label: "Waiting for review" },
    { href: "/admin/audit", value: audit.events[0]?.seq ?? 0, label: "Audit events" },
  ];
  return (
    <>
      <PageHeader title="Administration" intro="Organisations, developer apps, users, programs and the audit trail." />
      <ul className="stats">
        {stats.map((s) => (
          <li key={s.href}>
            <Link href={s.href}>
              <span className="stat-value">{s.value}</span>
              <span className="stat-label">{s.label}</span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
