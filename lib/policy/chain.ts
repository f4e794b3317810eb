/**
 * The chain half of the engine: removes duplicates, picks the client certificate, builds
 * and validates its path (lib/pki), turns that into the typed context the chain rules read,
 * runs them, and merges pki's path findings with theirs (one problem, one finding).
 */
import type { Finding } from "../pki/findings";
import type { StatusChecker } from "../pki";
import type { Program } from "./program";
import type { CertView, PathOutcome } from "./views";
import type { ChainEntry, ChainRole } from "./evaluate";
import { anchorIndex, pemOf, validateChain, viewCertificate, type AnchorIndex } from "./inspect";
import { programAnchors, publicAnchorsList } from "./anchors";
import { rulesOf } from "./rules/registry";
import { TRUST_DECISION_CODES } from "./rules/trust";
import { CHAIN_INCOMPLETE, CHAIN_MULTIPLE_LEAVES, CHAIN_NO_LEAF, DUPLICATE_CERTIFICATE, NO_CERTIFICATE, PATH_NOT_BUILT, ROOT_OR_INTERMEDIATE_MISSING } from "./rules/chain-building";
import { daysBetween, EKU_CLIENT_AUTH, nameOf, sourceOf, subjectOf, type CertItem, type ChainContext, type FetchedIntermediate, type Partner } from "./rules/context";

export type ChainInput = {
  program: Program;
  partner: Partner;
  at: Date;
  crypto: Crypto;
  certs: CertItem[];
  /** Findings so far (intake, unreadable items, formats): they explain an empty chain and block a corrected file. */
  prior: readonly Finding[];
  trustAnchors?: readonly (string | Uint8Array)[];
  crls?: readonly (string | Uint8Array)[];
  statusChecker?: StatusChecker;
  /** Issue 15: intermediates fetched from AIA caIssuers URLs by the async pre-step (candidates, never anchors). */
  fetchedIntermediates?: readonly FetchedIntermediate[];
};

export type ChainOutcome = { findings: Finding[]; chain: ChainEntry[]; leaf?: CertItem; correctedPem?: string };

type BuiltPath = { outcome: PathOutcome; intermediates: CertItem[]; uploadedRoots: CertItem[]; anchorIdx: AnchorIndex; publicIdx: AnchorIndex; fetched: { view: CertView; url: string }[] };

/** Evaluates the uploaded certificates as one client certificate's chain. */
export async function evaluateChain(input: ChainInput): Promise<ChainOutcome> {
  const { certs, prior, program, at } = input;
  if (certs.length === 0) {
    // When intake already refused the upload or could not read it, that error is the explanation;
    // "no certificate found" on top of "a private key was in it" only buries it.
    const explained = prior.some((f) => f.severity === "error");
    return { findings: program.rules.submission.chain === "required" && !explained ? [NO_CERTIFICATE.make()] : [], chain: [] };
  }
  const { unique, findings } = dedupeCertificates(certs);
  const { leaves, caOnly } = findLeaves(unique);
  const [leaf, ...extraLeaves] = leaves;
  if (!leaf) {
    findings.push(CHAIN_NO_LEAF.make(caOnly ? { caNames: unique.map((c) => nameOf(c.view)) } : {}));
    return { findings, chain: unique.map((c) => certEntry(c.view, c.view.selfSigned ? "root" : "intermediate", at, c)) };
  }
  if (extraLeaves.length > 0) {
    const names = leaves.map((l) => `${nameOf(l.view)} (position ${l.position})`);
    findings.push(CHAIN_MULTIPLE_LEAVES.make({ leaves: names }, { certificate: subjectOf(extraLeaves[0]!) }));
  }
  const built = await buildPath(input, unique, leaf, extraLeaves);
  const ctx = chainContext(input, { unique, leaf, extraLeaves, built });
  const own = rulesOf("chain").flatMap((rule) => rule.check(ctx));
  findings.push(...mergePathFindings(ctx, built, own), ...own);
  const correctedPem = correctedChain(ctx, built.outcome.path, [...prior, ...findings]);
  return { findings, chain: chainEntries(ctx), leaf, ...(correctedPem !== undefined ? { correctedPem } : {}) };
}

