import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type LimboSuite, runLimbo, scoreByNamespace } from "./conformance/limbo";

const LIMBO = path.resolve(import.meta.dirname, "../../../shared/testdata/x509-limbo/limbo.json.gz");

/** The agreement we reached (docs/conformance.md). Raise it when it improves; never lower it. */
const AGREEMENT_FLOOR = 9765;

describe("x509-limbo conformance", () => {
  it(`agrees with at least ${AGREEMENT_FLOOR} of 9,780 expected results, without exceptions`, async () => {
    const suite = JSON.parse(gunzipSync(readFileSync(LIMBO)).toString("utf8")) as LimboSuite;
    expect(suite.testcases).toHaveLength(9780);
    // A fixed "now" for the few cases without a validation time keeps the test clock-independent.
    const results = await runLimbo(suite, { now: new Date("2026-01-01T00:00:00Z") });
    const agree = results.filter((r) => r.actual === r.expected).length;
    const byNs = Object.fromEntries(scoreByNamespace(results).map((s) => [s.namespace, `${s.agree}/${s.total}`]));
    console.log("limbo agreement", agree, byNs);
    expect(agree).toBeGreaterThanOrEqual(AGREEMENT_FLOOR);
    expect(byNs.bettertls).toBe("9572/9572");
  }, 180_000);
});
