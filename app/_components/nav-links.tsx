"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

/** `count`: a number shown as a small badge; its words stay in the link's name for screen readers ("Notifications (2 unread)"). */
export type NavItem = { href: string; label: string; exact?: boolean; count?: { n: number; word: string } };

/** Primary navigation; marks the current section with aria-current for screen readers. */
export function NavLinks({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  return (
    <nav className="nav" aria-label="Main">
      <ul>
        {items.map((item) => {
          const current = item.exact ? pathname === item.href : pathname === item.href || pathname.startsWith(`${item.href}/`);
          return (
            <li key={item.href}>
              <Link href={item.href} aria-current={current ? "page" : undefined}>
                {item.label}
                {item.count ? (
                  <>
                    <span className="visually-hidden"> (</span>
                    <span className="nav__count">{item.count.n}</span>
                    <span className="visually-hidden"> {item.count.word})</span>
                  </>
                ) : null}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
