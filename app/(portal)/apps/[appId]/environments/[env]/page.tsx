import type { Metadata } from "next";
import Link from "next/link";
import { cache } from "react";
import { partnerOrganisationIds } from "@/lib/auth/access";
import { requireUser, loadEnvironmentForUser } from "@/lib/auth/session";
import { pageSegments } from "@/lib/http/route-params";
import { getDb } from "@/lib/db";
import { loadEnvironmentDetail } from "@/lib/submissions/app-grid";
import { describeCell, isoDay } from "@/app/_data/certificate-status";
import { Badge, Breadcrumbs, EmptyState, PageHeader, TableRegion } from "@/app/_components/ui";
import { environmentCrumbs } from "@/lib/navigation/crumbs";
import { ExpiryBadge } from "@/app/_components/expiry-badge";
import { tableClassName } from "@/app/_components/data-table";
import { SuccessNotice } from "@/app/_components/danger-confirm";
import { ScheduleSummary } from "./schedule/_components/schedule-summary";
import { TestYourCertificate } from "./_components/test-your-certificate";
import { SubmissionsTable } from "../../_components/submissions-table";

type Params = { appId: string; env: string };

/** Shared by the title and the page within one request. */
const load = cache(async (appId: string, env: string) => {
  const user = await requireUser();
  // A malformed segment (NUL, lone %) is a 404 before any query.
  const ids = pageSegments({ appId, env }, { appId: "uuid", env: "environment-key" });
  // Another organisation's app (or a made-up id) is a 404, never a 403 that confirms it exists.
  return loadEnvironmentForUser(user, { appId: ids.appId, key: ids.env });
});

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { appId, env } = await params;
  const { app, environment } = await load(appId, env);
  return { title: `${app.name} — ${environment.label}` };
}

export default async function EnvironmentPage({ params, searchParams }: { params: Promise<Params>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { appId, env } = await params;
  const notice = (await searchParams).notice;
  const { app, environment } = await load(appId, env);
  const detail = await loadEnvironmentDetail(await getDb(), { viewer: await requireUser(), appId: app.id, environmentId: environment.id });
  const now = new Date();
  const status = describeCell({
    certificates: detail.certificates.filter((c) => c.role === "leaf"),
    submissions: detail.submissions,
    now,
  });
  const leaves = detail.certificates.filter((c) => c.role === "leaf");
  // Issue 14: the live leaf's expiry state, with a link to its page (and Renew there).
  const live = leaves.filter((c) => c.status === "active" || c.status === "retiring").sort((a, b) => b.notAfter.getTime() - a.notAfter.getTime())[0];

  return (
    <>
      <PageHeader title={`${app.name} — ${environment.label}`}>
        <Breadcrumbs items={environmentCrumbs(await requireUser(), app, environment)} />
      </PageHeader>

      {notice === "revoked" ? (
        <SuccessNotice title="Certificate revoked. The gateway no longer trusts it; calls made with it are refused within a minute.">
          <p>
            Next step:{" "}
            <Link href={`/apps/${app.id}/environments/${encodeURIComponent(environment.key)}/submissions/new`}>upload a replacement</Link> made from a new
            key.
          </p>
        </SuccessNotice>
      ) : null}

      <section className="card" aria-labelledby="summary">
        <h2 id="summary">Summary</h2>
        <dl className="facts">
          <dt>Organisation</dt>
          <dd>{app.organisationName}</dd>
          <dt>Developer app</dt>
          <dd>
            <Link href={`/apps/${app.id}`}>{app.name}</Link>
          </dd>
          <dt>Environment</dt>
          <dd>
            {environment.label} {environment.production && !/production/i.test(environment.label) ? <span className="tag">Production</span> : null}
          </dd>
          <dt>Program</dt>
          <dd>
            {detail.program ? `${detail.program.name} (version ${detail.program.version})` : app.programId}
          </dd>
          <dt>Certificate status</dt>
          <dd>
            <Badge tone={status.tone}>{status.label}</Badge>
          </dd>
          {live ? (
            <>
              <dt>Expiry</dt>
              <dd>
                <ExpiryBadge expiry={live.expiry} /> <Link href={`/certificates/${live.id}`}>Certificate details and renewal</Link>
              </dd>
            </>
          ) : null}
        </dl>
        {partnerOrganisationIds(await requireUser()).includes(app.organisationId) ? (
          <p>
            <Link className="button" href={`/apps/${app.id}/environments/${encodeURIComponent(environment.key)}/submissions/new`}>
              New submission
            </Link>
          </p>
        ) : null}
      </section>

      <ScheduleSummary user={await requireUser()} appId={app.id} environmentKey={environment.key} programId={app.programId} />
      <TestYourCertificate appId={app.id} environmentKey={environment.key} />

      {/* No accessible name on the section: the table region below carries it (axe landmark-unique, issue 16). */}
      <section>
        <h2 id="certificates">Client certificates</h2>
        {leaves.length === 0 ? (
          <EmptyState title="No certificate registered for this environment" />
        ) : (
          <TableRegion label="Client certificates">
            <table className={tableClassName("cards")}>
              <thead>
                <tr>
                  <th scope="col">Subject</th>
                  <th scope="col">Status</th>
                  <th scope="col">Valid</th>
                  <th scope="col">Expiry</th>
                  <th scope="col">SHA-256 fingerprint</th>
                </tr>
              </thead>
              <tbody>
                {leaves.map((c) => (
                  <tr key={c.id}>
                    <td className="mono">
                      <Link href={`/certificates/${c.id}`}>{c.subject}</Link>
                    </td>
                    <td data-label="Status">{c.status}</td>
                    <td data-label="Valid">
                      {isoDay(c.notBefore)} → {isoDay(c.notAfter)}
                    </td>
                    <td data-label="Expiry">{c.status === "pending" ? "—" : <ExpiryBadge expiry={c.expiry} />}</td>
                    <td className="mono" data-label="SHA-256 fingerprint">{c.fingerprintSha256}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>

      {/* Issue 16: every attempt keeps its record and URL; each is listed with its verdict, date and link. */}
      <section>
        <h2 id="submissions">Submissions</h2>
        {detail.submissions.length === 0 ? (
          <EmptyState title="No submissions for this environment yet" />
        ) : (
          <>
            <p className="meta">
              Every upload is kept, including rejected ones and drafts a newer upload superseded
              {detail.submissionCount > detail.submissions.length ? ` (the latest ${detail.submissions.length} of ${detail.submissionCount} are shown)` : ""}.
            </p>
            <SubmissionsTable
              label="Submissions"
              testId="attempts"
              environmentHref={`/apps/${app.id}/environments/${encodeURIComponent(environment.key)}`}
              rows={detail.submissions}
            />
          </>
        )}
      </section>
    </>
  );
}
