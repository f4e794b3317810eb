/**
 * Issue 16 item 9: a small Markdown reader for the help pages, covering the subset docs/ uses
 * (ATX headings, paragraphs, bullet and numbered lists with continuation and nesting, fenced
 * code, pipe tables, block quotes, rules; inline code, strong, emphasis, links). It returns a
 * tree, never HTML: the pages render it with React, which escapes every text, so nothing in
 * a document can inject markup or script. Raw HTML in a document is shown as text (HTML
 * comments are dropped). Links keep only safe targets (https, http, mailto, same-site paths,
 * anchors), mapped by the caller; anything else becomes plain text.
 *
 * Headings get ids: a finding code keeps its exact spelling (`/help/findings#CHAIN_ORDER`),
 * a heading that starts with a code span of an id keeps that id (`ca-chain`), every other
 * heading gets GitHub's slug (`rate-limits`), made unique with `-1`, `-2`…
 */

export type Inline =
  | { type: "text"; text: string }
  | { type: "code"; text: string }
  | { type: "strong"; children: Inline[] }
  | { type: "em"; children: Inline[] }
  | { type: "link"; href: string; children: Inline[] };

export type Block =
  | { type: "heading"; level: 1 | 2 | 3 | 4 | 5 | 6; id: string; text: string; children: Inline[] }
  | { type: "paragraph"; children: Inline[] }
  | { type: "list"; ordered: boolean; start: number; items: Block[][] }
  | { type: "code"; lang: string; text: string }
  | { type: "table"; head: Inline[][]; rows: Inline[][][]; align: ("left" | "right" | "center" | null)[] }
  | { type: "quote"; children: Block[] }
  | { type: "rule" };

/** Maps a link target from the document to the one shown; null drops the link (text stays). */
export type LinkMapper = (href: string) => string | null;

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0", mdash: "—", ndash: "–", hellip: "…" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith("#")) {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Only these link targets survive: web and mail links, same-site paths and in-page anchors. */
export function isSafeHref(href: string): boolean {
  if (/^(https?:\/\/|mailto:)/i.test(href)) return true;
  if (href.startsWith("#")) return true;
  if (href.startsWith("/") && !href.startsWith("//") && !href.startsWith("/\\")) return true;
  return false;
}

/** Inline Markdown → nodes. */
export function parseInline(source: string, mapLink: LinkMapper = (h) => h): Inline[] {
  const out: Inline[] = [];
  let text = "";
  const flush = () => {
    if (text) out.push({ type: "text", text: decodeEntities(text) });
    text = "";
  };
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === "\\" && i + 1 < source.length && /[\\`*_[\]()#+\-.!|<>{}]/.test(source[i + 1]!)) {
      text += source[i + 1];
      i += 2;
      continue;
    }
    if (ch === "`") {
      let ticks = 1;
      while (source[i + ticks] === "`") ticks++;
      const fence = "`".repeat(ticks);
      const end = source.indexOf(fence, i + ticks);
      if (end > i) {
        flush();
        let code = source.slice(i + ticks, end);
        if (/^ .* $/.test(code)) code = code.slice(1, -1);
        out.push({ type: "code", text: code });
        i = end + ticks;
        continue;
      }
      text += fence;
      i += ticks;
      continue;
    }
    if ((ch === "*" || ch === "_") && source[i + 1] === ch) {
      const end = source.indexOf(ch + ch, i + 2);
      if (end > i + 2) {
        flush();
        out.push({ type: "strong", children: parseInline(source.slice(i + 2, end), mapLink) });
        i = end + 2;
        continue;
      }
    }
    if (ch === "*" || ch === "_") {
      // `_` only at word boundaries, so snake_case and FINDING_CODES stay text.
      const before = i === 0 ? " " : source[i - 1]!;
      const opens = source[i + 1] !== undefined && source[i + 1] !== " " && (ch === "*" || !/[\p{L}\p{N}]/u.test(before));
      if (opens) {
        let end = i + 1;
        for (;;) {
          end = source.indexOf(ch, end);
          if (end < 0) break;
          const after = source[end + 1] ?? " ";
          if (source[end - 1] !== " " && source[end + 1] !== ch && (ch === "*" || !/[\p{L}\p{N}]/u.test(after))) break;
          end++;
        }
        if (end > i + 1) {
          flush();
          out.push({ type: "em", children: parseInline(source.slice(i + 1, end), mapLink) });
          i = end + 1;
          continue;
        }
      }
    }
    if (ch === "[") {
      const close = matching(source, i, "[", "]");
      if (close > 0 && source[close + 1] === "(") {
        const end = matching(source, close + 1, "(", ")");
        if (end > 0) {
          const label = source.slice(i + 1, close);
          const target = source.slice(close + 2, end).trim().replace(/^<(.*)>$/, "$1").split(/\s+"/)[0]!;
          const mapped = mapLink(target);
          flush();
          const children = parseInline(label, mapLink);
          if (mapped !== null && isSafeHref(mapped)) out.push({ type: "link", href: mapped, children });
          else out.push(...children);
          i = end + 1;
          continue;
        }
      }
    }
    if (ch === "<") {
      const auto = /^<(https?:\/\/[^\s<>]+)>/.exec(source.slice(i));
      if (auto) {
        flush();
        out.push({ type: "link", href: auto[1]!, children: [{ type: "text", text: auto[1]! }] });
        i += auto[0].length;
        continue;
      }
      const comment = /^<!--[\s\S]*?-->/.exec(source.slice(i));
      if (comment) {
        i += comment[0].length;
        continue;
      }
    }
    text += ch;
    i++;
  }
  flush();
  return out;
}

