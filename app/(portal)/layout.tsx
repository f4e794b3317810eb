import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { hasRole, homePathFor, type SessionUser } from "@/lib/auth/access";
import { NavLinks, type NavItem } from "@/app/_components/nav-links";
import { SignOutButton } from "@/app/_components/sign-out-button";
import { getDb } from "@/lib/db";
import { unreadCount } from "@/lib/notifications";
import { urgentWithoutSuccessorCount } from "@/lib/expiry/pages";

// Every portal page depends on who is signed in; nothing here may be cached or prerendered.
export const dynamic = "force-dynamic";

function navFor(user: SessionUser, urgent: number): NavItem[] {
  const items: NavItem[] = [];
  if (hasRole(user, "partner")) items.push({ href: "/apps", label: "Developer apps" });
  if (hasRole(user, "partner")) items.push({ href: "/tokens", label: "API tokens" });
  if (hasRole(user, ["reviewer", "admin"])) items.push({ href: "/reviews", label: "Review queue" });
  if (hasRole(user, ["support", "admin"])) items.push({ href: "/support", label: "Enablements" });
  // Issue 14: urgent certificates with no successor, counted in the navigation.
  if (hasRole(user, ["support", "admin"])) items.push({ href: "/support/expiring", label: "Expiring", ...(urgent ? { count: { n: urgent, word: "urgent" } } : {}) });
  if (hasRole(user, "admin")) {
    items.push(
      { href: "/admin", label: "Overview", exact: true },
      { href: "/admin/organisations", label: "Organisations" },
      { href: "/admin/apps", label: "Apps" },
      { href: "/admin/users", label: "Users" },
      { href: "/admin/programs", label: "Programs" },
      { href: "/admin/audit", label: "Audit" },
      { href: "/admin/outbox", label: "Outbox" },
    );
  }
  return items;
}

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const organisation = user.memberships[0]?.name;
  const unread = await unreadCount(await getDb(), user.id);
  const urgent = await urgentWithoutSuccessorCount(user);
  const notificationsItem: NavItem = { href: "/notifications", label: "Notifications", ...(unread ? { count: { n: unread, word: "unread" } } : {}) };
  const nav = [...navFor(user, urgent), notificationsItem];
  return (
    <>
      {/* Issue 16 item 7: a long navigation (the admin's) makes the account block give way first. */}
      <header className={nav.length > 6 ? "site-header site-header--long-nav" : "site-header"}>
        <div className="site-header__inner">
          <Link className="brand" href={homePathFor(user)}>
            Certdesk
          </Link>
          <NavLinks items={nav} />
          <div className="account">
            {/* Issue 16 item 9: the help, from every page; item 7: the account block stays compact. */}
            <Link className="account__help" href="/help">
              Help
            </Link>
            <span className="account__who">
              <span className="visually-hidden">Signed in as </span>
              {user.name}
              {organisation ? <span className="account__org"> · {organisation}</span> : null}
            </span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
