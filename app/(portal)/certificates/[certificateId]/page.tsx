import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { isAppError } from "@/lib/auth/app-error";
import { loadCertificatePage } from "@/lib/expiry/pages";
import type { CertificateRecord } from "@/lib/expiry/records";
import { Breadcrumbs, DateTime, PageHeader, TableRegion } from "@/app/_components/ui";
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
        <dl className="facts">
          <dt>Subject</dt>
          <dd>{c.subject}</dd>
          <dt>Issuer</dt>
          <dd>{c.issuer}</dd>
          <dt>Serial number</dt>
          <dd>
            <code>{c.serialNumber}</code>
          </dd>
          <dt>SHA-256 fingerprint (certificate)</dt>
          <dd>
            <code>{c.fingerprintSha256}</code>
          </dd>
          <dt>SHA-256 fingerprint (public key)</dt>
          <dd>
            <code>{c.spkiSha256}</code>
          </dd>
          <dt>Validity</dt>
          <dd>
            <DateTime value={c.notBefore} /> to <DateTime value={c.notAfter} /> ({validityDays} days)
          </dd>
          <dt>Days left</dt>
          <dd>{c.expiry.daysLeft}</dd>
          <dt>Status</dt>
          <dd>
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
          </dd>
          <dt>Submission</dt>
          <dd>
            <Link href={`${envPath(c)}/submissions/${c.submissionId}`}>The submission it came from</Link>
          </dd>
          <dt>Predecessor</dt>
          <dd>{page.predecessor ? <CertificateLink c={page.predecessor} /> : "none"}</dd>
          <dt>Successor</dt>
          <dd>{page.successors[0] ? <CertificateLink c={page.successors[0]} /> : c.successor ? `a submission ${c.successor.status.replace("_", " ")}` : "none"}</dd>
        </dl>
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
        {page.reminders.length === 0 ? (
          <p>None yet.</p>
        ) : (
          <TableRegion label="Reminders sent">
            <table>
              <thead>
                <tr>
                  <th scope="col">Reminder</th>
                  <th scope="col">Sent</th>
                  <th scope="col">Recipients</th>
                </tr>
              </thead>
              <tbody>
                {page.reminders.map((r) => (
                  <tr key={r.days}>
                    <td>{r.days === 0 ? "expired: calls with it now fail" : `${r.days} days before expiry`}</td>
                    <td>
                      <DateTime value={r.sentAt} />
                    </td>
                    <td>{r.recipients}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>
    </>
  );
}