/** Duplicates are kept once and reported once per extra copy. */
function dedupeCertificates(certs: CertItem[]): { unique: CertItem[]; findings: Finding[] } {
  const unique: CertItem[] = [];
  const findings: Finding[] = [];
  const byFingerprint = new Map<string, CertItem>();
  for (const c of certs) {
    const first = byFingerprint.get(c.view.fingerprintSha256);
    if (first) {
      findings.push(DUPLICATE_CERTIFICATE.make({ name: nameOf(c.view), position: c.position, firstPosition: first.position }, { certificate: subjectOf(c) }));
      continue;
    }
    byFingerprint.set(c.view.fingerprintSha256, c);
    unique.push(c);
  }
  return { unique, findings };
}

/** Picks the client certificate: a non-CA certificate that issues nothing else in the upload. */
function findLeaves(unique: CertItem[]): { leaves: CertItem[]; caOnly: boolean } {
  const issuesAnother = (x: CertItem) => unique.some((y) => y !== x && !y.view.selfIssued && y.view.issuer === x.view.subject);
  const bottoms = unique.filter((c) => !issuesAnother(c));
  const nonCa = bottoms.filter((c) => !c.view.isCa);
  if (nonCa.length > 0) return { leaves: nonCa, caOnly: false };
  if (bottoms.length === 1) {
    const only = bottoms[0]!;
    // A lone self-signed CA is what 001 forbids (CA and client roles in one certificate); a CA certificate
    // carrying clientAuth was meant as a client certificate. Any other CA-only upload lacks its leaf.
    if (only.view.selfSigned || only.view.extendedKeyUsage?.includes(EKU_CLIENT_AUTH)) return { leaves: bottoms, caOnly: false };
  }
  return { leaves: [], caOnly: unique.length > 0 };
}

async function buildPath(input: ChainInput, unique: CertItem[], leaf: CertItem, extraLeaves: CertItem[]): Promise<BuiltPath> {
  const anchors = input.trustAnchors ?? programAnchors(input.program);
  const anchorIdx = await anchorIndex(anchors);
  const publicIdx = await anchorIndex(publicAnchorsList());
  const others = unique.filter((c) => c !== leaf && !extraLeaves.includes(c));
  const uploadedRoots = others.filter((c) => c.view.selfSigned);
  const intermediates = others.filter((c) => !c.view.selfSigned);
  // Fetched certificates join as intermediates after the uploaded ones (never as anchors, even a self-signed one).
  const known = new Set(unique.map((c) => c.view.fingerprintSha256));
  const fetched: { view: CertView; url: string }[] = [];
  for (const f of input.fetchedIntermediates ?? []) {
    const view = viewCertificate(f.der);
    if (known.has(view.fingerprintSha256)) continue;
    known.add(view.fingerprintSha256);
    fetched.push({ view, url: f.url });
  }
  const built = { intermediates, uploadedRoots, anchorIdx, publicIdx, fetched };
  if (leaf.view.selfSigned) return { ...built, outcome: { ok: false, path: [leaf.view], findings: [] } };
  try {
    const outcome = await validateChain({
      leaf: leaf.view,
      intermediates: [...intermediates.map((c) => c.view), ...fetched.map((f) => f.view)],
      // Uploaded self-signed roots act as anchors so that every other check of the path runs;
      // whether such a root may terminate the chain is the program's call (the trust rule).
      anchors,
      extraAnchors: uploadedRoots.map((r) => r.view),
      at: input.at,
      requiredEku: input.program.rules.eku === "not-checked" ? undefined : [EKU_CLIENT_AUTH],
      crls: input.crls,
      statusChecker: input.statusChecker,
      crypto: input.crypto,
      // A program naming acceptable certificate policies requires one of them (RFC 5280 §6.1.1 c, f).
      policy: input.program.rules.acceptablePolicies ? { initialPolicySet: input.program.rules.acceptablePolicies, initialExplicitPolicy: true } : undefined,
    });
    return { ...built, outcome };
  } catch (e) {
    const failed = PATH_NOT_BUILT.make({ leafName: nameOf(leaf.view), reason: e instanceof Error ? e.message : "unexpected error" }, { certificate: subjectOf(leaf) });
    return { ...built, outcome: { ok: false, path: [leaf.view], findings: [failed] } };
  }
}

