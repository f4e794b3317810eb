import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db";
import { requireUser } from "@/lib/auth/session";
import { pageSegments } from "@/lib/http/route-params";
import { isAppError } from "@/lib/auth/app-error";
import { partnerOrganisationIds } from "@/lib/auth/access";
import { getSubmission, type SubmissionView } from "@/lib/submissions/get-submission";
import { submissionStatusLabel } from "@/app/_data/certificate-status";
import { Badge, Breadcrumbs, DateTime, PageHeader } from "@/app/_components/ui";
import { environmentChildCrumbs } from "@/lib/navigation/crumbs";
import { FindingsList } from "../_components/findings-list";
import { lifetimeDays, ValidityBar } from "../_components/validity-bar";
import { SubmitForReviewForm, WithdrawForm } from "../_components/submission-forms";
import styles from "../_components/submissions.module.css";
import { IssuedCertificates } from "./issued-certificates";


/** Issue 16: "Rita Reviewer: approved", not "approve by Rita Reviewer". */
const DECISION_WORDS: Record<string, string> = { approve: "approved", request_changes: "requested changes", reject: "rejected" };
export const metadata: Metadata = { title: "Submission" };

type Params = { appId: string; env: string; submissionId: string };

function ChainList({ view, now }: { view: SubmissionView; now: Date }) {
  if (view.certificates.length === 0) return <p>No certificate chain in this submission.</p>;
  const longestDays = Math.max(...view.certificates.map(lifetimeDays));
  return (
    <ol className={styles.chain} aria-label="Certificate chain, leaf first">
      {view.certificates.map((c) => {
        return (
          <li key={c.id} className={styles.chainItem} data-role={c.role}>
            <strong>{c.role === "leaf" ? "Leaf (client certificate)" : c.role === "intermediate" ? "Intermediate CA" : "Root CA"}</strong>
            <dl>
              <dt>Subject</dt>
              <dd className="mono">{c.subject}</dd>
              <dt>Issuer</dt>
              <dd className="mono">{c.issuer}</dd>
              <dt>Validity</dt>
              <dd>
                <ValidityBar notBefore={c.notBefore} notAfter={c.notAfter} now={now} longestDays={longestDays} />
              </dd>
              <dt>Key</dt>
              <dd>
                {c.keyAlgorithm}
                {c.keySize ? ` ${c.keySize}-bit` : ""}
              </dd>
              <dt>SHA-256 fingerprint</dt>
              <dd className="mono">{c.fingerprintSha256}</dd>
            </dl>
          </li>
        );
      })}
    </ol>
  );
}

