/**
 * E-mail: rendering and the sender seam.
 *
 * E-mails are written to `email_outbox` in the same transaction as the change they
 * announce (the transactional-outbox pattern): a decision that rolls back never mails
 * anyone, and a mail provider outage never rolls a decision back. A sender then
 * delivers pending rows: locally the outbox sender only marks them (the admin outbox
 * page shows them); on AWS an SES sender would call SESv2 SendEmail.
 *
 * SES needs `@aws-sdk/client-sesv2`, which is not installed; `sesSender` is therefore
 * not provided here yet — implement `EmailSender` with it when the package is added.
 */
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { emailOutbox } from "@/lib/db";

export type RenderedEmail = { to: string; subject: string; text: string; html: string };

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

/**
 * Sends outbox rows not yet sent, oldest first, and records the provider's id.
 * One failure stops the run (the rest stay pending for the next run) and is returned.
 */
export async function deliverPendingEmails(
  db: Database,
  options: { sender: EmailSender; from: string; limit?: number },
): Promise<{ sent: number; failed?: { id: string; message: string } }> {
  const pending = await db
    .select()
    .from(emailOutbox)
    .where(isNull(emailOutbox.sentAt))
    .orderBy(asc(emailOutbox.createdAt))
    .limit(options.limit ?? 100);
  let sent = 0;
  for (const row of pending) {
    try {
      const { providerMessageId } = await options.sender.send({
        from: options.from,
        to: row.to,
        subject: row.subject,
        text: row.text,
        html: row.html ?? "",
      });
      // sentAt IS NULL: two concurrent runs must not both claim one row as theirs.
      await db
        .update(emailOutbox)
        .set({ sentAt: new Date(), providerMessageId })
        .where(and(eq(emailOutbox.id, row.id), isNull(emailOutbox.sentAt)));
      sent++;
    } catch (error) {
      return { sent, failed: { id: row.id, message: error instanceof Error ? error.message : String(error) } };
    }
  }
  return { sent };
}
