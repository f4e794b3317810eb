import Link from "next/link";
import type { Metadata } from "next";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { listApprovedForScheduling } from "@/lib/scheduling/list-approved";
import { listGatewayTruststores } from "@/lib/gateway/list-truststore-versions";
import { GatewayTruststores } from "./_components/gateway-truststores";
import { formatInZone } from "@/lib/scheduling";
import { EmptyState, PageHeader } from "@/app/_components/ui";
import { DataTable } from "@/app/_components/data-table";

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
      <DataTable
        label="Approved certificates"
        caption={`${approved.length} approved certificate${approved.length === 1 ? "" : "s"}`}
        rows={approved}
        rowKey={(s) => s.id}
        empty={
          <EmptyState title="No approved certificates waiting">
            <p>Certificates appear here once reviewers have approved them.</p>
          </EmptyState>
        }
        columns={[
          {
            header: "App and environment",
            primary: true,
            kind: "name",
            cell: (s) => (
              <>
                <Link href={`/apps/${s.appId}/environments/${encodeURIComponent(s.environmentKey)}`}>
                  {s.appName} — {s.environmentLabel}
                </Link>{" "}
                {s.production && !/production/i.test(s.environmentLabel) ? <span className="tag">Production</span> : null}
              </>
            ),
          },
          { header: "Approved", kind: "date", cell: (s) => (s.decidedAt ? <time dateTime={s.decidedAt.toISOString()}>{formatInZone(s.decidedAt, "UTC")}</time> : "—") },
          { header: "Organisation", kind: "name", cell: (s) => s.organisationName },
          { header: "Leaf subject", kind: "code", cell: (s) => s.leafSubject ?? "—" },
          { header: "Expires", kind: "date", cell: (s) => (s.leafNotAfter ? <time dateTime={s.leafNotAfter.toISOString()}>{formatInZone(s.leafNotAfter, "UTC")}</time> : "—") },
        ]}
      />
      <GatewayTruststores truststores={truststores} />
    </>
  );
}
