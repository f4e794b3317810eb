import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { hasRole, partnerOrganisationIds } from "@/lib/auth/access";
import { requireUser } from "@/lib/auth/session";
import { isAppError } from "@/lib/auth/app-error";
import { pageSegments } from "@/lib/http/route-params";
import { getDb } from "@/lib/db";
import { loadAppOverview } from "@/lib/submissions/app-overview";
import { appCrumbs, environmentPath } from "@/lib/navigation/crumbs";
import { programHelpHref } from "@/lib/help/links";
import { isoDay } from "@/app/_data/certificate-status";
import { Badge, Breadcrumbs, EmptyState, PageHeader, TableRegion } from "@/app/_components/ui";
import { ExpiryBadge } from "@/app/_components/expiry-badge";
import { SubmissionsTable } from "./_components/submissions-table";

type Params = { appId: string };

/** Shared by the title and the page within one request. */
const load = cache(async (appId: string) => {
  const user = await requireUser();
  // A malformed id is a 404 before any query; another organisation's app reads like a missing one.
  const ids = pageSegments({ appId }, { appId: "uuid" });
  try {
    return { user, overview: await loadAppOverview(await getDb(), { viewer: user, appId: ids.appId, now: new Date() }) };
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { overview } = await load((await params).appId);
  return { title: overview.app.name };
}

/**
 * Issue 16 item 8: the app page — each environment with its status, the certificates in
 * service and the latest submissions. Partners of the owning organisation, reviewers, support
 * and admins may open it (lib/submissions/app-overview decides).
 */
export default async function AppPage({ params }: { params: Promise<Params> }) {
  const { user, overview } = await load((await params).appId);
  const { app, program } = overview;
  const member = partnerOrganisationIds(user).includes(app.organisationId);
  return (
    <>
      <PageHeader title={app.name} intro={`${app.organisationName} · ${program ? `${program.name} (version ${program.version})` : app.programId}`}>
        <Breadcrumbs items={appCrumbs(user, app)} />
      </PageHeader>

      <section className="card" aria-labelledby="app-summary">
        <h2 id="app-summary">Summary</h2>
        <dl className="facts">
          <dt>Organisation</dt>
          <dd>{app.organisationName}</dd>
          <dt>Program</dt>
          <dd>
            {program ? program.name : app.programId} (<span className="mono">{app.programId}</span>) —{" "}
            <Link href={programHelpHref(app.programId)}>what this program asks for</Link>
            {hasRole(user, "admin") ? (
              <>
                {" "}
                · <Link href={`/admin/programs/${encodeURIComponent(app.programId)}`}>program settings</Link>
              </>
            ) : null}
          </dd>
          <dt>App id</dt>
          <dd className="mono">{app.id}</dd>
        </dl>
      </section>

      {overview.environments.length === 0 ? <EmptyState title="This app has no environments yet" /> : null}
      {overview.environments.map((env, index) => {
        const envHref = environmentPath(app.id, env.key);
        const headingId = `env-${index}`;
        return (
          <section key={env.key} className="card" aria-labelledby={headingId}>
            <h2 id={headingId}>
              <Link href={envHref}>{env.label}</Link> {env.production && !/production/i.test(env.label) ? <span className="tag">Production</span> : null}
            </h2>
            <p>
              <Badge tone={env.status.tone}>{env.status.label}</Badge>
              {member ? (
                <>
                  {" "}
                  <Link href={`${envHref}/submissions/new`}>
                    New submission<span className="visually-hidden"> for {env.label}</span>
                  </Link>
                </>
              ) : null}
            </p>

            <h3>Certificates in service</h3>
            {env.inService.length === 0 ? (
              <p className="meta">No certificate in service.</p>
            ) : (
              <TableRegion label={`Certificates in service, ${env.label}`}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Subject</th>
                      <th scope="col">Purpose</th>
                      <th scope="col">Status</th>
                      <th scope="col">Valid until</th>
                      <th scope="col">Expiry</th>
                    </tr>
                  </thead>
                  <tbody>
                    {env.inService.map((c) => (
                      <tr key={c.id}>
                        <td className="mono">
                          <Link href={`/certificates/${c.id}`}>{c.subject}</Link>
                        </td>
                        <td>{c.purpose}</td>
                        <td>{c.status}</td>
                        <td>{isoDay(c.notAfter)}</td>
                        <td>
                          <ExpiryBadge expiry={c.expiry} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableRegion>
            )}

            <h3>Latest submissions</h3>
            {env.latestSubmissions.length === 0 ? (
              <p className="meta">No submissions yet.</p>
            ) : (
              <SubmissionsTable label={`Latest submissions, ${env.label}`} environmentHref={envHref} rows={env.latestSubmissions} />
            )}
            {env.submissionCount > env.latestSubmissions.length ? (
              <p className="meta">
                <Link href={`${envHref}#submissions`}>
                  All {env.submissionCount} submissions<span className="visually-hidden"> of {env.label}</span>
                </Link>{" "}
                on the environment page.
              </p>
            ) : null}
          </section>
        );
      })}
    </>
  );
}
