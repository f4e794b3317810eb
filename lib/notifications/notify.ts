/**
 * In-app notifications and the e-mails that go with them.
 *
 * `notify` is called inside the transaction of the change it announces, with that
 * transaction (`tx`): the notification exists exactly when the change does. E-mails
 * are rendered into `email_outbox` in the same transaction and delivered afterwards
 * (lib/notifications/email.ts).
 */
import { and, count, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database, Role } from "@/lib/db";
import { emailOutbox, memberships, notifications, organisations, users } from "@/lib/db";
import { getConfig } from "@/lib/config";
import { renderEmail, type EmailAttachment } from "./email";

export type NotifyInput = {
  /** These users. */
  userIds?: string[];
  /** Every partner member of this organisation. */
  organisationId?: string;
  /** Every staff member (provider organisation) holding one of these roles. */
  roles?: Role[];
  /** Never these users (e.g. the reviewer who caused the notice). */
  excludeUserIds?: string[];
  /** Stable machine name, e.g. "submission.approved". */
  kind: string;
  title: string;
  body: string;
  /** A portal path, e.g. "/apps/…/environments/production". */
  link?: string;
  /** Also e-mail each recipient. */
  email?: boolean;
  /** Absolute origin for e-mail links; defaults to the configured public URL. */
  publicUrl?: string;
  /** Files attached to each e-mail, e.g. a window's .ics (issue 14). */
  attachments?: EmailAttachment[];
};

export type NotifyResult = { recipients: number; emails: number };

type Recipient = { id: string; email: string; name: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LIMITS = { title: 200, body: 4_000, link: 1_000 } as const;

/**
 * Notifies the union of the addressed users (each once; disabled users are skipped).
 *
 * @example
 * await db.transaction(async (tx) => {
 *   // … change state, recordAudit(tx, …) …
 *   await notify(tx, { organisationId, kind: "submission.approved", title: "Approved", body: "…", link, email: true });
 * });
 */
export async function notify(tx: Database, input: NotifyInput): Promise<NotifyResult> {
  const recipients = await resolveRecipients(tx, input);
  if (recipients.length === 0) return { recipients: 0, emails: 0 };
  const title = input.title.slice(0, LIMITS.title);
  const body = input.body.slice(0, LIMITS.body);
  // Only same-origin paths are stored: a link is rendered as <a href>, and "javascript:" or
  // "//evil.example" there would be a stored XSS / open redirect.
  const link = input.link && input.link.startsWith("/") && !input.link.startsWith("//") ? input.link.slice(0, LIMITS.link) : null;
  // clock_timestamp(), not the column default now(): now() is the transaction's start, so two
  // notices of one transaction would tie and "newest first" would be a coin toss.
  const createdAt = sql`clock_timestamp()`;
  await tx.insert(notifications).values(recipients.map((r) => ({ userId: r.id, kind: input.kind, title, body, link, createdAt })));
  let emails = 0;
  if (input.email) {
    const publicUrl = input.publicUrl ?? getConfig().publicUrl;
    const rendered = recipients.map((r) => renderEmail({ to: r.email, recipientName: r.name, title, body, link, publicUrl }));
    const attachments = input.attachments?.length ? input.attachments : null;
    await tx.insert(emailOutbox).values(rendered.map((m) => ({ ...m, attachments, createdAt })));
    emails = rendered.length;
  }
  return { recipients: recipients.length, emails };
}

async function resolveRecipients(db: Database, input: NotifyInput): Promise<Recipient[]> {
  const found = new Map<string, Recipient>();
  const columns = { id: users.id, email: users.email, name: users.name };
  const add = (rows: Recipient[]) => rows.forEach((r) => found.set(r.id, r));
  if (input.userIds && input.userIds.length > 0) {
    add(await db.select(columns).from(users).where(and(inArray(users.id, input.userIds), eq(users.disabled, false))));
  }
  if (input.organisationId) {
    add(
      await db
        .select(columns)
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(
          and(eq(memberships.organisationId, input.organisationId), eq(memberships.role, "partner"), eq(users.disabled, false)),
        ),
    );
  }
  if (input.roles && input.roles.length > 0) {
    // Staff roles count only in the provider organisation: a partner org cannot mint
    // itself a "reviewer" membership and start receiving other tenants' notices.
    add(
      await db
        .select(columns)
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
        .where(and(inArray(memberships.role, input.roles), eq(organisations.kind, "provider"), eq(users.disabled, false))),
    );
  }
  for (const id of input.excludeUserIds ?? []) found.delete(id);
  return [...found.values()];
}

export type NotificationItem = {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  readAt: Date | null;
  createdAt: Date;
};

/** The user's notifications, newest first. */
export async function listNotifications(
  db: Database,
  userId: string,
  options: { limit?: number; unreadOnly?: boolean } = {},
): Promise<NotificationItem[]> {
  return db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      title: notifications.title,
      body: notifications.body,
      link: notifications.link,
      readAt: notifications.readAt,
      createdAt: notifications.createdAt,
    })
    .from(notifications)
    .where(options.unreadOnly ? and(eq(notifications.userId, userId), isNull(notifications.readAt)) : eq(notifications.userId, userId))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(Math.min(Math.max(options.limit ?? 50, 1), 500));
}

/** How many of the user's notifications are unread (the nav badge). */
export async function unreadCount(db: Database, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/**
 * Marks the user's notifications read: the given ids, or all when `ids` is omitted.
 * Scoped by user id, so another user's notification id changes nothing.
 * Returns how many were newly marked.
 */
export async function markRead(db: Database, userId: string, ids?: string[]): Promise<number> {
  const scope = and(eq(notifications.userId, userId), isNull(notifications.readAt));
  // A malformed id would make PostgreSQL throw (a 500 from a form field); drop it instead.
  const valid = ids?.filter((id) => UUID.test(id));
  if (valid && valid.length === 0) return 0;
  const where = valid ? and(scope, inArray(notifications.id, valid)) : scope;
  const updated = await db.update(notifications).set({ readAt: new Date() }).where(where).returning({ id: notifications.id });
  return updated.length;
}

/**
 * Resolves every still-unread notification of one kind about one thing (its link), for all
 * recipients: a request that somebody else already answered should not stay on a to-do list.
 * Called inside the transaction of the change that answers it. Returns how many were resolved.
 *
 * @example
 * await resolveNotifications(tx, { kind: "review.approval-needed", link: `/reviews/${id}` });
 */
export async function resolveNotifications(tx: Database, input: { kind: string; link: string; at?: Date }): Promise<number> {
  const resolved = await tx
    .update(notifications)
    .set({ readAt: input.at ?? new Date() })
    .where(and(eq(notifications.kind, input.kind), eq(notifications.link, input.link), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return resolved.length;
}
