/**
 * Shared table, definition-list and pagination components (issue 16 item 11): the admin,
 * support, certificate and review pages each wrote these by hand, so each fix (narrow
 * layouts, wrapping names, empty states) had to be made many times.
 */
import Link from "next/link";
import { Fragment, type ReactNode } from "react";
import { TableRegion } from "./ui";
import styles from "./data-table.module.css";

/**
 * How a column's cells read: `name` (DNs, app and file names: wrap at any character with a
 * reading width), `code` (ids, fingerprints, action names: monospace, wrapping), `date` and
 * `number` (never wrap), `text` (free text that may hold unbroken JSON or e-mails).
 */
export type ColumnKind = "name" | "code" | "date" | "number" | "text";

export type Column<T> = {
  /** The column's header; also the cell's label in the narrow card layout. */
  header: string;
  cell: (row: T) => ReactNode;
  /**
   * The row's primary column (its link or name): a row header for screen readers, first in
   * the card and the column that stays when a narrow table scrolls. At most one per table.
   */
  primary?: boolean;
  kind?: ColumnKind;
  /** Extra classes for the cells (global ones such as "mono" or "nowrap"). */
  className?: string;
};

/** Below 40rem: `cards` turns each row into a card; `scroll` keeps the first column while the rest scrolls. */
export type NarrowLayout = "cards" | "scroll";

/** Class names for a hand-written `<table>` that wants the narrow layouts (cells need `data-label` for cards). */
export function tableClassName(narrow: NarrowLayout = "cards"): string {
  return `${styles.table} ${narrow === "cards" ? styles.cards : styles.scroll}`;
}

function cellClass(column: { kind?: ColumnKind; className?: string }): string | undefined {
  const classes = [column.kind ? styles[column.kind] : undefined, column.className].filter(Boolean);
  return classes.length ? classes.join(" ") : undefined;
}

/**
 * A named, keyboard-scrollable table of rows, or `empty` when there are none.
 *
 * @example
 * <DataTable label="Users" rows={users} rowKey={(u) => u.id} empty={<EmptyState title="No users" />}
 *   columns={[{ header: "Name", primary: true, cell: (u) => u.name }, { header: "E-mail", kind: "text", cell: (u) => u.email }]} />
 */
export function DataTable<T>({
  label,
  caption,
  hideCaption = false,
  columns,
  rows,
  rowKey,
  empty,
  narrow = "cards",
}: {
  /** The table region's accessible name (unique on the page: axe landmark-unique). */
  label: string;
  /** A visible caption; omit it when a heading above already says what the table is. */
  caption?: ReactNode;
  /** Keep the caption for screen readers only. */
  hideCaption?: boolean;
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string | number;
  empty?: ReactNode;
  narrow?: NarrowLayout;
}) {
  if (rows.length === 0 && empty !== undefined) return <>{empty}</>;
  return (
    <TableRegion label={label}>
      <table className={tableClassName(narrow)}>
        {caption ? <caption className={hideCaption ? "visually-hidden" : undefined}>{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) =>
                c.primary ? (
                  <th key={c.header} scope="row" className={cellClass(c)}>
                    {c.cell(row)}
                  </th>
                ) : (
                  <td key={c.header} className={cellClass(c)} data-label={c.header}>
                    {c.cell(row)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

/** One term of a definition list; falsy entries are skipped, so conditional facts stay inline. */
export type Fact = { term: ReactNode; value: ReactNode; /** Ids, serials, fingerprints. */ mono?: boolean };

/**
 * The label/value list the detail pages use ("Subject", "Issuer", …): two columns on wide
 * screens, one on phones (`dl.facts` in globals.css); values wrap anywhere.
 *
 * @example
 * <Facts items={[{ term: "Id", value: program.id, mono: true }, def.source && { term: "Source", value: def.source.document }]} />
 */
export function Facts({ items }: { items: (Fact | null | undefined | false | "")[] }) {
  return (
    <dl className="facts">
      {items
        .filter((f): f is Fact => Boolean(f))
        .map((f, i) => (
          <Fragment key={i}>
            <dt>{f.term}</dt>
            <dd className={f.mono ? "mono" : undefined}>{f.value}</dd>
          </Fragment>
        ))}
    </dl>
  );
}

/** Page numbers to offer: the first, the last, and two either side of the current one; null for a gap. */
export function pageWindow(page: number, pages: number): (number | null)[] {
  const wanted = new Set([1, pages, page - 2, page - 1, page, page + 1, page + 2].filter((n) => n >= 1 && n <= pages));
  const sorted = [...wanted].sort((a, b) => a - b);
  const out: (number | null)[] = [];
  for (const n of sorted) {
    const prev = out.at(-1);
    if (typeof prev === "number" && n - prev > 1) out.push(null);
    out.push(n);
  }
  return out;
}

/**
 * "Showing 51–100 of 812" and page links. `href(page)` builds each link, so the caller keeps
 * its filters in them.
 */
export function Pagination({
  label,
  page,
  pages,
  from,
  to,
  total,
  noun,
  href,
  summary = true,
}: {
  /** The navigation landmark's name ("Pages of audit events"). */
  label: string;
  page: number;
  pages: number;
  from: number;
  to: number;
  total: number;
  /** Plural noun for the count ("events"). */
  noun: string;
  href: (page: number) => string;
  /** Say "Showing 51–100 of 812" here; false when the table's caption already says it. */
  summary?: boolean;
}) {
  return (
    <nav className={styles.pagination} aria-label={label}>
      {summary ? (
        <p className={`meta ${styles.showing}`}>
          Showing {from}–{to} of {total} {noun}
        </p>
      ) : null}
      {pages > 1 ? (
        <ol>
          {page > 1 ? (
            <li>
              <Link href={href(page - 1)} rel="prev">
                Previous<span className="visually-hidden"> page</span>
              </Link>
            </li>
          ) : null}
          {pageWindow(page, pages).map((n, i) =>
            n === null ? (
              <li key={`gap-${i}`} className={styles.gap} aria-hidden="true">
                …
              </li>
            ) : (
              <li key={n}>
                {n === page ? (
                  <span aria-current="page">
                    <span className="visually-hidden">Page </span>
                    {n}
                  </span>
                ) : (
                  <Link href={href(n)}>
                    <span className="visually-hidden">Page </span>
                    {n}
                  </Link>
                )}
              </li>
            ),
          )}
          {page < pages ? (
            <li>
              <Link href={href(page + 1)} rel="next">
                Next<span className="visually-hidden"> page</span>
              </Link>
            </li>
          ) : null}
        </ol>
      ) : null}
    </nav>
  );
}
