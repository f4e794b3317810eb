/** The trust anchors a program validates against, computed once per program object. */
import type { Program } from "./program";
import { publicTrustAnchorList } from "./inspect";

let publicAnchorsCache: readonly (string | Uint8Array)[] | undefined;

export function publicAnchorsList(): readonly (string | Uint8Array)[] {
  publicAnchorsCache ??= publicTrustAnchorList();
  return publicAnchorsCache;
}

const programAnchorCache = new WeakMap<Program, readonly (string | Uint8Array)[]>();

/** `trustAnchors.mode`: public (the store), extend (store + the program's PEMs) or replace (only the PEMs). */
export function programAnchors(program: Program): readonly (string | Uint8Array)[] {
  let a = programAnchorCache.get(program);
  if (!a) {
    const t = program.trustAnchors;
    a = t.mode === "replace" ? t.pems : t.mode === "extend" ? [...publicAnchorsList(), ...t.pems] : publicAnchorsList();
    programAnchorCache.set(program, a);
  }
  return a;
}
