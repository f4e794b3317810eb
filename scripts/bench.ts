/**
 * npm run bench [-- <bench name>...]
 *
 * Engine benchmarks, printed as a table. No assertions: speed is watched here, never in tests.
 * Add a bench by appending to BENCHES; each returns rows for the table.
 *
 *   chain-throughput  full engine checks per second (checkUpload: intake + inspection + path
 *                     validation + every program rule) on 3-certificate PEM chains, against
 *                     `openssl verify` on the same chains in the same run.
 *   upload-memory     peak memory for a ~1 MiB PEM upload through checkUpload.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEFAULT_AT, mintChain, mintCertificate, type TestCert } from "../lib/pki/testing/factory";
import { checkUpload, getExampleProgram } from "../lib/policy";
import { queueBench } from "./bench-queue";

type Row = { bench: string; metric: string; value: string; note?: string };
type Context = { dir: string; chain: { root: TestCert; ica: TestCert; leaves: TestCert[] } };
type Bench = { name: string; run: (ctx: Context) => Promise<Row[]> };

const enc = new TextEncoder();
const at = DEFAULT_AT;
const LEAVES = 200;

function perSecond(n: number, ms: number): number {
  return (n * 1000) / ms;
}

const fmt = (x: number, digits = 1) => x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

const chainThroughput: Bench = {
  name: "chain-throughput",
  async run({ dir, chain }) {
    const program = getExampleProgram("ca-chain")!;
    const anchors = [chain.root.pem];
    const uploads = chain.leaves.map((leaf) => [{ name: "client_chain.pem", bytes: enc.encode(leaf.pem + chain.ica.pem + chain.root.pem) }]);

    // Warm-up: JIT, the anchor index, WebCrypto key import paths.
    for (let i = 0; i < 20; i++) await checkUpload({ files: uploads[i % uploads.length]!, program, at, trustAnchors: anchors });

    // OpenSSL, same chains, same validation time, client purpose (we check clientAuth too).
    const leafFiles = chain.leaves.map((_, i) => path.join(dir, `leaf${i}.pem`));
    const common = ["verify", "-CAfile", path.join(dir, "root.pem"), "-untrusted", path.join(dir, "ica.pem"), "-purpose", "sslclient", "-attime", String(Math.floor(at.getTime() / 1000))];

    // The machine is shared: rounds alternate engine / openssl so both see the same load,
    // and each side's best round is compared (the least disturbed measurement of each).
    const rounds = 5;
    const spawnPerRound = 10;
    const engineRates: number[] = [];
    const batchRates: number[] = [];
    const spawnRates: number[] = [];
    let accepted = 0;
    let batchOk = 0;
    let spawnOk = 0;
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      for (const files of uploads) {
        const v = await checkUpload({ files, program, at, trustAnchors: anchors });
        if (v.verdict === "accepted") accepted++;
      }
      engineRates.push(perSecond(uploads.length, performance.now() - t0));

      // Batch: one process verifies every leaf (process start amortised, as the engine's is).
      const b0 = performance.now();
      const out = execFileSync("openssl", [...common, ...leafFiles], { encoding: "utf8" });
      batchRates.push(perSecond(leafFiles.length, performance.now() - b0));
      batchOk += out.split("\n").filter((l) => l.endsWith(": OK")).length;

      // Per chain: one process per chain, as a shell script would call it.
      const s0 = performance.now();
      for (let i = 0; i < spawnPerRound; i++) if (spawnSync("openssl", [...common, leafFiles[(r * spawnPerRound + i) % leafFiles.length]!]).status === 0) spawnOk++;
      spawnRates.push(perSecond(spawnPerRound, performance.now() - s0));
    }
    const best = (xs: number[]) => Math.max(...xs);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const engineRate = best(engineRates);
    const batchRate = best(batchRates);
    const spawnRate = best(spawnRates);
    const engineN = rounds * uploads.length;

    return [
      { bench: this.name, metric: "engine checkUpload (ca-chain, 3-cert PEM)", value: `${fmt(engineRate)} checks/s`, note: `best of ${rounds} rounds (median ${fmt(median(engineRates))}); ${engineN} checks, ${accepted} accepted, sequential` },
      { bench: this.name, metric: "openssl verify, one process for all leaves", value: `${fmt(batchRate)} chains/s`, note: `best of ${rounds} rounds (median ${fmt(median(batchRates))}); ${batchOk} OK` },
      { bench: this.name, metric: "openssl verify, one process per chain", value: `${fmt(spawnRate)} chains/s`, note: `best of ${rounds} rounds (median ${fmt(median(spawnRates))}); ${spawnOk} OK` },
      { bench: this.name, metric: "ratio engine ÷ openssl (batch)", value: `${fmt(engineRate / batchRate, 2)}×`, note: `the ratio the goal (≥ 0.5×) is measured on; medians give ${fmt(median(engineRates) / median(batchRates), 2)}×` },
      { bench: this.name, metric: "ratio engine ÷ openssl (per-chain spawn)", value: `${fmt(engineRate / spawnRate, 2)}×` },
    ];
  },
};

const uploadMemory: Bench = {
  name: "upload-memory",
  async run({ chain }) {
    const program = getExampleProgram("ca-chain")!;
    // A PEM bundle just under the 1 MiB upload limit: the chain plus as many distinct leaves as fit.
    const parts = [chain.ica.pem, chain.root.pem];
    let size = parts.join("").length;
    let i = 0;
    while (size + chain.leaves[0]!.pem.length < 1024 * 1024 - 1024) {
      const leaf = chain.leaves[i % chain.leaves.length]!;
      // Distinct bytes per block: a trailing comment line keeps the PEM valid and defeats dedupe shortcuts.
      const block = `# block ${i}\n${leaf.pem}`;
      parts.unshift(block);
      size += block.length;
      i++;
    }
    const bytes = enc.encode(parts.join(""));
    const mib = (b: number) => `${fmt(b / 1024 / 1024)} MiB`;
    const rows: Row[] = [];
    // Warm-up so the first measured run is not paying for module and JIT start-up.
    await checkUpload({ files: [{ name: "c.pem", bytes: enc.encode(chain.leaves[0]!.pem + chain.ica.pem + chain.root.pem) }], program, at, trustAnchors: [chain.root.pem] });
    // As the portal runs it (intake stops at 100 items), then with every item through the engine (worst case).
    for (const [label, limits] of [["default limits", {}], ["maxItems 1000", { maxItems: 1000 }]] as const) {
      const m = await measure(() => checkUpload({ files: [{ name: "bundle.pem", bytes }], program, at, trustAnchors: [chain.root.pem], limits }));
      const v = m.result;
      rows.push(
        { bench: this.name, metric: `${mib(bytes.length)} upload, ${label}`, value: `${fmt(m.ms, 0)} ms`, note: `${i + 2} PEM certificates; ${v.verdict}; ${v.findings.length} findings (${[...new Set(v.findings.map((f) => f.code))].join(", ")})` },
        { bench: this.name, metric: `  heap growth (peak − before)`, value: mib(m.heap), note: "sampled every 2 ms and at the end" },
        { bench: this.name, metric: `  RSS growth (peak − before)`, value: mib(m.rss) },
      );
    }
    rows.push({ bench: this.name, metric: "process peak RSS", value: mib(process.resourceUsage().maxRSS * 1024) });
    return rows;
  },
};

async function measure<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number; heap: number; rss: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakRss = before.rss;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
  };
  const sampler = setInterval(sample, 2);
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  clearInterval(sampler);
  sample();
  return { result, ms, heap: peakHeap - before.heapUsed, rss: peakRss - before.rss };
}

const BENCHES: Bench[] = [chainThroughput, uploadMemory, queueBench];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const selected = wanted.length ? BENCHES.filter((b) => wanted.includes(b.name)) : BENCHES;
  if (selected.length === 0) {
    console.error(`unknown bench; known: ${BENCHES.map((b) => b.name).join(", ")}`);
    process.exitCode = 2;
    return;
  }
  const dir = await mkdtemp(path.join(tmpdir(), "certdesk-bench-"));
  try {
    const base = await mintChain({ label: "bench" });
    const ica = base.intermediates[0]!;
    const leaves: TestCert[] = [];
    // One key for every leaf: each check still verifies two RSA-2048 signatures, and key generation stays out of setup time.
    for (let i = 0; i < LEAVES; i++) leaves.push(await mintCertificate({ subject: `CN=Bench Client ${i}, O=Bench Ltd`, issuer: ica, keyLabel: "bench-leaf" }));
    await writeFile(path.join(dir, "root.pem"), base.root.pem);
    await writeFile(path.join(dir, "ica.pem"), ica.pem);
    await Promise.all(leaves.map((l, i) => writeFile(path.join(dir, `leaf${i}.pem`), l.pem)));
    const ctx: Context = { dir, chain: { root: base.root, ica, leaves } };

    const rows: Row[] = [];
    for (const b of selected) rows.push(...(await b.run(ctx)));
    const openssl = spawnSync("openssl", ["version"], { encoding: "utf8" }).stdout.trim();
    console.log(`Certdesk bench — node ${process.version}, ${openssl}, RSA-2048 chains (root → intermediate → leaf)\n`);
    const w = [Math.max(...rows.map((r) => r.bench.length)), Math.max(...rows.map((r) => r.metric.length)), Math.max(...rows.map((r) => r.value.length))];
    for (const r of rows) console.log(`${r.bench.padEnd(w[0]!)}  ${r.metric.padEnd(w[1]!)}  ${r.value.padStart(w[2]!)}  ${r.note ?? ""}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
