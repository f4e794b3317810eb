import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { requireUser, loadEnvironmentForUser } from "@/lib/auth/session";
import { pageSegments } from "@/lib/http/route-params";
import { partnerOrganisationIds } from "@/lib/auth/access";
import Link from "next/link";
import { Fragment } from "react";
import { Breadcrumbs, DateTime, PageHeader } from "@/app/_components/ui";
import { environmentChildCrumbs } from "@/lib/navigation/crumbs";
import { programHelpHref } from "@/lib/help/links";
import { ExpiryBadge } from "@/app/_components/expiry-badge";
import { findRenewable } from "@/lib/expiry/pages";
import { MAX_FILES, MAX_UPLOAD_BYTES, PURPOSES } from "@/lib/submissions/limits";
import { findProgram } from "@/lib/submissions/load-program";
import { getDb } from "@/lib/db";
import { purposeName, summarizeProgram } from "@/lib/policy/program-summary";
import { UploadForm } from "../_components/upload-form";
import { draftsAnUploadWouldSupersede } from "@/lib/submissions/attempts";

export const metadata: Metadata = { title: "New submission" };

type Params = { appId: string; env: string };

export default async function NewSubmissionPage({ params, searchParams }: { params: Promise<Params>; searchParams: Promise<{ replaces?: string | string[] }> }) {
  const user = await requireUser();
  const { appId, env } = pageSegments(await params, { appId: "uuid", env: "environment-key" });
  // Another organisation's app (or a made-up id) is a 404.
  const { app, environment } = await loadEnvironmentForUser(user, { appId, key: env });
  // Staff may look at any app but upload for none: only the partner's own members do.
  if (!partnerOrganisationIds(user).includes(app.organisationId)) forbidden();
  const envPath = `/apps/${app.id}/environments/${encodeURIComponent(environment.key)}`;
  // Issue 14: "Renew" on a certificate opens this page with ?replaces=<certificate id>.
  const replaces = (await searchParams).replaces;
  const renews = typeof replaces === "string" ? await findRenewable(user, { id: replaces, appId: app.id, environmentKey: environment.key }) : null;
  // Issue 16: what this app's program asks for, generated from the program's own data.
  const program = await findProgram(await getDb(), app.programId);
  const summary = program ? summarizeProgram(program, { allPurposes: PURPOSES }) : null;
  // Issue 16: a new upload never silently replaces an earlier one; say which draft it would supersede.
  const drafts = await draftsAnUploadWouldSupersede(await getDb(), { viewer: user, appId: app.id, environmentId: environment.id });
  return (
    <>
      <PageHeader title="New submission" intro={`${app.name} — ${environment.label}. The verdict appears as soon as the files are checked.`}>
        <Breadcrumbs items={environmentChildCrumbs(user, app, environment, "New submission")} />
      </PageHeader>
      {renews ? (
        <section className="card" aria-labelledby="renewal-heading">
          <h2 id="renewal-heading">Renewal</h2>
          <p>
            This submission renews <Link href={`/certificates/${renews.id}`}>{renews.subject}</Link> ({renews.purpose}), which expires on{" "}
            <DateTime value={renews.notAfter} />: <ExpiryBadge expiry={renews.expiry} />. Once approved and scheduled, the new certificate becomes active before the old one expires, and both stay trusted during the overlap.
          </p>
        </section>
      ) : null}
      {program && summary ? (
        <section className="card" aria-labelledby="program-heading" data-testid="program-summary">
          <h2 id="program-heading">What {program.name} asks for</h2>
          <p>
            <strong>{summary.headline}</strong>
          </p>
          <dl className="facts">
            {summary.items.map((i) => (
              <Fragment key={i.key}>
                <dt>{i.label}</dt>
                <dd>{i.text}</dd>
              </Fragment>
            ))}
          </dl>
          <p>
            <Link href={programHelpHref(program.id)}>The {program.name} program in the help</Link> — every rule and how Certdesk reads the provider&apos;s text.
          </p>
          <details>
            <summary>How to make {summary.commands.length > 1 ? "them" : "it"} with openssl</summary>
            <ul className="plain-list">
              {summary.commands.map((c) => (
                <li key={c.command}>
                  {c.label}:
                  <pre className="mono command">
                    <code>{c.command}</code>
                  </pre>
                </li>
              ))}
            </ul>
          </details>
        </section>
      ) : null}
      {drafts.length ? (
        <section className="card" aria-labelledby="supersede-heading" data-testid="supersede-notice">
          <h2 id="supersede-heading">This upload supersedes your unsent draft</h2>
          <ul className="plain-list">
            {drafts.map((d) => (
              <li key={d.id}>
                <Link href={`${envPath}/submissions/${d.id}`}>
                  Draft for {d.purpose === "mtls" ? "mTLS client authentication" : d.purpose === "signature" ? "message signature" : d.purpose}, uploaded <DateTime value={d.createdAt} />
                </Link>
                {d.leafSubject ? <span className="meta mono"> {d.leafSubject}</span> : null}
              </li>
            ))}
          </ul>
          <p>
            A new upload for the same purpose that passes the checks takes the draft&apos;s place: the draft is kept, with its files and verdict, and listed on the{" "}
            <Link href={envPath}>environment page</Link> as superseded; it can no longer be sent for review. An upload whose checks find errors supersedes nothing. To send the
            draft instead, open it and send it for review.
          </p>
        </section>
      ) : null}
      <section className="card" aria-labelledby="upload-heading">
        <h2 id="upload-heading">Upload</h2>
        <UploadForm
          uploadUrl={`${envPath}/submissions/upload`}
          submissionBase={`${envPath}/submissions`}
          maxBytes={MAX_UPLOAD_BYTES}
          maxFiles={MAX_FILES}
          renews={renews ? { id: renews.id, purpose: renews.purpose } : undefined}
          help={summary ? `${summary.headline} Drop the files here or choose them. Never include a private key.` : undefined}
          purposes={summary?.purposes.map((p) => ({ value: p, label: p === "mtls" ? "mTLS client authentication" : p === "signature" ? "Message signature" : purposeName(p) }))}
        />
      </section>
    </>
  );
}
