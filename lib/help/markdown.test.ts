/** Issue 16 item 9: the help's Markdown reader — the subset docs/ uses, safely, with linkable headings. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FINDING_CODES } from "@/lib/pki/findings";
import { EXAMPLE_PROGRAMS } from "@/lib/policy";
import { parseInline, parseMarkdown, type Block, type Inline } from "./markdown";
import { HELP_TOPICS, helpLink } from "./links";

function ids(blocks: Block[]): string[] {
  return blocks.flatMap((b) => (b.type === "heading" ? [b.id] : b.type === "list" ? b.items.flatMap(ids) : b.type === "quote" ? ids(b.children) : []));
}

function links(nodes: Inline[]): string[] {
  return nodes.flatMap((n) => (n.type === "link" ? [n.href, ...links(n.children)] : n.type === "strong" || n.type === "em" ? links(n.children) : []));
}

describe("help Markdown", () => {
  it("gives every finding code documented in docs/findings.md its own anchor, spelled as the code", () => {
    const source = readFileSync("docs/findings.md", "utf8");
    const anchors = ids(parseMarkdown(source, helpLink));
    const documented = FINDING_CODES.filter((code) => source.includes(`\n### ${code}\n`));
    expect(documented.length).toBeGreaterThan(50);
    for (const code of documented) expect(anchors, code).toContain(code);
  });

  it("gives every example program in docs/programs.md an anchor named by its id", () => {
    const anchors = ids(parseMarkdown(readFileSync("docs/programs.md", "utf8"), helpLink));
    for (const program of EXAMPLE_PROGRAMS) expect(anchors).toContain(program.id);
  });

  it("keeps raw HTML as text and drops unsafe link targets (the text stays)", () => {
    const blocks = parseMarkdown('<script>alert(1)</script>\n\n[click](javascript:alert(1)) and [data](data:text/html,x) and <img src=x onerror=alert(1)>', helpLink);
    expect(blocks).toEqual([
      { type: "paragraph", children: [{ type: "text", text: "<script>alert(1)</script>" }] },
      { type: "paragraph", children: [{ type: "text", text: "click" }, { type: "text", text: " and " }, { type: "text", text: "data" }, { type: "text", text: " and <img src=x onerror=alert(1)>" }] },
    ]);
    // Even without a mapper, only web, mail, same-site and anchor links survive.
    expect(links(parseInline("[a](javascript:x) [b](//evil.example) [c](https://example.com) [d](/help) [e](#x) [f](vbscript:x)"))).toEqual(["https://example.com", "/help", "#x"]);
  });

  it("maps links between help documents into /help and drops links into the source tree", () => {
    expect(helpLink("findings.md")).toBe("/help/findings");
    expect(helpLink("scheduling.md#trust-store-format")).toBe("/help/scheduling#trust-store-format");
    expect(helpLink("docs/api.md")).toBe("/help/api");
    expect(helpLink("../lib/reviews")).toBeNull();
    expect(helpLink("deploy.md")).toBeNull();
    expect(helpLink("#rate-limits")).toBe("#rate-limits");
  });

  it("reads headings, lists with continuation lines, fenced code, tables and inline marks", () => {
    const md = [
      "# Title",
      "## Rate limits",
      "## Rate limits",
      "- one `a|b`",
      "  continued",
      "- **two** and *three* and snake_case_name",
      "",
      "1. first",
      "2. second",
      "",
      "```sh",
      "curl -H 'x' <y>",
      "```",
      "",
      "| a | b |",
      "|---|--:|",
      "| `x \\| y` | [api](api.md#errors) |",
    ].join("\n");
    const blocks = parseMarkdown(md, helpLink);
    expect(blocks.map((b) => b.type)).toEqual(["heading", "heading", "heading", "list", "list", "code", "table"]);
    expect(ids(blocks)).toEqual(["title", "rate-limits", "rate-limits-1"]);
    const list = blocks[3] as Extract<Block, { type: "list" }>;
    expect(list.items[0]).toEqual([{ type: "paragraph", children: [{ type: "text", text: "one " }, { type: "code", text: "a|b" }, { type: "text", text: "\ncontinued" }] }]);
    expect(list.items[1]).toEqual([
      { type: "paragraph", children: [{ type: "strong", children: [{ type: "text", text: "two" }] }, { type: "text", text: " and " }, { type: "em", children: [{ type: "text", text: "three" }] }, { type: "text", text: " and snake_case_name" }] },
    ]);
    expect(blocks[5]).toEqual({ type: "code", lang: "sh", text: "curl -H 'x' <y>" });
    const table = blocks[6] as Extract<Block, { type: "table" }>;
    expect(table.align).toEqual([null, "right"]);
    expect(table.rows[0]).toEqual([[{ type: "code", text: "x | y" }], [{ type: "link", href: "/help/api#errors", children: [{ type: "text", text: "api" }] }]]);
  });

  it("parses every help document without losing a heading", () => {
    for (const topic of HELP_TOPICS) {
      const source = readFileSync(`docs/${topic.slug}.md`, "utf8");
      const outsideCode = source.replace(/```[\s\S]*?```/g, "");
      const headings = outsideCode.split("\n").filter((l) => /^#{1,6} /.test(l)).length;
      expect(ids(parseMarkdown(source, helpLink)).length, topic.slug).toBe(headings);
    }
  });
});
