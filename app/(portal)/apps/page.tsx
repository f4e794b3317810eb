import Link from "next/link";
import type { Metadata } from "next";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { loadAppGrid } from "@/lib/submissions/app-grid";
import { Badge, EmptyState, PageHeader } from "@/app/_components/ui";
import { ExpiryBadge } from "@/app/_components/expiry-badge";
import styles from "./apps.module.css";

export const metadata: Metadata = { title: "Developer apps" };

export default async function AppsPage() {
  const user = await requireRole("partner");
  const rows = await loadAppGrid(await getDb(), { viewer: user, now: new Date() });
  const organisations = user.memberships.filter((m) => m.role === "partner").map((m) => m.name);
  return (
    <>
      <PageHeader
        title="Developer apps"
        intro={`Certificates of ${organisations.join(", ") || "your organisation"}, per app and environment. Open an environment to see its certificate and submissions.`}
      />
      {rows.length === 0 ? (
        <EmptyState title="No developer apps yet">
          <p>Your organisation has no developer apps registered. Ask the provider&apos;s support team to register one.</p>
        </EmptyState>
      ) : (
        <ul className="app-grid" aria-label="Developer apps">
          {rows.map((app) => (
            <li key={app.id} className="card">
              <h2 id={`app-${app.id}`} className={styles.name}>
                {app.name}
              </h2>
              <p className="meta">Program: {app.programName}</p>
              <ul className="env-cells" aria-labelledby={`app-${app.id}`}>
                {app.cells.map((cell) => (
                  <li key={cell.environmentKey}>
                    <Link className="env-cell" href={`/apps/${app.id}/environments/${encodeURIComponent(cell.environmentKey)}`}>
                      <span className={`env-cell__name ${styles.name}`}>
                        {cell.label}
                        <span className="visually-hidden"> environment of {app.name}</span>
                      </span>
                      {cell.production && !/production/i.test(cell.label) ? <span className="tag">Production</span> : null}
                      <Badge tone={cell.status.tone}>{cell.status.label}</Badge>
                      {cell.expiry ? <ExpiryBadge expiry={cell.expiry} /> : null}
                    </Link>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
