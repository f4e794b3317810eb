import Link from "next/link";
import type { Metadata } from "next";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { listApprovedForScheduling } from "@/lib/scheduling/list-approved";
import { listGatewayTruststores } from "@/lib/gateway/list-truststore-versions";
import { GatewayTruststores } from "./_components/gateway-truststores";
import { isoDay } from "@/app/_data/certificate-status";
import { DateTime, EmptyState, PageHeader, TableRegion } from "@/app/_components/ui";

export const metadata: Metadata = { title: "Enablements" };

export default async function SupportPage() {
  const user = await requireRole(["support", "admin"]);
  const approved = await listApprovedForScheduling(await getDb(), { actor: { kind: "user", user }, now: new Date() });
  // Issue 13: what API Gateway said about each gateway's newest trust store.
  const truststores = await listGatewayTruststores(await getDb(), { actor: { kind: "user", user }, now: new Date() });
  return (
    <>
      <PageHeader title="Enablements" intro="Approved certificates ready to be scheduled into an enablement window, longest-waiting first.">
        <p>
          <Link className="button" href="/support/schedule">
            Schedule certificates
          </Link>{" "}
          <Link className="button button--secondary" href="/support/windows">
            Windows calendar
          </Link>
        </p>
      </PageHeader>
      {approved.length === 0 ? (
        <EmptyState title="No approved certificates waiting">
          <p>Certificates appear here once reviewers have approved them.</p>
        </EmptyState>
      ) : (
        <TableRegion label="Approved certificates">
          <table>
            <caption>{approved.length} approved certificate{approved.length === 1 ? "" : "s"}</caption>
            <thead>
              <tr>
                <th scope="col">Approved</th>
                <th scope="col">Organisation</th>
                <th scope="col">App and environment</th>
                <th scope="col">Leaf subject</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {approved.map((s) => (
                <tr key={s.id}>
                  <td>
                    <DateTime value={s.decidedAt} />
                  </td>
                  <td>{s.organisationName}</td>
                  <td>
                    <Link href={`/apps/${s.appId}/environments/${encodeURIComponent(s.environmentKey)}`}>
                      {s.appName} — {s.environmentLabel}
                    </Link>{" "}
                    {s.production && !/production/i.test(s.environmentLabel) ? <span className="tag">Production</span> : null}
                  </td>
                  <td className="mono">{s.leafSubject ?? "—"}</td>
                  <td>{s.leafNotAfter ? isoDay(s.leafNotAfter) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
      <GatewayTruststores truststores={truststores} />
    </>
  );
}