export default async function SubmissionPage({ params }: { params: Promise<Params> }) {
  const user = await requireUser();
  const { submissionId } = pageSegments(await params, { appId: "uuid", env: "environment-key", submissionId: "uuid" });
  let view: SubmissionView;
  try {
    view = await getSubmission({ db: await getDb() }, { actor: { kind: "user", user }, submissionId });
  } catch (error) {
    // Another organisation's submission reads exactly like one that does not exist.
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
  const now = new Date();
  const envPath = `/apps/${view.app.id}/environments/${encodeURIComponent(view.environment.key)}`;
  const path = `${envPath}/submissions/${view.id}`;
  const mayAct = partnerOrganisationIds(user).includes(view.organisation.id);
  const errors = view.findings.filter((f) => f.severity === "error");
  const warnings = view.findings.filter((f) => f.severity === "warning");
  const corrected = view.files.find((f) => f.kind === "normalised-chain" && f.name === "corrected-chain.pem");
  const tone = view.verdict === "accepted" ? "success" : "danger";

  return (
    <>
      <PageHeader title={`Submission for ${view.app.name} — ${view.environment.label}`}>
        <Breadcrumbs items={environmentChildCrumbs(user, { ...view.app, organisationId: view.organisation.id }, view.environment, "Submission")} />
      </PageHeader>

      <section className="card" aria-labelledby="summary">
        <h2 id="summary">Summary</h2>
        <dl className="facts">
          <dt>Verdict</dt>
          <dd>
            <Badge tone={tone}>{view.verdict === "accepted" ? "Accepted" : "Rejected"}</Badge>
          </dd>
          <dt>Status</dt>
          <dd data-testid="submission-status">{submissionStatusLabel(view.status)}</dd>
          <dt>Kind</dt>
          <dd>
            {view.kind === "csr" ? "CSR" : "Certificate chain"} ({view.purpose})
          </dd>
          <dt>Program</dt>
          <dd>
            {view.program.id} (version {view.program.version})
          </dd>
          <dt>Uploaded</dt>
          <dd>
            <DateTime value={view.createdAt} />
          </dd>
        </dl>
        {corrected ? (
          <p>
            <a className="button button--secondary" href={`${path}/files/${corrected.id}`} download>
              Download corrected chain
            </a>{" "}
            <span className="meta">Leaf first, in the order the program asks for. Upload it as a new submission.</span>
          </p>
        ) : null}
        {mayAct && view.status === "draft" && errors.length === 0 && view.verdict === "accepted" ? (
          <SubmitForReviewForm submissionId={view.id} path={path} warnings={warnings.map((w) => ({ id: w.id, code: w.code, message: w.message }))} />
        ) : null}
        {mayAct && view.status === "rejected" && view.submittedAt === null ? (
          <p className="alert alert--error" role="status">
            This upload was rejected by the checks and cannot be sent for review. It stays here as a record: fix the errors below and{" "}
            <Link href={`${envPath}/submissions/new`}>upload a corrected chain</Link>.
          </p>
        ) : null}
        {view.status === "superseded" ? (
          <p className="alert" role="status" data-testid="superseded-notice">
            A newer upload superseded this draft; it is kept as a record and can no longer be sent.{" "}
            {view.supersededBy ? <Link href={`${envPath}/submissions/${view.supersededBy}`}>Open the newer upload</Link> : null}
          </p>
        ) : null}
        {view.supersedes.length ? (
          <p className="meta">
            This upload superseded your earlier draft
            {view.supersedes.length > 1 ? "s" : ""}:{" "}
            {view.supersedes.map((id, i) => (
              <span key={id}>
                {i ? ", " : ""}
                <Link href={`${envPath}/submissions/${id}`}>draft {id.slice(0, 8)}</Link>
              </span>
            ))}{" "}
            (kept, marked superseded).
          </p>
        ) : null}
        {mayAct && view.status === "in_review" ? <WithdrawForm submissionId={view.id} path={path} label="Withdraw submission" /> : null}
      </section>

      <IssuedCertificates view={view} path={path} />

      <section aria-labelledby="timeline">
        <h2 id="timeline">Status</h2>
        {/* Issue 16: the path this submission has taken and can still take, not every state there is. */}
        <ol className={styles.timeline} aria-label="Status timeline" data-testid="status-path">
          {view.path.steps.map((s) => (
            <li key={s.label} className={`${styles.stage} ${styles[s.state === "next" ? "stage_upcoming" : `stage_${s.state}`] ?? ""}`} aria-current={s.state === "current" ? "step" : undefined}>
              {s.label}
              <span className="visually-hidden"> ({s.state === "next" ? "next" : s.state})</span>
            </li>
          ))}
        </ol>
        <p data-testid="status-next">
          <strong>Next:</strong> {view.path.next}
        </p>
        {view.status === "withdrawn" ? <p className="meta">Withdrawn by the partner.</p> : null}
        {view.timeline.length ? (
          <ul className="plain-list">
            {view.timeline.map((e, i) => (
              <li key={i}>
                <DateTime value={e.at} /> — {e.label}
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      <section aria-labelledby="findings">
        <h2 id="findings">Findings</h2>
        <FindingsList findings={view.findings} acknowledge={mayAct && view.status === "draft" && errors.length === 0 && view.verdict === "accepted"} />
      </section>

      <section aria-labelledby="chain">
        <h2 id="chain">Chain</h2>
        <ChainList view={view} now={now} />
      </section>

      <section aria-labelledby="files">
        <h2 id="files">Files</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Kind</th>
                <th scope="col">Size</th>
                <th scope="col">SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {view.files.map((f) => (
                <tr key={f.id}>
                  <td>
                    <a href={`${path}/files/${f.id}`} download>
                      {f.name}
                    </a>
                  </td>
                  <td>{f.kind === "original" ? "As uploaded" : f.kind === "issued-chain" ? "Issued by Certdesk" : "Normalised chain"}</td>
                  <td>{f.size} bytes</td>
                  <td className="mono">{f.sha256.slice(0, 16)}…</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="reviews">
        <h2 id="reviews">Reviewer comments</h2>
        {view.reviews.length === 0 ? (
          <p className="meta">No reviewer comments yet.</p>
        ) : (
          <ul className="plain-list">
            {view.reviews.map((r) => (
              <li key={r.id}>
                <DateTime value={r.createdAt} /> — {r.reviewerName}: {DECISION_WORDS[r.decision] ?? r.decision.replace("_", " ")}
                {r.comment ? <>: {r.comment}</> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
