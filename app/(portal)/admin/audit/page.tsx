import type { Metadata } from "next";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { verifyAuditChain } from "@/lib/audit";
import { loadAuditEvents } from "@/app/_data/portal";
import { DateTime, EmptyState, PageHeader, TableRegion } from "@/app/_components/ui";

export const metadata: Metadata = { title: "Audit trail" };

/** "reason: wrong_password, method: credentials" — readable, and never more than what was recorded. */
function describeDetails(details: Record<string, unknown>): string {
  const entries = Object.entries(details);
  if (entries.length === 0) return "—";
  return entries.map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`).join(", ");
}

const OUTCOME_TONE = { success: "badge--success", refused: "badge--warning", failure: "badge--danger" } as const;

export default async function AuditPage() {
  await requireRole("admin");
  const [events, verification] = await Promise.all([loadAuditEvents(200), verifyAuditChain(await getDb())]);
  return (
    <>
      <PageHeader
        title="Audit trail"
        intro="Every sign-in, refusal and change, newest first. Each event carries the hash of the one before, so an edited or deleted event breaks the chain."
      />
      {verification.ok ? (
        <p className="alert alert--info" role="status">
          Chain verified: all {verification.count} events are intact (head hash <code>{verification.headHash.slice(0, 16)}…</code>).
        </p>
      ) : (
        <p className="alert alert--error" role="status">
          Chain broken at event #{verification.firstBadSeq}: {verification.reason} ({verification.count} events checked).
        </p>
      )}
      {events.length === 0 ? (
        <EmptyState title="No audit events yet" />
      ) : (
        <TableRegion label="Audit events">
          <table>
            <caption>Latest {events.length} events</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time</th>
                <th scope="col">Action</th>
                <th scope="col">Outcome</th>
                <th scope="col">Actor</th>
                <th scope="col">Target</th>
                <th scope="col">IP</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.seq}>
                  <td>{e.seq}</td>
                  <td className="nowrap">
                    <DateTime value={e.at} />
                  </td>
                  <td className="mono nowrap">{e.action}</td>
                  <td>
                    <span className={`badge ${OUTCOME_TONE[e.outcome]}`}>{e.outcome}</span>
                  </td>
                  <td>
                    {e.actorEmail ?? "—"}
                    {e.role ? <div className="meta">{e.role}</div> : null}
                  </td>
                  <td className="mono">{e.targetType ? `${e.targetType} ${e.targetId ?? ""}` : "—"}</td>
                  <td className="mono nowrap">{e.ip ?? "—"}</td>
                  <td>{describeDetails(e.details)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}
