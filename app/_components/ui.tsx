import Link from "next/link";
import type { ReactNode } from "react";
import type { Tone } from "@/app/_data/certificate-status";

export function PageHeader({ title, intro, children }: { title: string; intro?: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-header">
      {children}
      <h1>{title}</h1>
      {intro ? <p>{intro}</p> : null}
    </header>
  );
}

export function Badge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <span className={`badge badge--${tone}`}>{children}</span>;
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty" role="status">
      <strong>{title}</strong>
      {children}
    </div>
  );
}

export function Breadcrumbs({ items }: { items: { href?: string; label: string }[] }) {
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumb">
      <ol>
        {items.map((item, i) =>
          item.href ? (
            <li key={i}>
              <Link href={item.href}>{item.label}</Link>
            </li>
          ) : (
            <li key={i} aria-current="page">
              {item.label}
            </li>
          ),
        )}
      </ol>
    </nav>
  );
}

/** Dates shown as UTC ISO, the same in every browser and in the audit trail. */
export function DateTime({ value }: { value: Date | string | null | undefined }) {
  if (!value) return <>—</>;
  const d = typeof value === "string" ? new Date(value) : value;
  const text = `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return <time dateTime={d.toISOString()}>{text}</time>;
}

/**
 * A table that scrolls sideways on narrow screens. Focusable and named, so keyboard
 * users can scroll it too (WCAG 2.1.1; axe "scrollable-region-focusable").
 */
export function TableRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
