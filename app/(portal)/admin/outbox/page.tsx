import type { Metadata } from "next";
import { getDb } from "@/lib/db";
import { getConfig } from "@/lib/config";
import { requireRole } from "@/lib/auth/session";
import { listOutboxEmails } from "@/lib/notifications";
import { Badge, DateTime, EmptyState, PageHeader } from "@/app/_components/ui";
import { Facts } from "@/app/_components/data-table";
import styles from "./outbox.module.css";

export const metadata: Metadata = { title: "E-mail outbox" };

export default async function OutboxPage() {
  const viewer = await requireRole("admin");
  const emails = await listOutboxEmails(await getDb(), { viewer, limit: 200 });
  const local = getConfig().email.kind === "outbox";
  return (
    <>
      <PageHeader
        title="E-mail outbox"
        intro={
          local
            ? "Local mode sends no e-mail: every message Certdesk would send is kept here, rendered, newest first."
            : "Every e-mail Certdesk queued, newest first, with when SES accepted it."
        }
      />
      {emails.length === 0 ? (
        <EmptyState title="No e-mails yet">
          <p>Partners are e-mailed when a reviewer decides on their submissions.</p>
        </EmptyState>
      ) : (
        <ol className={styles.list} aria-label="E-mails">
          {emails.map((m) => (
            <li key={m.id} className="card">
              <h2>{m.subject}</h2>
              <Facts
                items={[
                  { term: "To", value: m.to },
                  { term: "Queued", value: <DateTime value={m.createdAt} /> },
                  {
                    term: "Sent",
                    value: m.sentAt ? (
                      <DateTime value={m.sentAt} />
                    ) : m.failedAt ? (
                      <Badge tone="danger">failed</Badge>
                    ) : local ? (
                      "kept in the outbox (local mode)"
                    ) : m.attempts > 0 ? (
                      <Badge tone="warning">retrying</Badge>
                    ) : (
                      "pending"
                    ),
                  },
                  // Issue 14: delivery failures (SES) are shown to admins with the provider's message.
                  m.lastError && {
                    term: "Delivery",
                    value: (
                      <>
                        {m.attempts} {m.attempts === 1 ? "attempt" : "attempts"}; last error: {m.lastError}
                        {m.failedAt ? <> — gave up <DateTime value={m.failedAt} /></> : m.nextAttemptAt ? <> — next attempt <DateTime value={m.nextAttemptAt} /></> : null}
                      </>
                    ),
                  },
                  m.attachments?.length ? { term: "Attachments", value: m.attachments.map((a) => a.filename).join(", ") } : null,
                ]}
              />
              <pre className={styles.body}>{m.text}</pre>
              {m.html ? (
                <details>
                  <summary>HTML version</summary>
                  {/* sandbox="" : no scripts, no same-origin access, no navigation of this page. */}
                  <iframe className={styles.frame} sandbox="" srcDoc={m.html} title={`HTML version of “${m.subject}”`} />
                </details>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
