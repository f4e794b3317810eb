import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { requireUser } from "@/lib/auth/session";
import { loadHelpPage } from "@/lib/help/topics";
import { Breadcrumbs, PageHeader } from "@/app/_components/ui";
import { MarkdownView } from "../_components/markdown-view";
import styles from "../_components/help.module.css";

type Params = { topic: string };

const load = cache(async (topic: string) => {
  await requireUser();
  const page = await loadHelpPage(topic);
  if (!page) notFound();
  return page;
});

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { topic } = await params;
  return { title: `${(await load(topic)).topic.title} — Help` };
}

/** Issue 16 item 9: one help document from docs/, rendered safely (lib/help/markdown). */
export default async function HelpTopicPage({ params }: { params: Promise<Params> }) {
  const { topic } = await params;
  const page = await load(topic);
  const sections = page.blocks.filter((b) => b.type === "heading" && b.level === 2);
  return (
    <>
      <PageHeader title={page.topic.title} intro={page.topic.summary}>
        <Breadcrumbs items={[{ href: "/help", label: "Help" }, { label: page.topic.title }]} />
      </PageHeader>
      {sections.length > 2 ? (
        <nav aria-label="On this page">
          <ul className={styles.toc}>
            {sections.map((s) =>
              s.type === "heading" ? (
                <li key={s.id}>
                  <a href={`#${s.id}`}>{s.text}</a>
                </li>
              ) : null,
            )}
          </ul>
        </nav>
      ) : null}
      <MarkdownView blocks={page.blocks} />
    </>
  );
}
