/**
 * Golden test of `certdesk check --json`: the exact stdout (byte for byte) and exit status of
 * every case in cli/golden/cases.ts, against cli/golden/expected/<case>.json.
 *
 * A change that alters a verdict on purpose refreshes the goldens, and the diff goes in
 * the commit for review:
 *
 *   UPDATE_GOLDEN=1 npx vitest run cli/golden.test.ts
 *
 * Adding a generated input: edit cli/golden/generate-corpus.ts, run
 * `node --import tsx cli/golden/generate-corpus.ts` (it re-mints every generated file with
 * new keys), then refresh the goldens as above.
 */
import { spawn } from "node:child_process";
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GOLDEN_CASES, SPAWNED_CASES } from "./golden/cases";
import { runCheckJson } from "./golden/run";

const ROOT = path.resolve(import.meta.dirname, "..");
const EXPECTED = path.join(ROOT, "cli/golden/expected");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

/** The golden file holds the exit status on its first line, then stdout exactly. */
const goldenText = (r: { code: number; stdout: string }) => `exit ${r.code}\n${r.stdout}`;
const goldenPath = (name: string) => path.join(EXPECTED, `${name}.json`);

function spawnCli(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "cli/certdesk.ts", ...argv], { cwd: ROOT, env: { ...process.env, INIT_CWD: ROOT } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("certdesk check --json golden corpus", () => {
  it("has 50+ cases with distinct names, and no stale golden files", async () => {
    expect(GOLDEN_CASES.length).toBeGreaterThanOrEqual(50);
    const names = GOLDEN_CASES.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    if (UPDATE) {
      await rm(EXPECTED, { recursive: true, force: true });
      await mkdir(EXPECTED, { recursive: true });
      return;
    }
    const files = (await readdir(EXPECTED)).filter((f) => f.endsWith(".json")).sort();
    expect(files).toEqual(names.map((n) => `${n}.json`).sort());
  });

  for (const c of GOLDEN_CASES) {
    it(c.name, async () => {
      const text = goldenText(await runCheckJson(c.argv, ROOT));
      if (UPDATE) {
        await mkdir(EXPECTED, { recursive: true });
        await writeFile(goldenPath(c.name), text);
        return;
      }
      const expected = await readFile(goldenPath(c.name), "utf8");
      // toBe, not toEqual on parsed JSON: key order, spacing and the trailing newline are part of the contract.
      expect(text).toBe(expected);
    });
  }

  it("the real CLI process prints the same bytes as the in-process runner", { timeout: 60_000 }, async () => {
    for (const name of SPAWNED_CASES) {
      const c = GOLDEN_CASES.find((x) => x.name === name)!;
      const r = await spawnCli(c.argv);
      expect(r.stderr).toBe("");
      expect(goldenText(r)).toBe(await readFile(goldenPath(name), "utf8"));
    }
  });
});
