/**
 * Mutated uploads through intake and the engine WITHOUT checkUpload's safety net:
 * evaluateUpload itself must never throw, and every input gets a verdict.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { mintChain, mintCsr, DEFAULT_AT } from "../pki/testing/factory";
import { intake } from "../intake";
import { FINDING_CODES } from "../pki/findings";
import { EXAMPLE_PROGRAMS, evaluateUpload } from "./index";

const FINDING_CODES_SET = new Set<string>(FINDING_CODES);

/** Deterministic PRNG (mulberry32): the same mutations on every run, so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(input: Uint8Array, rnd: () => number): Uint8Array {
  const out = input.slice();
  switch (Math.floor(rnd() * 4)) {
    case 0: // truncation
      return out.subarray(0, Math.floor(rnd() * out.length));
    case 1: // bit flips
      for (let i = 0; i < 1 + Math.floor(rnd() * 4); i++) {
        const at = Math.floor(rnd() * out.length);
        out[at] = out[at]! ^ (1 << Math.floor(rnd() * 8));
      }
      return out;
    case 2: {
      // a length octet corrupted (DER lengths sit right after tags near the start of each structure)
      const at = Math.floor(rnd() * Math.min(out.length, 64));
      out[at] = Math.floor(rnd() * 256);
      return out;
    }
    default: {
      // a chunk duplicated in place
      const from = Math.floor(rnd() * out.length);
      const end = Math.min(out.length, from + Math.floor(rnd() * 200));
      const chunk = out.subarray(from, end);
      const res = new Uint8Array(out.length + chunk.length);
      res.set(out.subarray(0, end));
      res.set(chunk, end);
      res.set(out.subarray(end), end + chunk.length);
      return res;
    }
  }
}

let seeds: { name: string; bytes: Uint8Array }[];

beforeAll(async () => {
  const { root, intermediates, leaf } = await mintChain({ label: "fuzz" });
  const csr = await mintCsr({ subject: "CN=api.acme.example, O=Acme, C=FR, ST=IdF, L=Paris, E=it@acme.example", keyLabel: "fuzz-csr" });
  const enc = new TextEncoder();
  seeds = [
    { name: "chain.pem", bytes: enc.encode(leaf.pem + intermediates[0]!.pem + root.pem) },
    { name: "leaf.der", bytes: leaf.der },
    { name: "root.der", bytes: root.der },
    { name: "req.csr", bytes: csr.der },
    { name: "req.pem", bytes: enc.encode(csr.pem) },
  ];
});

describe("mutated uploads", () => {
  it("always get a verdict with known codes from every example program, never an exception", async () => {
    const rnd = prng(20261123);
    let evaluated = 0;
    for (let i = 0; i < 400; i++) {
      const seed = seeds[i % seeds.length]!;
      const bytes = mutate(seed.bytes, rnd);
      const result = await intake([{ name: seed.name, bytes }]);
      for (const program of EXAMPLE_PROGRAMS) {
        const v = await evaluateUpload({ program, intake: result, at: DEFAULT_AT, partner: { companyName: "Acme" } });
        expect(["accepted", "rejected"]).toContain(v.verdict);
        for (const f of v.findings) expect(FINDING_CODES_SET.has(f.code), f.code).toBe(true);
        evaluated++;
      }
    }
    expect(evaluated).toBe(1600);
  });
});
