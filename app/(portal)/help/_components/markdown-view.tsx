import Link from "next/link";
import type { ReactNode } from "react";
import type { Block, Inline } from "@/lib/help/markdown";
import { TableRegion } from "@/app/_components/ui";
import styles from "./help.module.css";

/**
 * Renders lib/help/markdown's tree with React elements only (issue 16 item 9): every text is
 * escaped by React, no HTML string from a document ever reaches the page.
 */
function InlineNodes({ nodes }: { nodes: Inline[] }): ReactNode {
  return nodes.map((n, i) => {
    switch (n.type) {
      case "text":
        return n.text;
      case "code":
        return <code key={i}>{n.text}</code>;
      case "strong":
        return (
          <strong key={i}>
            <InlineNodes nodes={n.children} />
          </strong>
        );
      case "em":
        return (
          <em key={i}>
            <InlineNodes nodes={n.children} />
          </em>
        );
      case "link":
        return n.href.startsWith("/") ? (
          <Link key={i} href={n.href}>
            <InlineNodes nodes={n.children} />
          </Link>
        ) : n.href.startsWith("#") ? (
          <a key={i} href={n.href}>
            <InlineNodes nodes={n.children} />
          </a>
        ) : (
          <a key={i} href={n.href} rel="noopener noreferrer">
            <InlineNodes nodes={n.children} />
          </a>
        );
    }
  });
}

/** Table regions need unique names (axe landmark-unique): the heading above, numbered when repeated. */
type Naming = { heading: string; count: Map<string, number> };

function tableName(naming: Naming): string {
  const base = naming.heading ? `Table: ${naming.heading}` : "Table";
  const n = (naming.count.get(base) ?? 0) + 1;
  naming.count.set(base, n);
  return n === 1 ? base : `${base} (${n})`;
}

function Blocks({ blocks, naming, shift }: { blocks: Block[]; naming: Naming; shift: number }): ReactNode {
  return blocks.map((b, i) => {
    switch (b.type) {
      case "heading": {
        naming.heading = b.text;
        // The page's own h1 is the topic title: the document's headings start one level below it.
        const level = Math.min(6, b.level + shift) as 2 | 3 | 4 | 5 | 6;
        const Tag = `h${level}` as const;
        return (
          <Tag key={i} id={b.id} className={styles.heading}>
            <InlineNodes nodes={b.children} />
          </Tag>
        );
      }
      case "paragraph":
        return (
          <p key={i}>
            <InlineNodes nodes={b.children} />
          </p>
        );
      case "list": {
        const items = b.items.map((item, j) => (
          <li key={j}>
            {item.length === 1 && item[0]!.type === "paragraph" ? <InlineNodes nodes={item[0]!.children} /> : <Blocks blocks={item} naming={naming} shift={shift} />}
          </li>
        ));
        return b.ordered ? (
          <ol key={i} start={b.start}>
            {items}
          </ol>
        ) : (
          <ul key={i}>{items}</ul>
        );
      }
      case "code":
        return (
          <pre key={i} className={styles.code}>
            <code>{b.text}</code>
          </pre>
        );
      case "table":
        return (
          <TableRegion key={i} label={tableName(naming)}>
            <table>
              {/* A table written with an empty header row (`| | |`) gets none: empty <th>s name nothing (axe empty-table-header). */}
              {b.head.some((cell) => cell.length > 0) ? (
                <thead>
                  <tr>
                    {b.head.map((cell, c) => (
                      <th key={c} scope="col" style={b.align[c] ? { textAlign: b.align[c]! } : undefined}>
                        <InlineNodes nodes={cell} />
                      </th>
                    ))}
                  </tr>
                </thead>
              ) : null}
              <tbody>
                {b.rows.map((row, r) => (
                  <tr key={r}>
                    {row.map((cell, c) => (
                      <td key={c} style={b.align[c] ? { textAlign: b.align[c]! } : undefined}>
                        <InlineNodes nodes={cell} />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        );
      case "quote":
        return (
          <blockquote key={i} className={styles.quote}>
            <Blocks blocks={b.children} naming={naming} shift={shift} />
          </blockquote>
        );
      case "rule":
        return <hr key={i} />;
    }
  });
}

/** A document without its first h1 (the page shows the topic title as h1). */
export function MarkdownView({ blocks }: { blocks: Block[] }) {
  const body = blocks[0]?.type === "heading" && blocks[0].level === 1 ? blocks.slice(1) : blocks;
  return (
    <div className={styles.doc}>
      <Blocks blocks={body} naming={{ heading: "", count: new Map() }} shift={0} />
    </div>
  );
}
