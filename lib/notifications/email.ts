/**
 * E-mail: rendering and the sender seam.
 *
 * E-mails are written to `email_outbox` in the same transaction as the change they
 * announce (the transactional-outbox pattern): a decision that rolls back never mails
 * anyone, and a mail provider outage never rolls a decision back. A sender then
 * delivers pending rows: locally the outbox sender only marks them (the admin outbox
 * page shows them); on AWS an SES sender would call SESv2 SendEmail.
 *
 * On AWS `sesSender` (lib/notifications/ses.ts) sends through SESv2. Delivery retries with
 * exponential backoff; a row that failed MAX_DELIVERY_ATTEMPTS times is marked failed and
 * shown to admins on the outbox page (issue 14).
 */
import { and, asc, eq, isNull, lte, or, sql } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { emailOutbox } from "@/lib/db";

export type EmailAttachment = { filename: string; contentType: string; contentBase64: string };
export type RenderedEmail = { to: string; subject: string; text: string; html: string; attachments?: EmailAttachment[] };

/** Delivers one rendered e-mail; returns the provider's message id. */
export type EmailSender = {
  kind: "outbox" | "ses";
  send(email: RenderedEmail & { from: string }): Promise<{ providerMessageId: string }>;
};

/** Local mode: nothing leaves the machine; the row itself, shown on /admin/outbox, is the e-mail. */
export const outboxSender: EmailSender = {
  kind: "outbox",
  async send() {
    return { providerMessageId: "local-outbox" };
  },
};

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Titles and bodies carry partner-controlled text (comments, names): escape it, or a comment becomes markup in a mail client. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Header injection: a CR/LF in a subject would let text add headers at the provider. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, " ").trim().slice(0, 200);
}

/**
 * Renders a notification as an e-mail (plain text and HTML).
 * `link` is a portal path ("/reviews/…"); it is made absolute with `publicUrl`.
 */
export function renderEmail(input: {
  to: string;
  recipientName?: string | null;
  title: string;
  body: string;
  link?: string | null;
  publicUrl: string;
}): RenderedEmail {
  const url = input.link ? absoluteLink(input.link, input.publicUrl) : undefined;
  const greeting = input.recipientName ? `Hello ${input.recipientName},` : "Hello,";
  const text = [greeting, "", input.title, "", input.body, ...(url ? ["", `Open in Certdesk: ${url}`] : []), "", "— Certdesk"].join("\n");
  const paragraphs = input.body
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("");
  const html =
    `<!doctype html><html><body style="font-family:sans-serif">` +
    `<p>${escapeHtml(greeting)}</p><h2 style="font-size:1.1em">${escapeHtml(input.title)}</h2>${paragraphs}` +
    (url ? `<p><a href="${escapeHtml(url)}">Open in Certdesk</a></p>` : "") +
    `<p style="color:#666">— Certdesk</p></body></html>`;
  return { to: input.to, subject: oneLine(`Certdesk: ${input.title}`), text, html };
}

/** Only same-origin paths become links: a stored "https://evil.example" or "//evil" must not turn into a phishing link in our mail. */
function absoluteLink(link: string, publicUrl: string): string | undefined {
  if (!link.startsWith("/") || link.startsWith("//")) return undefined;
  return new URL(link, publicUrl).toString();
}

export const MAX_DELIVERY_ATTEMPTS = 8;
/** A claimed row is left alone by other runners for this long (a crashed runner's row is retried after it). */
const CLAIM_MS = 5 * 60_000;

/** Backoff after the n-th failed attempt: 1, 2, 4 … minutes, at most 6 hours. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(attempts - 1, 0), 6 * 60 * 60_000);
}

/**
 * Sends outbox rows that are due (never sent, not given up, next attempt reached), oldest
 * first, and records the provider's id. Each row is claimed first (attempts + 1, next attempt
 * pushed out, `FOR UPDATE SKIP LOCKED`), so concurrent runners never send one row twice.
 * A failure records the error and schedules a retry with backoff; after
 * MAX_DELIVERY_ATTEMPTS the row is marked failed. Other rows are still sent.
 */
export async function deliverPendingEmails(
  db: Database,
  options: { sender: EmailSender; from: string; limit?: number; now?: Date },
): Promise<{ sent: number; failed?: { id: string; message: string }; failures?: number; gaveUp?: number }> {
  const now = options.now ?? new Date();
  const due = and(isNull(emailOutbox.sentAt), isNull(emailOutbox.failedAt), or(isNull(emailOutbox.nextAttemptAt), lte(emailOutbox.nextAttemptAt, now)));
  const claimed = await db.transaction(async (tx) => {
    const ids = await tx
      .select({ id: emailOutbox.id })
      .from(emailOutbox)
      .where(due)
      .orderBy(asc(emailOutbox.createdAt))
      .limit(options.limit ?? 100)
      .for("update", { skipLocked: true });
    if (!ids.length) return [];
    return tx
      .update(emailOutbox)
      .set({ attempts: sql`${emailOutbox.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + CLAIM_MS) })
      .where(sql`${emailOutbox.id} in (${sql.join(ids.map((r) => sql`${r.id}`), sql`, `)})`)
      .returning();
  });
  claimed.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  let sent = 0;
  let failures = 0;
  let gaveUp = 0;
  let failed: { id: string; message: string } | undefined;
  for (const row of claimed) {
    try {
      const { providerMessageId } = await options.sender.send({
        from: options.from,
        to: row.to,
        subject: row.subject,
        text: row.text,
        html: row.html ?? "",
        ...(row.attachments?.length ? { attachments: row.attachments } : {}),
      });
      // sentAt IS NULL: two concurrent runs must not both claim one row as theirs.
      await db
        .update(emailOutbox)
        .set({ sentAt: new Date(), providerMessageId, lastError: null, nextAttemptAt: null })
        .where(and(eq(emailOutbox.id, row.id), isNull(emailOutbox.sentAt)));
      sent++;
    } catch (error) {
      // Provider messages can be long and carry request ids: keep them short, never a stack.
      const message = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 500);
      const giveUp = row.attempts >= MAX_DELIVERY_ATTEMPTS;
      await db
        .update(emailOutbox)
        .set({ lastError: message, nextAttemptAt: giveUp ? null : new Date(now.getTime() + retryDelayMs(row.attempts)), failedAt: giveUp ? now : null })
        .where(eq(emailOutbox.id, row.id));
      failures++;
      if (giveUp) gaveUp++;
      failed ??= { id: row.id, message };
    }
  }
  return failures ? { sent, failed, failures, gaveUp } : { sent };
}
