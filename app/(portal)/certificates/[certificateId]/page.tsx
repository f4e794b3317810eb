import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { isAppError } from "@/lib/auth/app-error";
import { loadCertificatePage } from "@/lib/expiry/pages";
import type { CertificateRecord } from "@/lib/expiry/records";
import { Breadcrumbs, DateTime, PageHeader } from "@/app/_components/ui";
import { DataTable, Facts } from "@/app/_components/data-table";
import { ExpiryBadge } from "@/app/_components/expiry-badge";
import { environmentChildCrumbs } from "@/lib/navigation/crumbs";

export const metadata: Metadata = { title: "Certificate" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function envPath(c: Pick<CertificateRecord, "appId" | "environmentKey">): string {
  return `/apps/${c.appId}/environments/${encodeURIComponent(c.environmentKey)}`;
}

function CertificateLink({ c }: { c: CertificateRecord }) {
  return (
    <>
      <Link href={`/certificates/${c.id}`}>{c.subject}</Link> — {c.status}, until <DateTime value={c.notAfter} /> <ExpiryBadge expiry={c.expiry} />
    </>
  );
}

export default async function CertificatePage({ params }: { params: Promise<{ certificateId: string }> }) {
  const user = await requireUser();
  const { certificateId } = await params;
  if (!UUID.test(certificateId)) notFound();
  const page = await loadCertificatePage(user, certificateId).catch((error: unknown) => {
    // Another organisation's certificate reads exactly like one that does not exist.
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  const c = page.certificate;
  const validityDays = Math.round((c.notAfter.getTime() - c.notBefore.getTime()) / 86_400_000);
  return (
    <>
      <PageHeader title="Certificate" intro={`${c.appName} — ${c.environmentLabel} (${c.purpose})`}>
        <Breadcrumbs items={environmentChildCrumbs(user, { id: c.appId, name: c.appName, organisationId: c.organisationId }, { key: c.environmentKey, label: c.environmentLabel }, "Certificate")} />
      </PageHeader>
      <section className="card" aria-labelledby="expiry-heading">
        <h2 id="expiry-heading">Expiry</h2>
        <p>
          <ExpiryBadge expiry={c.expiry} /> — expires <DateTime value={c.notAfter} />.{" "}
          {c.successor ? (
            <>
              Renewal under way: a successor is {c.successor.status.replace("_", " ")}
              {c.successor.certificateId ? (
                <>
                  {" "}
                  (<Link href={`/certificates/${c.successor.certificateId}`}>successor certificate</Link>)
                </>
              ) : null}
              ; no more reminders are sent.
            </>
          ) : c.expiry.state === "expired" ? (
            "Expired: calls with it now fail."
          ) : (
            `Reminders at ${c.settings.reminderDays.join(", ")} days before expiry; urgent from ${c.settings.urgentDays} days.`
          )}
        </p>
        {page.canRenew ? (
          <p>
            <Link className="button" href={`${envPath(c)}/submissions/new?replaces=${c.id}`}>
              Renew
            </Link>
          </p>
        ) : null}
      </section>
      <section className="card" aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        <Facts
          items={[
            { term: "Subject", value: c.subject },
            { term: "Issuer", value: c.issuer },
            { term: "Serial number", value: <code>{c.serialNumber}</code> },
            { term: "SHA-256 fingerprint (certificate)", value: <code>{c.fingerprintSha256}</code> },
            { term: "SHA-256 fingerprint (public key)", value: <code>{c.spkiSha256}</code> },
            {
              term: "Validity",
              value: (
                <>
                  <DateTime value={c.notBefore} /> to <DateTime value={c.notAfter} /> ({validityDays} days)
                </>
              ),
            },
            { term: "Days left", value: c.expiry.daysLeft },
            {
              term: "Status",
              value: (
                <>
                  {c.status}
                  {c.activatedAt ? (
                    <>
                      , active since <DateTime value={c.activatedAt} />
                    </>
                  ) : null}
                  {c.retiresAt ? (
                    <>
                      , retires <DateTime value={c.retiresAt} />
                    </>
                  ) : null}
                </>
              ),
            },
            { term: "Submission", value: <Link href={`${envPath(c)}/submissions/${c.submissionId}`}>The submission it came from</Link> },
            { term: "Predecessor", value: page.predecessor ? <CertificateLink c={page.predecessor} /> : "none" },
            {
              term: "Successor",
              value: page.successors[0] ? <CertificateLink c={page.successors[0]} /> : c.successor ? `a submission ${c.successor.status.replace("_", " ")}` : "none",
            },
          ]}
        />
      </section>
      {page.successors.length > 1 ? (
        <section className="card" aria-labelledby="chain-heading">
          <h2 id="chain-heading">Chain of successors</h2>
          <ol>
            {page.successors.map((s) => (
              <li key={s.id}>
                <CertificateLink c={s} />
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      {/* The table region inside carries the name: one landmark per name (axe landmark-unique, issue 16). */}
      <section className="card">
        <h2 id="reminders-heading">Reminders sent</h2>
        <DataTable
          label="Reminders sent"
          rows={page.reminders}
          rowKey={(r) => r.days}
          empty={<p>None yet.</p>}
          columns={[
            { header: "Reminder", primary: true, cell: (r) => (r.days === 0 ? "expired: calls with it now fail" : `${r.days} days before expiry`) },
            { header: "Sent", kind: "date", cell: (r) => <DateTime value={r.sentAt} /> },
            { header: "Recipients", kind: "text", cell: (r) => r.recipients },
          ]}
        />
      </section>
    </>
  );
}
