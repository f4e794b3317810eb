/**
 * `npm run docs`: writes docs/findings.md and the generated part of docs/programs.md from code
 * (lib/policy/docs.ts). lib/policy/docs.test.ts fails when the committed files differ.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { findingsMarkdown, programsMarkdown } from "../lib/policy/docs";
import { EXAMPLE_PROGRAMS } from "../lib/policy/programs";

const DOCS = path.resolve(import.meta.dirname, "../docs");

function write(name: string, text: string): void {
  const file = path.join(DOCS, name);
  const before = readFileSync(file, "utf8");
  if (before === text) {
    console.log(`docs/${name}: up to date`);
    return;
  }
  writeFileSync(file, text);
  console.log(`docs/${name}: written`);
}

write("findings.md", findingsMarkdown());
write("programs.md", programsMarkdown(readFileSync(path.join(DOCS, "programs.md"), "utf8"), EXAMPLE_PROGRAMS));