/** The facts the chain rules read, computed once. */
function chainContext(input: ChainInput, parts: { unique: CertItem[]; leaf: CertItem; extraLeaves: CertItem[]; built: BuiltPath }): ChainContext {
  const { unique, leaf, extraLeaves, built } = parts;
  const uploadedByFp = new Map(unique.map((c) => [c.view.fingerprintSha256, c]));
  const path = built.outcome.path;
  const terminal = path.length > 1 || leaf.view.selfSigned ? path[path.length - 1] : undefined;
  const terminalIsAnchor =
    terminal !== undefined && terminal.selfIssued && (built.anchorIdx.has(terminal) || built.uploadedRoots.some((r) => r.view.fingerprintSha256 === terminal.fingerprintSha256));
  const terminalTrusted = terminal !== undefined && built.anchorIdx.has(terminal);
  const selfSignedChain = terminalIsAnchor && !terminalTrusted;
  // When pki reached an anchor its path is the truth; otherwise follow issuer names through the
  // upload so order and display still make sense, and do not call anything "unrelated" on a guess.
  const ordered = terminalIsAnchor ? path : nameChain(leaf.view, unique.map((c) => c.view));
  return {
    program: input.program,
    partner: input.partner,
    at: input.at,
    unique,
    leaf,
    extraLeaves,
    leafSubject: subjectOf(leaf),
    leafName: nameOf(leaf.view),
    ...(terminal ? { terminal } : {}),
    terminalIsAnchor,
    terminalTrusted,
    terminalPublic: terminal !== undefined && built.publicIdx.has(terminal),
    selfSignedChain,
    // Issue 16: a chain ending in a public root the program does not trust is still CA-issued (its advice is "another CA", not "re-issue from your own CA").
    issuedBy: leaf.view.selfSigned || (selfSignedChain && !(terminal !== undefined && built.publicIdx.has(terminal))) ? "self-signed" : "ca-issued",
    complete: terminalIsAnchor,
    ordered,
    pathFps: new Set(ordered.map((p) => p.fingerprintSha256)),
    pathItems: ordered.map((p) => uploadedByFp.get(p.fingerprintSha256)).filter((x): x is CertItem => x !== undefined),
    uploadedByFp,
    rootUploaded: terminal !== undefined && terminal.selfIssued && uploadedByFp.has(terminal.fingerprintSha256),
    hasStatusSource: ((input.crls?.length ?? 0) > 0 || input.statusChecker !== undefined) && !leafHadNoUrl(built),
    fetchedOnPath: built.fetched.filter((f) => terminalIsAnchor && ordered.some((p) => p.fingerprintSha256 === f.view.fingerprintSha256)),
  };
}

/** The live status checker found no OCSP or CRL URL in the leaf: no status source for it after all. */
function leafHadNoUrl(built: BuiltPath): boolean {
  return built.outcome.findings.some((f) => f.code === "REVOCATION_UNKNOWN" && f.certificate?.position === 0 && f.message.includes(NO_URL_MARK));
}

/** Leaf, then each uploaded certificate whose subject is the previous one's issuer (no loops). */
function nameChain(leaf: CertView, certs: CertView[]): CertView[] {
  const out = [leaf];
  let current = leaf;
  while (!current.selfIssued) {
    const next = certs.find((c) => c.subject === current.issuer && !out.includes(c));
    if (!next) break;
    out.push(next);
    current = next;
  }
  return out;
}

/**
 * pki's path findings, renumbered to upload positions, minus those a rule already reported
 * more precisely (the leaf's dates, EKU, trust decisions); CHAIN_INCOMPLETE when pki could
 * not reach an anchor and said nothing we recognise.
 */
