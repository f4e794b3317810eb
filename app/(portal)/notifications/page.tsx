import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/lib/db";
import { requireUser } from "@/lib/auth/session";
import { listNotifications, unreadCount } from "@/lib/notifications";
import { DateTime, EmptyState, PageHeader } from "@/app/_components/ui";
import { MarkReadForm } from "./mark-read-form";
import styles from "./notifications.module.css";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  const user = await requireUser();
  const db = await getDb();
  const [items, unread] = await Promise.all([listNotifications(db, user.id, { limit: 100 }), unreadCount(db, user.id)]);
  return (
    <>
      <PageHeader title="Notifications" intro={unread ? `${unread} unread.` : "All read."} />
      {unread ? <MarkReadForm label="Mark all read" /> : null}
      {items.length === 0 ? (
        <EmptyState title="No notifications yet">
          <p>Decisions on your submissions and other news for you appear here.</p>
        </EmptyState>
      ) : (
        <ul className={styles.list} aria-label="Notifications">
          {items.map((n) => (
            <li key={n.id} className="card">
              <h2>
                {n.readAt ? null : <span className="badge badge--info">New</span>} {n.link ? <Link href={n.link}>{n.title}</Link> : n.title}
              </h2>
              <p className="meta">
                <DateTime value={n.createdAt} />
              </p>
              {n.body.split(/\n{2,}/).map((p, i) => (
                <p key={i}>{p}</p>
              ))}
              {n.readAt ? null : <MarkReadForm id={n.id} label="Mark read" />}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
