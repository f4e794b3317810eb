import "server-only";
/**
 * Issue 16 item 9: the in-portal help, read from docs/ (the same files the repository shows),
 * so the portal and the docs never disagree. Only the partner-facing documents listed here are
 * served; links between them become /help links, links into the source tree become plain text.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseMarkdown, type Block } from "./markdown";
import { HELP_TOPICS, helpLink, type HelpTopic } from "./links";

export { HELP_TOPICS, type HelpTopic };

export type HelpPage = { topic: HelpTopic; blocks: Block[] };

/** A help topic by its slug, parsed; null for a slug that is not a help topic. */
export async function loadHelpPage(slug: string): Promise<HelpPage | null> {
  const topic = HELP_TOPICS.find((t) => t.slug === slug);
  if (!topic) return null;
  const source = await readFile(path.join(process.cwd(), "docs", `${topic.slug}.md`), "utf8");
  return { topic, blocks: parseMarkdown(source, helpLink) };
}
