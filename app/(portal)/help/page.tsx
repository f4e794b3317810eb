import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { HELP_TOPICS } from "@/lib/help/links";
import { PageHeader } from "@/app/_components/ui";
import styles from "./_components/help.module.css";

export const metadata: Metadata = { title: "Help" };

/** Issue 16 item 9: the in-portal help, rendered from docs/. Every signed-in role may read it. */
export default async function HelpIndexPage() {
  await requireUser();
  return (
    <>
      <PageHeader title="Help" intro="How Certdesk checks, reviews and enables certificates — the same documents the project publishes, kept in step with the portal." />
      <ul className={styles.topics} aria-label="Help topics">
        {HELP_TOPICS.map((t) => (
          <li key={t.slug} className="card">
            <Link href={`/help/${t.slug}`}>
              <strong>{t.title}</strong>
            </Link>
            <p>{t.summary}</p>
          </li>
        ))}
      </ul>
    </>
  );
}
