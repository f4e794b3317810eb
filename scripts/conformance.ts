/**
 * `npm run conformance`: x509-limbo through our validatePath, agreement per namespace beside
 * OpenSSL 3.0.19 and pyca/cryptography 48 (upstream harness results on the same compiled suite).
 *
 * Flags: `--filter <substring>` runs matching ids only; `--failures` lists our disagreements.
 */
import "reflect-metadata";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import path from "node:path";
import { type LimboSuite, type ReferenceResults, referenceRows, runLimbo, scoreByNamespace } from "../lib/pki/conformance/limbo";

const DATA = process.env.LIMBO_DIR ?? path.resolve(import.meta.dirname, "../../shared/testdata/x509-limbo");
const ORDER = ["bettertls", "rfc5280", "webpki", "online", "pathlen", "pathological", "crl", "cve", "invalid"];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const suite = JSON.parse(gunzipSync(readFileSync(path.join(DATA, "limbo.json.gz"))).toString("utf8")) as LimboSuite;
  const filter = arg("--filter");
  const started = performance.now();
  const ours = await runLimbo(suite, { now: new Date(), filter: filter ? (tc) => tc.id.includes(filter) : undefined });
  const seconds = (performance.now() - started) / 1000;
  const ran = new Set(ours.map((r) => r.id));
  const scoped: LimboSuite = { testcases: suite.testcases.filter((tc) => ran.has(tc.id)) };
  const refs = ["openssl-3.0.19", "pyca-cryptography-48.0.0"].map((name) => {
    const ref = JSON.parse(readFileSync(path.join(DATA, "reference-results", `${name}.json`), "utf8")) as ReferenceResults;
    return { name, scores: scoreByNamespace(referenceRows(scoped, ref)) };
  });
  const mine = scoreByNamespace(ours);
  const rows = [...ORDER.filter((ns) => mine.some((s) => s.namespace === ns)), ...mine.map((s) => s.namespace).filter((ns) => !ORDER.includes(ns))];
  const cell = (s: { agree: number; total: number } | undefined) => (s ? `${s.agree}/${s.total}` : "-");
  const line = (cols: string[]) => `| ${cols.join(" | ")} |`;
  console.log(line(["namespace", "certdesk", "skipped", "OpenSSL 3.0.19", "pyca/cryptography 48"]));
  console.log(line(["---", "---:", "---:", "---:", "---:"]));
  const total = (list: { agree: number; total: number; skipped?: number }[]) => ({
    agree: list.reduce((n, s) => n + s.agree, 0),
    total: list.reduce((n, s) => n + s.total, 0),
    skipped: list.reduce((n, s) => n + (s.skipped ?? 0), 0),
  });
  for (const ns of rows) {
    const m = mine.find((s) => s.namespace === ns);
    console.log(line([ns, cell(m), String(m?.skipped ?? 0), ...refs.map((r) => cell(r.scores.find((s) => s.namespace === ns)))]));
  }
  const t = total(mine);
  console.log(line(["**total**", `**${cell(t)}**`, String(t.skipped), ...refs.map((r) => `**${cell(total(r.scores))}**`)]));
  console.log(`\n${ours.length} cases in ${seconds.toFixed(1)} s`);
  if (process.argv.includes("--failures")) {
    for (const r of ours.filter((x) => x.actual !== x.expected)) console.log(`${r.id}\texpected ${r.expected}\tgot ${r.actual}\t${r.codes.join(",")}${r.skipReason ?? ""}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
