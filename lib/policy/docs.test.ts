/** The finding vocabulary is documented once, completely: partners script against it. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FINDING_CODES } from "../pki/findings";
import { EXAMPLE_PROGRAM_IDS } from "./programs";

const docs = (name: string) => readFileSync(path.resolve(import.meta.dirname, "../../docs", name), "utf8");

describe("docs/findings.md", () => {
  const text = docs("findings.md");
  const headings = [...text.matchAll(/^### ([A-Z0-9_]+)$/gm)].map((m) => m[1]!);

  it("has a section for every finding code, each once, with severity and fix", () => {
    for (const code of FINDING_CODES) expect(headings.filter((h) => h === code), code).toHaveLength(1);
    for (const code of FINDING_CODES) {
      const section = text.split(`### ${code}\n`)[1]!.split("\n### ")[0]!;
      expect(section, code).toMatch(/\*\*Severity:\*\*/);
      expect(section, code).toMatch(/\*\*Fix:\*\*/);
    }
  });

  it("documents no code that does not exist", () => {
    expect(headings.filter((h) => !(FINDING_CODES as readonly string[]).includes(h))).toEqual([]);
  });
});

describe("docs/programs.md", () => {
  it("describes each example program", () => {
    const text = docs("programs.md");
    for (const id of EXAMPLE_PROGRAM_IDS) expect(text).toContain(`\`${id}\``);
  });
});
