/**
 * The typed contexts rules read. The engine (lib/policy/evaluate.ts, chain.ts) builds them
 * once per upload; rules never inspect bytes or validate paths themselves.
 */
import type { FindingSubject } from "../../pki/findings";
import type { IntakeItem, IntakeResult } from "../../intake/types";
import type { Program } from "../program";
import type { CertView, CsrView } from "../views";
import { DAY_MS, displayName } from "../messages";

/** Per-partner parameters a program is evaluated with. */
export type Partner = {
  /** Legal or trading name; the company-name rule looks for it in CNs. */
  companyName?: string;
  /** eIDAS organisation identifier, e.g. `PSDLT-BOL-123456`. */
  organizationIdentifier?: string;
  /** PSD2 roles the partner needs: `PSP_AS`, `PSP_PI`, `PSP_AI`, `PSP_IC`. */
  psd2Roles?: string[];
};

export type CertItem = { position: number; item: IntakeItem; view: CertView };

/**
 * Issue 15: an intermediate the async pre-step fetched from an AIA caIssuers URL (lib/revocation
 * live-checks). Offered to path building like an uploaded intermediate, never as an anchor.
 */
export type FetchedIntermediate = { der: Uint8Array; url: string };
export type CsrItem = { position: number; item: IntakeItem; view: CsrView; purpose?: string };

/** Every rule sees the program, the partner and the evaluation time. */
export type BaseContext = { program: Program; partner: Partner; at: Date };

/** The upload as intake read it, with each readable item inspected. */
export type UploadContext = BaseContext & {
  intake: IntakeResult;
  certs: readonly CertItem[];
  csrs: readonly CsrItem[];
  /** Upload position → subject DN of the items that could be read. */
  subjects: ReadonlyMap<number, string>;
};

/** The leaf's chain as the engine built and validated it. */
export type ChainContext = BaseContext & {
  /** Distinct certificates of the upload (duplicates removed), in upload order. */
  unique: readonly CertItem[];
  leaf: CertItem;
  /** Further non-CA "leaves" (CHAIN_MULTIPLE_LEAVES): not judged as the client certificate. */
  extraLeaves: readonly CertItem[];
  leafSubject: FindingSubject;
  leafName: string;
  /** The last certificate of the path when one was built (or the self-signed leaf itself). */
  terminal?: CertView;
  /** The path ends in a trust anchor or an uploaded self-signed root. */
  terminalIsAnchor: boolean;
  /** …in one of the program's trust anchors. */
  terminalTrusted: boolean;
  /** …in a root of the public store. */
  terminalPublic: boolean;
  /** The path ends in an uploaded root that is not a trust anchor. */
  selfSignedChain: boolean;
  issuedBy: "self-signed" | "ca-issued";
  /** The path reached an anchor, so "not on the path" is a fact, not a guess. */
  complete: boolean;
  /** The path leaf → root (pki's when complete, else following issuer names through the upload). */
  ordered: readonly CertView[];
  pathFps: ReadonlySet<string>;
  /** The uploaded certificates on `ordered`, in path order. */
  pathItems: readonly CertItem[];
  uploadedByFp: ReadonlyMap<string, CertItem>;
  /** The path's self-issued root is one of the uploaded certificates. */
  rootUploaded: boolean;
  /** CRLs or a status checker were supplied, so revocation could be learned. */
  hasStatusSource: boolean;
  /** Issue 15: fetched intermediates that ended up on the path, with where each came from. */
  fetchedOnPath: readonly { view: CertView; url: string }[];
};

/** All CSRs of the upload, each with the purpose the program assigned. */
export type CsrSetContext = BaseContext & {
  csrs: readonly CsrItem[];
  /** Purposes the program asks for that no CSR was matched to. */
  unassignedPurposes: readonly string[];
  /** The client certificate of the chain sent with them, if any. */
  leaf?: CertItem;
};

/** One CSR, with the set it belongs to. */
export type CsrContext = CsrSetContext & { csr: CsrItem; label: string; csrSubject: FindingSubject };

export function sourceOf(item: IntakeItem): string {
  return item.source.entry ? `${item.source.file}:${item.source.entry}` : item.source.file;
}

export function subjectOf(c: CertItem | CsrItem): FindingSubject {
  return { position: c.position, subject: c.view.subject, source: sourceOf(c.item) };
}

export function nameOf(c: CertView): string {
  return displayName(c.subject, c.commonNames);
}

export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}

export const EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