/** Index of the bracket closing the one at `open` (nesting counted, code spans skipped); -1 if none. */
function matching(source: string, open: number, left: string, right: string): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "`") {
      const end = source.indexOf("`", i + 1);
      if (end > 0) i = end;
      continue;
    }
    if (c === left) depth++;
    else if (c === right && --depth === 0) return i;
  }
  return -1;
}

/** The text of inline nodes, for ids and labels. */
export function plainText(nodes: Inline[]): string {
  return nodes.map((n) => (n.type === "text" || n.type === "code" ? n.text : plainText(n.children))).join("");
}

/** GitHub's heading slug: lower case, punctuation dropped, spaces to dashes. */
export function slugify(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function headingId(raw: string, children: Inline[]): string {
  const code = /^`?([A-Z][A-Z0-9_]+)`?$/.exec(raw.trim());
  if (code) return code[1]!;
  const first = children[0];
  if (first?.type === "code" && /^[a-z0-9][a-z0-9-]*$/.test(first.text)) return first.text;
  return slugify(plainText(children)) || "section";
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^( {0,3})([-*+])\s+(.*)$/;
const ORDERED = /^( {0,3})(\d{1,9})[.)]\s+(.*)$/;
const RULE = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const TABLE_DIVIDER = /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/;

function splitRow(line: string): string[] {
  let row = line.trim();
  if (row.startsWith("|")) row = row.slice(1);
  if (row.endsWith("|") && !row.endsWith("\\|")) row = row.slice(0, -1);
  const cells: string[] = [];
  let cell = "";
  let inCode = false;
  for (let i = 0; i < row.length; i++) {
    const c = row[i]!;
    if (c === "\\" && row[i + 1] === "|") {
      cell += "|";
      i++;
    } else if (c === "`") {
      inCode = !inCode;
      cell += c;
    } else if (c === "|" && !inCode) {
      cells.push(cell.trim());
      cell = "";
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

/** Parses a document; `ids` collects heading ids so they stay unique across nested calls. */
export function parseMarkdown(source: string, mapLink: LinkMapper = (h) => h, ids: Map<string, number> = new Map()): Block[] {
  const lines = source.replace(/\r\n?/g, "\n").replace(/<!--[\s\S]*?-->/g, "").split("\n");
  const blocks: Block[] = [];
  const inline = (text: string) => parseInline(text, mapLink);
  let i = 0;
  const isBlockStart = (line: string) => HEADING.test(line) || FENCE.test(line) || BULLET.test(line) || ORDERED.test(line) || /^ {0,3}>/.test(line) || RULE.test(line);
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === "") {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trim().startsWith(marker)) body.push(lines[i++]!);
      i++;
      blocks.push({ type: "code", lang: fence[2] ?? "", text: body.join("\n") });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const children = inline(heading[2]!);
      let id = headingId(heading[2]!, children);
      const seen = ids.get(id) ?? 0;
      ids.set(id, seen + 1);
      if (seen > 0) id = `${id}-${seen}`;
      blocks.push({ type: "heading", level: heading[1]!.length as 1 | 2 | 3 | 4 | 5 | 6, id, text: plainText(children), children });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ type: "rule" });
      i++;
      continue;
    }
    if (/^ {0,3}>/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^ {0,3}>/.test(lines[i]!)) body.push(lines[i++]!.replace(/^ {0,3}> ?/, ""));
      blocks.push({ type: "quote", children: parseMarkdown(body.join("\n"), mapLink, ids) });
      continue;
    }
    if (line.includes("|") && i + 1 < lines.length && TABLE_DIVIDER.test(lines[i + 1]!) && lines[i + 1]!.includes("-")) {
      const head = splitRow(line);
      const align = splitRow(lines[i + 1]!).map((d) => (d.startsWith(":") && d.endsWith(":") ? "center" : d.endsWith(":") ? "right" : d.startsWith(":") ? "left" : null));
      i += 2;
      const rows: Inline[][][] = [];
      while (i < lines.length && lines[i]!.trim() !== "" && lines[i]!.includes("|")) {
        const cells = splitRow(lines[i++]!);
        rows.push(head.map((_, c) => inline(cells[c] ?? "")));
      }
      blocks.push({ type: "table", head: head.map(inline), rows, align });
      continue;
    }
    const item = BULLET.exec(line) ?? ORDERED.exec(line);
    if (item) {
      const ordered = !BULLET.test(line);
      const items: Block[][] = [];
      const start = ordered ? Number(item[2]) : 1;
      while (i < lines.length) {
        const current = lines[i]!;
        const m = ordered ? ORDERED.exec(current) : BULLET.exec(current);
        if (!m) break;
        const indent = m[1]!.length + m[2]!.length + 1;
        const body = [m[3]!];
        i++;
        // Continuation: indented lines, lazy paragraph lines, and blank lines followed by indented ones.
        while (i < lines.length) {
          const next = lines[i]!;
          if (next.trim() === "") {
            if (i + 1 < lines.length && /^\s{2,}\S/.test(lines[i + 1]!)) {
              body.push("");
              i++;
              continue;
            }
            break;
          }
          if (/^\s{2,}\S/.test(next)) {
            body.push(next.replace(new RegExp(`^\\s{0,${Math.max(indent, 2)}}`), ""));
            i++;
            continue;
          }
          if (isBlockStart(next) || (next.includes("|") && TABLE_DIVIDER.test(lines[i + 1] ?? ""))) break;
          body.push(next);
          i++;
        }
        const parsed = parseMarkdown(body.join("\n"), mapLink, ids);
        items.push(parsed);
        while (i < lines.length && lines[i]!.trim() === "" && i + 1 < lines.length && (ordered ? ORDERED : BULLET).test(lines[i + 1]!)) i++;
      }
      blocks.push({ type: "list", ordered, start, items });
      continue;
    }
    const para: string[] = [line.trim()];
    i++;
    while (i < lines.length && lines[i]!.trim() !== "" && !isBlockStart(lines[i]!) && !(lines[i]!.includes("|") && TABLE_DIVIDER.test(lines[i + 1] ?? ""))) {
      para.push(lines[i++]!.trim());
    }
    blocks.push({ type: "paragraph", children: inline(para.join("\n")) });
  }
  return blocks;
}
