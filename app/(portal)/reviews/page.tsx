import Link from "next/link";
import type { Metadata } from "next";
import { requireRole } from "@/lib/auth/session";
import { loadReviewQueue } from "@/app/_data/portal";
import { DateTime, EmptyState, PageHeader, TableRegion } from "@/app/_components/ui";

export const metadata: Metadata = { title: "Review queue" };

export default async function ReviewsPage() {
  await requireRole(["reviewer", "admin"]);
  const queue = await loadReviewQueue();
  return (
    <>
      <PageHeader title="Review queue" intro="Submissions whose automatic verdict was accepted and that wait for a reviewer's decision, oldest first." />
      {queue.length === 0 ? (
        <EmptyState title="Nothing to review">
          <p>When a partner submits a certificate chain or CSR that passes the program&apos;s checks, it appears here.</p>
        </EmptyState>
      ) : (
        <TableRegion label="Review queue">
          <table>
            <caption>{queue.length} submission{queue.length === 1 ? "" : "s"} waiting</caption>
            <thead>
              <tr>
                <th scope="col">Submitted</th>
                <th scope="col">Organisation</th>
                <th scope="col">App and environment</th>
                <th scope="col">Kind</th>
                <th scope="col">Leaf subject</th>
                <th scope="col">Approvals needed</th>
                <th scope="col">Review</th>
              </tr>
            </thead>
            <tbody>
              {queue.map((s) => (
                <tr key={s.id}>
                  <td>
                    <DateTime value={s.submittedAt ?? s.createdAt} />
                  </td>
                  <td>{s.organisationName}</td>
                  <td>
                    <Link href={`/apps/${s.appId}/environments/${encodeURIComponent(s.environmentKey)}`}>
                      {s.appName} — {s.environmentLabel}
                    </Link>{" "}
                    {s.production ? <span className="tag">Production</span> : null}
                  </td>
                  <td>{s.kind === "csr" ? "CSR" : "Certificate chain"}</td>
                  <td className="mono">{s.leafSubject ?? "—"}</td>
                  <td>{s.approvalsRequired}</td>
                  <td>
                    <Link href={`/reviews/${s.id}`}>Review</Link>
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