function mergePathFindings(ctx: ChainContext, built: BuiltPath, own: readonly Finding[]): Finding[] {
  const { leaf, program } = ctx;
  const rules = program.rules;
  const passed = [leaf, ...built.intermediates];
  const pkiFindings = built.outcome.findings.map((f) => remap(f, passed, ctx.uploadedByFp));
  const ownCodes = new Set(own.map((f) => `${f.code}|${f.certificate?.position}`));
  const trustDecided = own.some((f) => (TRUST_DECISION_CODES as readonly string[]).includes(f.code));
  const leafPos = leaf.position;
  const kept = pkiFindings.filter((f) => {
    const atLeaf = f.certificate?.position === leafPos;
    if (atLeaf && (f.code === "CHAIN_CERT_EXPIRED" || f.code === "LEAF_EXPIRED")) return !ownCodes.has(`LEAF_EXPIRED|${leafPos}`);
    if (atLeaf && (f.code === "CHAIN_CERT_NOT_YET_VALID" || f.code === "LEAF_NOT_YET_VALID")) return !ownCodes.has(`LEAF_NOT_YET_VALID|${leafPos}`);
    if (atLeaf && f.code === "CHAIN_EKU") return !ownCodes.has(`LEAF_EKU_CLIENT_AUTH|${leafPos}`) && rules.eku !== "not-checked";
    if (trustDecided && (f.code === "TRUST_UNTRUSTED_ROOT" || f.code === "TRUST_SELF_SIGNED_REFUSED" || f.code === "CHAIN_INCOMPLETE")) return false;
    if (f.code === "REVOCATION_UNKNOWN") {
      if (rules.revocation === "not-checked" || ownCodes.has(`REVOCATION_UNKNOWN|${f.certificate?.position}`)) return false;
      // Issue 15: a live check with nothing to ask (no OCSP or CRL URL) is not a finding of its own; where the
      // program requires revocation checking, the revocation rule asks the reviewer about the leaf (hasStatusSource).
      return !f.message.includes(NO_URL_MARK);
    }
    // Issue 17: pki reports a leaf key usage without digitalSignature too; the program's rule decides.
    if (f.code === "LEAF_KEY_USAGE") return rules.requireDigitalSignature && !ownCodes.has(`${f.code}|${f.certificate?.position}`);
    if (f.code === "LEAF_IS_CA" || f.code === "LEAF_EKU_CLIENT_AUTH") return !ownCodes.has(`${f.code}|${f.certificate?.position}`);
    return true;
  }).map((f) =>
    // Issue 15: severity per the program's revocation rule: a reviewer confirms it where required (warning), it is for the record otherwise (info).
    f.code === "REVOCATION_UNKNOWN" && f.severity === "warning" && rules.revocation === "if-available" ? { ...f, severity: "info" as const } : f,
  );
  if (!built.outcome.ok && !leaf.view.selfSigned && !ctx.terminalIsAnchor && !trustDecided && !kept.some((f) => f.severity === "error")) {
    const path = built.outcome.path;
    kept.push(CHAIN_INCOMPLETE.make({ lastName: nameOf(path[path.length - 1] ?? leaf.view) }, { certificate: ctx.leafSubject }));
  }
  return kept.map((f) => missingIssuer(ctx, f));
}

/**
 * Issue 16: under a program that wants the root in the file, CHAIN_INCOMPLETE for a certificate whose
 * issuer is simply absent says that the root (or an intermediate) is missing and names the issuer's
 * subject: a partner with a private CA who forgot the root was told to add "the intermediate".
 */
