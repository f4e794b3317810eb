/**
 * Issue 16 item 8: breadcrumbs that never lead a role to a 403. Pure: the crumbs of the app,
 * environment, submission and certificate pages, computed from who is looking.
 *
 * The first crumb is the viewer's own way into apps: a partner of the owning organisation gets
 * "Developer apps" (/apps, partners only); staff get the section they can open — an admin the
 * admin apps table, a reviewer the review queue, support the enablements. Then the app page
 * (/apps/{id}, open to every role that may see the app), the environment, the page itself.
 */
import type { Role } from "@/lib/db/schema";

export type Crumb = { href?: string; label: string };

/** The parts of a session user the crumbs depend on. */
export type CrumbViewer = { roles: readonly Role[]; memberships: readonly { organisationId: string; role: Role }[] };

export type CrumbApp = { id: string; name: string; organisationId: string };
export type CrumbEnvironment = { key: string; label: string };

export const appPath = (appId: string) => `/apps/${appId}`;
export const environmentPath = (appId: string, key: string) => `/apps/${appId}/environments/${encodeURIComponent(key)}`;

/** Where the viewer starts when they look at apps of `organisationId`; null when no section of theirs lists apps. */
export function appsSectionCrumb(viewer: CrumbViewer, organisationId: string): Crumb | null {
  if (viewer.memberships.some((m) => m.role === "partner" && m.organisationId === organisationId)) return { href: "/apps", label: "Developer apps" };
  if (viewer.roles.includes("admin")) return { href: "/admin/apps", label: "Developer apps" };
  if (viewer.roles.includes("reviewer")) return { href: "/reviews", label: "Review queue" };
  if (viewer.roles.includes("support")) return { href: "/support", label: "Enablements" };
  return null;
}

function trail(...items: (Crumb | null)[]): Crumb[] {
  return items.filter((c): c is Crumb => c !== null);
}

/** The app page: section / app. */
export function appCrumbs(viewer: CrumbViewer, app: CrumbApp): Crumb[] {
  return trail(appsSectionCrumb(viewer, app.organisationId), { label: app.name });
}

/** An environment page: section / app / environment. */
export function environmentCrumbs(viewer: CrumbViewer, app: CrumbApp, environment: CrumbEnvironment): Crumb[] {
  return trail(appsSectionCrumb(viewer, app.organisationId), { href: appPath(app.id), label: app.name }, { label: environment.label });
}

/** A page below an environment (a submission, a new submission, a certificate): section / app / environment / page. */
export function environmentChildCrumbs(viewer: CrumbViewer, app: CrumbApp, environment: CrumbEnvironment, page: string): Crumb[] {
  return trail(
    appsSectionCrumb(viewer, app.organisationId),
    { href: appPath(app.id), label: app.name },
    { href: environmentPath(app.id, environment.key), label: environment.label },
    { label: page },
  );
}
