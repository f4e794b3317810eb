/**
 * The finding vocabulary and the example programs are documented from code (`npm run docs`):
 * the committed docs must be exactly what the generator writes, and every code must carry
 * its documentation metadata exactly once.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FINDING_CODES } from "../pki/findings";
import { documentedKinds, findingsMarkdown, programsMarkdown, ruleApplies } from "./docs";
import { EXAMPLE_PROGRAMS, EXAMPLE_PROGRAM_IDS } from "./programs";
import { RULES } from "./rules/registry";
import { parseProgram } from "./program";

const docs = (name: string) => readFileSync(path.resolve(import.meta.dirname, "../../docs", name), "utf8");
const HOW = "the docs are generated from code: run `npm run docs` and commit the result";

describe("finding metadata", () => {
  it("documents every finding code exactly once, and nothing that is not a code", () => {
    const kinds = documentedKinds();
    for (const code of FINDING_CODES) expect(kinds.filter((k) => k.code === code && k.doc), code).toHaveLength(1);
    expect(kinds.filter((k) => !(FINDING_CODES as readonly string[]).includes(k.code))).toEqual([]);
    for (const k of kinds) {
      expect(k.title, k.code).not.toBe("");
      expect(k.sources.length, `${k.code}: ${k.title}`).toBeGreaterThan(0);
      for (const s of k.sources) expect(s.quote.trim(), k.code).not.toBe("");
    }
  });

  it("quotes provider texts word for word", () => {
    const dir = path.resolve(import.meta.dirname, "../../../shared/requirements");
    const texts = new Map(["000_feb271cbed5bc08b", "001_45adadcb174f5a02", "002_32ec0daaabeab562", "003_4960eaf16ec67156", "004_5707a23b3d174d12"].map((f) => [f.slice(0, 3), readFileSync(path.join(dir, `${f}.txt`), "utf8")]));
    const fold = (s: string) => s.replace(/\s+/g, " ");
    for (const k of documentedKinds()) {
      for (const s of k.sources) {
        if (s.text === "house") continue;
        // "…" stands for words left out of a quote.
        for (const piece of s.quote.split("…").map((p) => p.trim()).filter(Boolean)) expect(fold(texts.get(s.text)!), `${k.code} quotes ${s.text}: ${piece}`).toContain(fold(piece));
      }
    }
  });

  it("gives every rule a unique id and at least one finding", () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) expect(r.findings.length, r.id).toBeGreaterThan(0);
  });
});

describe("generated docs", () => {
  it("docs/findings.md is what `npm run docs` writes", () => {
    expect(docs("findings.md"), HOW).toBe(findingsMarkdown());
  });

  it("docs/programs.md is what `npm run docs` writes", () => {
    const current = docs("programs.md");
    expect(current, HOW).toBe(programsMarkdown(current, EXAMPLE_PROGRAMS));
    for (const id of EXAMPLE_PROGRAM_IDS) expect(current).toContain(`\`${id}\``);
  });

  it("a change to a program or a rule's metadata makes the committed docs stale", () => {
    const current = docs("programs.md");
    const [first, ...rest] = EXAMPLE_PROGRAMS;
    const changed = parseProgram({ ...structuredClone(first!), rules: { ...structuredClone(first!.rules), renewalLeadDays: 45 } });
    expect(programsMarkdown(current, [changed, ...rest])).not.toBe(current);
    expect(ruleApplies(RULES.find((r) => r.id === "psd2-qwac")!, first!)).toBe(first!.rules.psd2.qwac !== "never");
  });
});
