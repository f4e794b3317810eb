/**
 * The four example programs shipped with Certdesk, one per provider text in
 * `shared/requirements`. They are data (JSON beside this file), validated here once.
 */
import { parseProgram, type Program } from "../program";
import caChain from "./ca-chain.json";
import selfSignedAllowed from "./self-signed-allowed.json";
import s2sZip from "./s2s-zip.json";
import providerCaCsr from "./provider-ca-csr.json";

export const EXAMPLE_PROGRAM_IDS = ["ca-chain", "self-signed-allowed", "s2s-zip", "provider-ca-csr"] as const;
export type ExampleProgramId = (typeof EXAMPLE_PROGRAM_IDS)[number];

export const EXAMPLE_PROGRAMS: readonly Program[] = [caChain, selfSignedAllowed, s2sZip, providerCaCsr].map((p) => parseProgram(p));

/** The example programs as the database stores them (`programs` rows), for the demo seed and tests. */
export const EXAMPLE_PROGRAM_RECORDS = EXAMPLE_PROGRAMS.map((p) => ({ id: p.id, version: p.version, name: p.name, definition: p }));

/**
 * One example program by id, or `undefined`.
 *
 * @example
 * const program = getExampleProgram("self-signed-allowed");
 */
export function getExampleProgram(id: string): Program | undefined {
  return EXAMPLE_PROGRAMS.find((p) => p.id === id);
}
