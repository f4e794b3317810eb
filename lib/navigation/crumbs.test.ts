/**
 * Issue 16 item 8: every crumb a persona is shown opens for that persona. The page rules
 * below are what the pages enforce (requireRole / the app's tenancy): /apps for partners,
 * /reviews for reviewers and admins, /support for support and admins, /admin/* for admins,
 * /apps/{id}… for partners of the owning organisation and every staff role.
 */
import { describe, expect, it } from "vitest";
import type { Role } from "@/lib/db/schema";
import { appCrumbs, environmentChildCrumbs, environmentCrumbs, type CrumbViewer } from "./crumbs";

const ACME = "11111111-1111-4111-8111-111111111111";
const GLOBEX = "22222222-2222-4222-8222-222222222222";
const PROVIDER = "33333333-3333-4333-8333-333333333333";
const app = { id: "44444444-4444-4444-8444-444444444444", name: "Acme Checkout", organisationId: ACME };
const env = { key: "production", label: "Production" };

const persona = (role: Role, organisationId: string): CrumbViewer => ({ roles: [role], memberships: [{ organisationId, role }] });
const PERSONAS = {
  "partner@acme.test": persona("partner", ACME),
  "reviewer1@certdesk.test": persona("reviewer", PROVIDER),
  "support@certdesk.test": persona("support", PROVIDER),
  "admin@certdesk.test": persona("admin", PROVIDER),
} as const;

/** Whether the page at `href` answers the viewer (not 403), as the pages decide. */
function opens(viewer: CrumbViewer, href: string): boolean {
  const has = (...roles: Role[]) => roles.some((r) => viewer.roles.includes(r));
  const staff = has("reviewer", "support", "admin");
  if (href === "/apps") return has("partner");
  if (href.startsWith("/apps/")) return staff || viewer.memberships.some((m) => m.role === "partner" && m.organisationId === app.organisationId);
  if (href === "/reviews" || href.startsWith("/reviews/")) return has("reviewer", "admin");
  if (href === "/support" || href.startsWith("/support/")) return has("support", "admin");
  if (href === "/admin" || href.startsWith("/admin/")) return has("admin");
  throw new Error(`no rule for ${href}`);
}

describe("breadcrumbs per role", () => {
  for (const [email, viewer] of Object.entries(PERSONAS)) {
    it(`${email}: every crumb of the app, environment, submission and certificate pages opens`, () => {
      const trails = [appCrumbs(viewer, app), environmentCrumbs(viewer, app, env), environmentChildCrumbs(viewer, app, env, "Submission"), environmentChildCrumbs(viewer, app, env, "Certificate")];
      for (const trail of trails) {
        const links = trail.filter((c) => c.href);
        expect(links.length).toBeGreaterThan(0);
        for (const crumb of links) expect(opens(viewer, crumb.href!), `${email} → ${crumb.href}`).toBe(true);
        // The last crumb is the page itself, not a link.
        expect(trail.at(-1)!.href).toBeUndefined();
      }
    });
  }

  it("a partner starts at Developer apps; staff start at the section of theirs that lists apps", () => {
    const first = (viewer: CrumbViewer) => environmentCrumbs(viewer, app, env)[0];
    expect(first(PERSONAS["partner@acme.test"])).toEqual({ href: "/apps", label: "Developer apps" });
    expect(first(PERSONAS["reviewer1@certdesk.test"])).toEqual({ href: "/reviews", label: "Review queue" });
    expect(first(PERSONAS["support@certdesk.test"])).toEqual({ href: "/support", label: "Enablements" });
    expect(first(PERSONAS["admin@certdesk.test"])).toEqual({ href: "/admin/apps", label: "Developer apps" });
  });

  it("the trail runs section / app / environment / page, with the app page and the environment linked", () => {
    expect(environmentChildCrumbs(PERSONAS["partner@acme.test"], app, { key: "stage two", label: "Stage 2" }, "Submission")).toEqual([
      { href: "/apps", label: "Developer apps" },
      { href: `/apps/${app.id}`, label: "Acme Checkout" },
      { href: `/apps/${app.id}/environments/stage%20two`, label: "Stage 2" },
      { label: "Submission" },
    ]);
  });

  it("a partner who is also staff but not in the owning organisation gets the staff section, never /apps of another tenant", () => {
    const both: CrumbViewer = { roles: ["partner", "reviewer"], memberships: [{ organisationId: GLOBEX, role: "partner" }, { organisationId: PROVIDER, role: "reviewer" }] };
    expect(appCrumbs(both, app)[0]).toEqual({ href: "/reviews", label: "Review queue" });
    // A user with no role that lists apps gets no section crumb at all rather than a dead one.
    expect(appCrumbs({ roles: [], memberships: [] }, app)).toEqual([{ label: "Acme Checkout" }]);
  });
});
