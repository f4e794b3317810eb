/**
 * Issue 16 item 9: which docs the help shows, and where their links lead in the portal.
 * Pure (the help pages, the findings list and the program pages all link here).
 */
export type HelpTopic = { slug: string; title: string; summary: string };

/** Partner-facing documents, in the order the help index lists them (file: docs/<slug>.md). */
export const HELP_TOPICS: readonly HelpTopic[] = [
  { slug: "lifecycle", title: "The life of a certificate", summary: "Upload, review, enablement, expiry, reminders and renewal." },
  { slug: "findings", title: "Finding codes", summary: "Every code a verdict can carry: what it means and how to fix it." },
  { slug: "programs", title: "Programs", summary: "The rules each provider program holds uploads to." },
  { slug: "scheduling", title: "Enablement windows", summary: "How approved certificates are scheduled and published to the gateway." },
  { slug: "api", title: "Partner API", summary: "Automate submissions with an organisation API token." },
  { slug: "cli", title: "Command-line checks", summary: "Check a chain or CSR on your machine before uploading." },
  { slug: "gateway", title: "The gateway", summary: "How the gateway checks the client certificate on each call." },
  { slug: "ca", title: "Certdesk as your CA", summary: "Certificates issued by the provider from your CSRs." },
];

/** The help entry of a finding code. */
export const findingHelpHref = (code: string) => `/help/findings#${encodeURIComponent(code)}`;

/** The help entry of a program (the example programs' headings carry their ids). */
export const programHelpHref = (programId: string) => `/help/programs#${encodeURIComponent(programId)}`;

/**
 * A link found in a docs/ file, as the portal shows it: another help document → /help/<slug>,
 * an anchor stays, web links stay, anything else (source files, documents not in the help) → null
 * (the link text is kept without a link).
 */
export function helpLink(href: string): string | null {
  if (/^(https?:\/\/|mailto:)/i.test(href)) return href;
  if (href.startsWith("#")) return href;
  const match = /^(?:\.\/|docs\/|\.\.\/docs\/)?([a-z0-9-]+)\.md(#[\w-]+)?$/i.exec(href);
  if (match && HELP_TOPICS.some((t) => t.slug === match[1])) return `/help/${match[1]}${match[2] ?? ""}`;
  return null;
}
