import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db";
import { requireRole } from "@/lib/auth/session";
import { pageSegments } from "@/lib/http/route-params";
import { isAppError } from "@/lib/auth/app-error";
import { getReview } from "@/lib/reviews/get-review";
import { subjectHeadline } from "@/lib/reviews/subject";
import { describeRevocation } from "@/lib/revocation/records";
import { Badge, Breadcrumbs, DateTime, EmptyState, PageHeader, TableRegion } from "@/app/_components/ui";
import { ExpiryBadge } from "@/app/_components/expiry-badge";
import { AcknowledgeForm, DecisionForm } from "../_components/decision-forms";
import { Subject } from "../_components/subject";
import { ageLabel, DECISION_LABELS, statusLabel } from "../_components/labels";
import styles from "../reviews.module.css";
import { findingHelpHref } from "@/lib/help/links";

export const metadata: Metadata = { title: "Review submission" };

const SEVERITY_TONE = { error: "danger", warning: "warning", info: "info" } as const;
const FILE_KIND_LABELS = { original: "as uploaded", "normalised-chain": "normalised chain (PEM, leaf first)", csr: "certificate request", "issued-chain": "chain issued by Certdesk" } as const;

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`;
}

export default async function ReviewPage({ params }: { params: Promise<{ submissionId: string }> }) {
  const viewer = await requireRole(["reviewer", "admin"]);
  const { submissionId } = pageSegments(await params, { submissionId: "uuid" });
  const view = await getReview(await getDb(), { viewer, submissionId }).catch((error: unknown) => {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  const s = view.submission;
  const status = statusLabel(s.status);
  const age = ageLabel(view.age.badge, view.age.businessDays, view.age.target);
  const warnings = view.findings.filter((f) => f.severity === "warning");
  const title = `${view.app.name} — ${view.environment.label}`;
  // Issue 16: once this reviewer has approved, Approve is disabled and says when.
  const myApproval = view.reviews.find((r) => r.decision === "approve" && r.reviewerId === viewer.id);
  const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return (
    <>
      <PageHeader title={title} intro={`${s.kind === "csr" ? "Certificate request" : "Certificate chain"} from ${view.organisation.name}.`}>
        <Breadcrumbs items={[{ href: "/reviews", label: "Review queue" }, { label: title }]} />
      </PageHeader>

      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <Badge tone={status.tone}>{status.label}</Badge>{" "}
          {view.environment.production ? <span className="tag">Production</span> : null}
        </dd>
        <dt>Approvals</dt>
        <dd>
          {view.approvals} of {s.approvalsRequired}
          {s.approvalsRequired > 1 ? " (by different reviewers)" : ""}
        </dd>
        <dt>Submitted</dt>
        <dd>
          <DateTime value={s.submittedAt} /> by {view.createdBy ? `${view.createdBy.name} (${view.createdBy.email})` : "an API token"}
        </dd>
        <dt>Waiting</dt>
        <dd>
          <Badge tone={age.tone}>{age.label}</Badge>
        </dd>
        <dt>Program</dt>
        <dd className="mono">
          {s.programId} v{s.programVersion}
        </dd>
        <dt>Purpose</dt>
        <dd>{s.purpose}</dd>
        <dt>Leaf subject</dt>
        <dd>
          <Subject dn={s.leafSubject} />
        </dd>
        <dt>Revocation</dt>
        <dd data-testid="revocation">
          {view.revocation ? (
            <>
              <Badge tone={describeRevocation(view.revocation).tone}>{describeRevocation(view.revocation).label}</Badge> {describeRevocation(view.revocation).text} Checked{" "}
              <DateTime value={view.revocation.checkedAt} /> {view.revocation.trigger === "daily" ? "by the daily re-check" : "at upload"}.
            </>
          ) : s.kind === "csr" ? (
            "Not applicable (a certificate request)."
          ) : (
            "Not checked live."
          )}
        </dd>
      </dl>

      {view.supersedes ? (
        <p className="alert alert--info">
          This answers an earlier submission (<Link href={`/reviews/${view.supersedes.id}`}>{statusLabel(view.supersedes.status).label.toLowerCase()}</Link>)
          {view.supersedes.requested ? (
            <>
              {" "}
              where {view.supersedes.requested.reviewerName} asked: “{view.supersedes.requested.comment}”
            </>
          ) : null}
        </p>
      ) : null}
      {view.supersededBy.length ? (
        <p className="alert alert--info">
          The partner answered this with <Link href={`/reviews/${view.supersededBy[0]!.id}`}>a new submission</Link>.
        </p>
      ) : null}

      <p>
        <a href="#decision">Go to the decision</a> (after the evidence below)
      </p>

      {/* The table region inside carries the name: one landmark per name (axe landmark-unique, issue 16). */}
      <section>
        <h2 id="findings">Findings</h2>
        {view.findings.length === 0 ? (
          <p>The engine found nothing to report.</p>
        ) : (
          <TableRegion label="Findings">
            <table>
              <thead>
                <tr>
                  <th scope="col">Severity</th>
                  <th scope="col">Code</th>
                  <th scope="col">Certificate</th>
                  <th scope="col">Message</th>
                  <th scope="col">Acknowledgement</th>
                </tr>
              </thead>
              <tbody>
                {view.findings.map((f) => (
                  <tr key={f.id}>
                    <td>
                      <Badge tone={SEVERITY_TONE[f.severity]}>{f.severity}</Badge>
                    </td>
                    <td className="mono">
                      <Link href={findingHelpHref(f.code)}>{f.code}</Link>
                    </td>
                    <td>
                      <Subject dn={f.subject} />
                    </td>
                    <td>
                      {f.message}
                      {f.fix ? <div className="meta">Fix: {f.fix}</div> : null}
                    </td>
                    <td>
                      {f.severity !== "warning" ? (
                        "—"
                      ) : f.acknowledgedByReviewer ? (
                        <>
                          {f.acknowledgedByName}: “{f.acknowledgement}” <div className="meta"><DateTime value={f.acknowledgedAt} /></div>
                        </>
                      ) : view.cannotDecide ? (
                        "Not acknowledged by a reviewer"
                      ) : (
                        <AcknowledgeForm submissionId={s.id} findingId={f.id} code={f.code} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
        {warnings.length ? <p className="meta">Each warning needs a reviewer&apos;s acknowledgement with a comment before approval; errors block approval.</p> : null}
      </section>

      <section aria-labelledby="chain">
        <h2 id="chain">Chain</h2>
        {view.chain.length === 0 ? (
          <p>No certificates (a CSR awaits issuance).</p>
        ) : (
          <TableRegion label="Certificate chain">
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Role</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Issuer</th>
                  <th scope="col">Key</th>
                  <th scope="col">Valid</th>
                  <th scope="col">SHA-256</th>
                </tr>
              </thead>
              <tbody>
                {view.chain.map((c) => (
                  <tr key={c.id}>
                    <td>{c.position}</td>
                    <td>{c.role}</td>
                    <td>
                      <Subject dn={c.subject} />
                    </td>
                    <td>
                      <Subject dn={c.issuer} />
                    </td>
                    <td>
                      {c.keyAlgorithm}
                      {c.keySize ? ` ${c.keySize}` : ""}
                    </td>
                    <td className="nowrap">
                      {c.notBefore.toISOString().slice(0, 10)} → {c.notAfter.toISOString().slice(0, 10)}
                    </td>
                    <td className="mono">{c.fingerprintSha256.slice(0, 16)}…</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>

      <section aria-labelledby="files">
        <h2 id="files">Uploaded files</h2>
        {view.files.length === 0 ? (
          <p>No files are stored for this submission.</p>
        ) : (
          <>
            <ul className={styles.files} aria-label="Files to download">
              {view.files.map((f) => (
                <li key={f.id}>
                  <a href={`/reviews/${s.id}/files/${f.id}`} download>
                    {f.name}
                  </a>{" "}
                  <span className="meta">
                    {FILE_KIND_LABELS[f.kind]} · {formatSize(f.size)} · SHA-256 <span className="mono">{f.sha256.slice(0, 16)}…</span>
                  </span>
                </li>
              ))}
            </ul>
            <p className="meta">Each download is recorded in the audit trail with your name.</p>
          </>
        )}
      </section>

      <section aria-labelledby="compare">
        <h2 id="compare">Compared with the certificate in service</h2>
        {!view.comparison ? (
          <p>No certificate is active for this app and environment yet: this would be the first.</p>
        ) : (
          <>
          <p>
            In service: <Link href={`/certificates/${view.comparison.active.id}`} title={view.comparison.active.subject}>
              {subjectHeadline(view.comparison.active.subject).headline}
            </Link>, <ExpiryBadge expiry={view.comparison.activeExpiry} />
            {view.comparison.renews ? " — this submission renews it (linked)." : "."}
          </p>
          <TableRegion label="Comparison with the active certificate">
            <table>
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">In service</th>
                  <th scope="col">Proposed</th>
                  <th scope="col">Changed</th>
                </tr>
              </thead>
              <tbody>
                {view.comparison.rows.map((r) => (
                  <tr key={r.field} className={r.changed ? styles.changed : undefined}>
                    <th scope="row">{r.label}</th>
                    <td className={`mono ${styles.dn}`}>{r.active}</td>
                    <td className={`mono ${styles.dn}`}>{r.proposed}</td>
                    <td>{r.changed ? <Badge tone="warning">changed</Badge> : "same"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
          </>
        )}
      </section>

      <section aria-labelledby="reviews">
        <h2 id="reviews">Reviews so far</h2>
        {view.reviews.length === 0 ? (
          <p>No reviewer has decided yet.</p>
        ) : (
          <ul>
            {view.reviews.map((r) => (
              <li key={r.id}>
                <DateTime value={r.createdAt} /> — {r.reviewerName}: {DECISION_LABELS[r.decision]}
                {r.comment ? <> — “{r.comment}”</> : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="org">
        <h2 id="org">{view.organisation.name}</h2>
        <p className="meta">
          Legal name {view.organisation.companyName}
          {view.organisation.organizationIdentifier ? ` · ${view.organisation.organizationIdentifier}` : ""}
        </p>
        {view.history.length === 0 ? (
          <EmptyState title="No earlier submissions from this organisation" />
        ) : (
          <TableRegion label="Earlier submissions">
            <table>
              <caption>Earlier submissions (latest {view.history.length})</caption>
              <thead>
                <tr>
                  <th scope="col">Submitted</th>
                  <th scope="col">App and environment</th>
                  <th scope="col">Status</th>
                  <th scope="col">Leaf subject</th>
                </tr>
              </thead>
              <tbody>
                {view.history.map((h) => (
                  <tr key={h.id}>
                    <td>
                      <DateTime value={h.submittedAt ?? h.createdAt} />
                    </td>
                    <td>
                      <Link href={`/reviews/${h.id}`}>
                        {h.appName} — {h.environmentLabel}
                      </Link>
                    </td>
                    <td>
                      <Badge tone={statusLabel(h.status).tone}>{statusLabel(h.status).label}</Badge>
                    </td>
                    <td>
                      <Subject dn={h.leafSubject} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>

      <section aria-labelledby="trail">
        <h2 id="trail">Audit trail</h2>
        {view.audit.length === 0 ? (
          <p>No events recorded for this submission.</p>
        ) : (
          <TableRegion label="Audit trail of this submission">
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Time</th>
                  <th scope="col">Action</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Actor</th>
                </tr>
              </thead>
              <tbody>
                {view.audit.map((e) => (
                  <tr key={e.seq}>
                    <td>{e.seq}</td>
                    <td className="nowrap">
                      <DateTime value={e.at} />
                    </td>
                    <td className="mono">{e.action}</td>
                    <td>{e.outcome}</td>
                    <td>{e.actorEmail ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>
      {/* Issue 16: the decision comes last, after the evidence it rests on. */}
      <section className="card" aria-labelledby="decide" id="decision">
        <h2 id="decide">Decision</h2>
        {view.cannotDecide ? (
          <p role="status">{view.cannotDecide}</p>
        ) : (
          <>
            {view.approveBlockers.length ? (
              <ul className={styles.blockers} aria-label="Before you can approve">
                {view.approveBlockers.map((b) => (
                  <li key={b}>{b}</li>
                ))}
              </ul>
            ) : null}
            <DecisionForm submissionId={s.id} approvedNote={myApproval ? `You approved at ${utc(myApproval.createdAt)}.` : undefined} />
          </>
        )}
      </section>
    </>
  );
}