function missingIssuer(ctx: ChainContext, f: Finding): Finding {
  if (f.code !== "CHAIN_INCOMPLETE" || ctx.program.rules.root !== "required") return f;
  const top = ctx.unique.find((c) => c.position === f.certificate?.position)?.view ?? ctx.ordered[ctx.ordered.length - 1];
  // An issuer that was uploaded but refused (key identifier, path building budget) is another story: pki's message stands.
  if (!top || top.selfIssued || ctx.unique.some((c) => c.view.subject === top.issuer)) return f;
  const isLeaf = top.fingerprintSha256 === ctx.leaf.view.fingerprintSha256;
  return ROOT_OR_INTERMEDIATE_MISSING.make({ topName: nameOf(top), issuerSubject: top.issuer, isLeaf }, f.certificate ? { certificate: f.certificate } : {});
}

function remap(f: Finding, passed: CertItem[], byFp: ReadonlyMap<string, CertItem>): Finding {
  if (!f.certificate) return f;
  const item = passed[f.certificate.position];
  if (item) return { ...f, certificate: subjectOf(item) };
  // A trust-store certificate (or one pki numbered otherwise): find it by subject among the upload, else keep pki's subject.
  const bySubject = [...byFp.values()].find((c) => c.view.subject === f.certificate!.subject);
  return { ...f, certificate: bySubject ? subjectOf(bySubject) : { position: -1, subject: f.certificate.subject } };
}

/** What lib/revocation's status checker says when a certificate names no OCSP or CRL URL. */
export const NO_URL_MARK = "unknown: no URL";

function certEntry(c: CertView, role: ChainRole, at: Date, item?: CertItem, fetchedFrom?: string): ChainEntry {
  return {
    role,
    kind: "certificate",
    position: item ? item.position : null,
    source: item ? sourceOf(item.item) : (fetchedFrom ?? null),
    subject: c.subject,
    daysRemaining: daysBetween(at, c.notAfter),
    details: c.info,
  };
}

/** The chain as inspected, leaf → root, then what is not on the path. */
function chainEntries(ctx: ChainContext): ChainEntry[] {
  const { ordered, at, leaf } = ctx;
  const out = ordered.map((p, i) => {
    const role: ChainRole = i === 0 ? "leaf" : p.selfIssued && i === ordered.length - 1 ? "root" : "intermediate";
    return certEntry(p, role, at, ctx.uploadedByFp.get(p.fingerprintSha256), ctx.fetchedOnPath.find((f) => f.view.fingerprintSha256 === p.fingerprintSha256)?.url);
  });
  for (const c of ctx.unique) {
    if (ctx.pathFps.has(c.view.fingerprintSha256)) continue;
    out.push(certEntry(c.view, c === leaf ? "leaf" : ctx.complete ? "unrelated" : c.view.selfSigned ? "root" : "intermediate", at, c));
  }
  return out;
}

const REPAIRABLE: readonly Finding["code"][] = ["CHAIN_ORDER", "DUPLICATE_CERTIFICATE", "FORMAT_NOT_PEM", "CHAIN_INTERMEDIATE_FETCHED"];
const BLOCKING: readonly Finding["code"][] = [
  "UNRELATED_CERTIFICATE", "CHAIN_INCOMPLETE", "CHAIN_MULTIPLE_LEAVES", "CHAIN_NO_LEAF", "CERTIFICATE_MALFORMED", "SELF_SIGNED_ROLES_MIXED", "PRIVATE_KEY_PRESENT", "ARCHIVE_UNSAFE",
];

/** The corrected file: only when every structural fault is one Certdesk can repair mechanically. */
function correctedChain(ctx: ChainContext, path: readonly CertView[], findings: readonly Finding[]): string | undefined {
  const codes = new Set(findings.map((f) => f.code));
  if (!REPAIRABLE.some((c) => codes.has(c)) || BLOCKING.some((c) => codes.has(c)) || !ctx.terminalIsAnchor || ctx.leaf.view.selfSigned) return undefined;
  const root = ctx.program.rules.root;
  const keep = path.filter((p, i) => {
    if (!(i === path.length - 1 && p.selfIssued)) return true;
    if (root === "refused") return false;
    if (root === "required") return true;
    return ctx.rootUploaded; // optional: keep it if the partner sent it
  });
  return keep.every((p) => p.der.length > 0) ? keep.map((p) => pemOf(p.der)).join("") : undefined;
}
