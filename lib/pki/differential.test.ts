/**
 * Differential test (issue 17): chains made with the openssl CLI (lib/pki/differential-gen.ts),
 * judged by `openssl verify -x509_strict -policy_check -purpose sslclient` (with `-explicit_policy` or
 * `-inhibit_map` where a case sets those policy inputs) and by `validatePath` with clientAuth required
 * and the same policy inputs. Fails on any disagreement outside the deliberate classes (DELIBERATE, listed in
 * docs/conformance.md) and on any exception. CERTDESK_DIFFERENTIAL_CASES=2000 (and
 * CERTDESK_DIFFERENTIAL_SEED) for a larger run.
 */
import { describe, expect, it } from "vitest";
import { DELIBERATE, type DiffCase, generateCases } from "./differential-gen";
import { validatePath } from "./index";

const COUNT = Number(process.env.CERTDESK_DIFFERENTIAL_CASES ?? 240);
const SEED = Number(process.env.CERTDESK_DIFFERENTIAL_SEED ?? 17);

type Row = { cases: number; agree: number; deliberate: number; unexpected: number };

describe("differential: validatePath vs openssl verify -x509_strict -policy_check -purpose sslclient", () => {
  it(`agrees on ${COUNT} generated chains except in the deliberate classes`, async () => {
    const { cases, at, opensslProcesses } = generateCases({ count: COUNT, seed: SEED });
    const matrix = new Map<string, Row>();
    const unexpected: string[] = [];
    const policySingles: string[] = [];
    const row = (k: string) => {
      let r = matrix.get(k);
      if (!r) matrix.set(k, (r = { cases: 0, agree: 0, deliberate: 0, unexpected: 0 }));
      return r;
    };
    const describeCase = (c: DiffCase, ours: boolean, codes: string[]) =>
      `${c.id} [${c.defects.join("+")}] ca=${c.caKey} leaf=${c.leafKey} ${c.hash}: openssl ${c.openssl.ok ? "OK" : `refused (${c.openssl.error})`}, certdesk ${ours ? "OK" : `refused (${codes.join(", ")})`}`;
    for (const c of cases) {
      const r = await validatePath({ leaf: c.leafPem, intermediates: c.withIca ? [c.icaPem] : [], trustAnchors: [c.rootPem], at, requiredEku: ["1.3.6.1.5.5.7.3.2"], policy: c.policy });
      const codes = r.findings.filter((f) => f.severity === "error").map((f) => f.code);
      const keys = [c.kind === "single" ? `single:${c.defects[0]}` : "random", "all"];
      const deliberate = c.defects.some((d) => DELIBERATE[d]);
      for (const k of keys) {
        const m = row(k);
        m.cases++;
        if (r.ok === c.openssl.ok) m.agree++;
        else if (deliberate && !r.ok && c.openssl.ok) m.deliberate++;
        else m.unexpected++;
      }
      if (r.ok !== c.openssl.ok && !(deliberate && !r.ok && c.openssl.ok)) unexpected.push(describeCase(c, r.ok, codes));
      // Single policy defects: the two controls pass; every other class is refused by both, Certdesk naming the policy constraint.
      if (c.kind === "single" && c.defects[0]!.startsWith("policy-")) {
        const control = c.defects[0] === "policy-explicit-same" || c.defects[0] === "policy-mapped";
        if (c.openssl.ok !== control || r.ok !== control || (!control && !codes.some((x) => x.startsWith("POLICY_")))) policySingles.push(describeCase(c, r.ok, codes));
      }
    }
    const table = [...matrix.entries()].sort(([a], [b]) => (a === "all" ? 1 : b === "all" ? -1 : a.localeCompare(b)));
    console.log(
      `differential (${COUNT} cases, seed ${SEED}, ${opensslProcesses} openssl processes)\n` +
        ["class | cases | agree | deliberate | unexpected", ...table.map(([k, m]) => `${k} | ${m.cases} | ${m.agree} | ${m.deliberate} | ${m.unexpected}`)].join("\n"),
    );
    expect(unexpected).toEqual([]);
    expect(policySingles).toEqual([]);
    expect(cases.length).toBe(COUNT);
    // Every class was exercised and the single-defect controls behave as designed.
    expect(matrix.get("single:none")?.agree).toBeGreaterThan(0);
  }, 300_000);
});
