/**
 * Strict CRL processing (RFC 5280 §6.3.3) for `validatePath`'s `revocation: { mode: "strict" }`:
 * decides a certificate's status as good, revoked or undetermined from the supplied complete CRLs.
 *
 * Per distribution point of the certificate (or, without a cRLDistributionPoints extension, one
 * implied point whose cRLIssuer is the certificate's issuer), a CRL counts only when it is
 * - current at the validation time (thisUpdate ≤ at ≤ nextUpdate),
 * - issued by the certificate's issuer, or by the point's cRLIssuer with indirectCRL asserted,
 * - in scope: its issuingDistributionPoint's name matches the point's names, onlyContainsUserCerts /
 *   onlyContainsCACerts / onlyContainsAttributeCerts fit the certificate,
 * - a complete CRL (delta CRLs are not supported) with a non-critical cRLNumber and no critical
 *   extension we do not understand,
 * - signed by a certificate named as its issuer, with cRLSign where it has a key usage, which is the
 *   certificate's issuer on the validated path, a trust anchor, or a certificate with a valid path of its
 *   own (the key may differ from the one that signed the certificate: PKITS 4.4.19–4.4.21, 4.5.6–4.5.8).
 * The status is good only when the CRLs that count cover every reason (reason masks, onlySomeReasons).
 * Pure: no I/O; the signer's own path is judged by the callback the validator passes in.
 */
import { type GeneralName, type ParsedCertificate, type ParsedName, parseGeneralName, parseName } from "./certificate";
import type { CrlEntry, ParsedCrl } from "./crl";
import { bytesEqual, children, concat, content, encodeTlv, readTlv } from "./der";
import { verifySignature } from "./signature";

/** Bits 1…8 of ReasonFlags (keyCompromise … aACompromise); bit 0 is "unused". */
const ALL_REASONS = 0x1fe;
const REMOVE_FROM_CRL = 8;

/** `trusted`: a trust anchor or a certificate on the path under judgement, whose key is taken as given. */
export type CrlSignerCandidate = { cert: ParsedCertificate; trusted: boolean };

export type StrictCrlContext = {
  crls: readonly ParsedCrl[];
  at: Date;
  crypto: Crypto;
  /**
   * Certificates that may have signed a CRL: the path under judgement and the trust anchors (trusted: the path
   * is validated as a whole, so a certificate may even sign the CRL that covers itself, PKITS 4.14.30), then
   * the other uploaded certificates.
   */
  candidates: readonly CrlSignerCandidate[];
  /** Whether a CRL signer that is neither the path's issuer nor a trust anchor has a valid path of its own. */
  signerPathValid: (cert: ParsedCertificate) => Promise<boolean>;
};

export type CrlStatus = { status: "good" } | { status: "revoked"; date: Date; reason?: number } | { status: "undetermined"; why: string };

type DistributionPoint = { names?: Set<string>; reasons: number; crlIssuers?: Set<string> };
type Idp = { names?: Set<string>; onlyUser: boolean; onlyCa: boolean; onlyAttr: boolean; reasons: number; indirect: boolean };

function reasonFlags(bits: Uint8Array): number {
  let mask = 0;
  for (let n = 0; n <= 8; n++) {
    const byte = bits[1 + (n >> 3)];
    if (byte !== undefined && (byte >> (7 - (n & 7))) & 1) mask |= 1 << n;
  }
  return mask;
}

function nameKey(gn: GeneralName): string {
  return gn.kind === "DN" ? `DN:${gn.name.key}` : `${gn.kind}:${gn.value}`;
}

/** The DN of a nameRelativeToCRLIssuer: the base name with the RDN appended (RFC 5280 §4.2.1.13). */
function relativeName(base: ParsedName, rdnContent: Uint8Array): string {
  const seq = encodeTlv(0x30, concat([content(base.der, readTlv(base.der, 0)), encodeTlv(0x31, rdnContent)]));
  return `DN:${parseName(seq, readTlv(seq, 0)).key}`;
}

/** DistributionPointName (the content of a [0] field): fullName [0] or nameRelativeToCRLIssuer [1]. */
function dpNames(buf: Uint8Array, dpn: ReturnType<typeof readTlv>, base: readonly ParsedName[]): Set<string> {
  const choice = readTlv(buf, dpn.contentStart, dpn.end);
  const out = new Set<string>();
  if (choice.tag === 0xa0) for (const t of children(buf, choice)) out.add(nameKey(parseGeneralName(buf, t)));
  else if (choice.tag === 0xa1) for (const b of base) out.add(relativeName(b, content(buf, choice)));
  return out;
}

function generalNameKeys(buf: Uint8Array, tlv: ReturnType<typeof readTlv>): Set<string> {
  return new Set(children(buf, tlv).map((t) => nameKey(parseGeneralName(buf, t))));
}

function generalNameDns(buf: Uint8Array, tlv: ReturnType<typeof readTlv>): ParsedName[] {
  return children(buf, tlv)
    .map((t) => parseGeneralName(buf, t))
    .flatMap((g) => (g.kind === "DN" ? [g.name] : []));
}

function distributionPoints(cert: ParsedCertificate): DistributionPoint[] {
  const ext = cert.extensionMap.get("2.5.29.31");
  if (!ext) return [{ reasons: ALL_REASONS, crlIssuers: new Set([`DN:${cert.issuer.key}`]) }];
  const v = ext.value;
  return children(v, readTlv(v, 0)).map((dp) => {
    const fields = children(v, dp);
    const issuerField = fields.find((f) => f.tag === 0xa2);
    const nameField = fields.find((f) => f.tag === 0xa0);
    const reasonsField = fields.find((f) => f.tag === 0x81);
    const crlIssuerDns = issuerField ? generalNameDns(v, issuerField) : [];
    return {
      names: nameField ? dpNames(v, nameField, issuerField ? crlIssuerDns : [cert.issuer]) : undefined,
      reasons: reasonsField ? reasonFlags(content(v, reasonsField)) : ALL_REASONS,
      crlIssuers: issuerField ? generalNameKeys(v, issuerField) : undefined,
    };
  });
}

function parseIdp(crl: ParsedCrl): Idp | undefined {
  const v = crl.issuingDistributionPoint;
  if (!v) return undefined;
  const idp: Idp = { onlyUser: false, onlyCa: false, onlyAttr: false, reasons: ALL_REASONS, indirect: false };
  for (const f of children(v, readTlv(v, 0))) {
    const flag = () => content(v, f)[0] !== 0;
    if (f.tag === 0xa0) idp.names = dpNames(v, f, [crl.issuer]);
    else if (f.tag === 0x81) idp.onlyUser = flag();
    else if (f.tag === 0x82) idp.onlyCa = flag();
    else if (f.tag === 0x83) idp.reasons = reasonFlags(content(v, f));
    else if (f.tag === 0x84) idp.indirect = flag();
    else if (f.tag === 0x85) idp.onlyAttr = flag();
  }
  return idp;
}

const intersects = (a: Set<string>, b: Set<string>) => [...a].some((x) => b.has(x));

/** Why this CRL does not cover this certificate through this distribution point, or undefined when it does. */
function outOfScope(cert: ParsedCertificate, dp: DistributionPoint, crl: ParsedCrl, idp: Idp | undefined): string | undefined {
  const crlIssuer = `DN:${crl.issuer.key}`;
  if (dp.crlIssuers) {
    if (!dp.crlIssuers.has(crlIssuer)) return "issued by another CRL issuer";
    if (crl.issuer.key !== cert.issuer.key && !idp?.indirect) return "not marked as an indirect CRL";
  } else if (crl.issuer.key !== cert.issuer.key) return "issued by another CRL issuer";
  if (!idp) return undefined;
  if (idp.names) {
    const other = dp.names ?? dp.crlIssuers;
    if (!other || !intersects(idp.names, other)) return "for another distribution point";
  }
  const isCa = cert.basicConstraints?.ca === true;
  if (idp.onlyUser && isCa) return "limited to end-entity certificates";
  if (idp.onlyCa && !isCa) return "limited to CA certificates";
  if (idp.onlyAttr) return "limited to attribute certificates";
  return undefined;
}

/** The usable certificate whose key signed a CRL issued by `crl.issuer` (the path issuer is tried first), or why there is none. */
async function usableSigner(crl: ParsedCrl, issuer: ParsedCertificate, ctx: StrictCrlContext): Promise<{ signer: ParsedCertificate } | { why: string }> {
  const tried = new Set<ParsedCertificate>();
  const ordered: CrlSignerCandidate[] = [{ cert: issuer, trusted: true }, ...ctx.candidates];
  let why = "no certificate named as its issuer verifies its signature";
  for (const c of ordered) {
    if (tried.has(c.cert) || c.cert.subject.key !== crl.issuer.key) continue;
    tried.add(c.cert);
    const sig = await verifySignature({ signed: crl.tbs, signature: crl.signature, sigAlgOid: crl.sigAlgOid, sigAlgParams: crl.sigAlgParams, issuer: c.cert, crypto: ctx.crypto });
    if (!sig.ok) continue;
    if (c.cert.keyUsage && !c.cert.keyUsage.has("cRLSign")) {
      why = "its signer's key usage lacks cRLSign";
      continue;
    }
    if (c.trusted || (await ctx.signerPathValid(c.cert))) return { signer: c.cert };
    why = "its signer's certificate has no valid path (or is revoked)";
  }
  return { why };
}

/**
 * The newest delta CRL that may be combined with `base` (RFC 5280 §5.2.4, §6.3.3 (c), (f)): same issuer and
 * scope, current, a BaseCRLNumber not above the complete CRL's number, signed by the complete CRL's key.
 */
async function deltaFor(base: ParsedCrl, signer: ParsedCertificate, ctx: StrictCrlContext): Promise<ParsedCrl | undefined> {
  const at = ctx.at.getTime();
  let best: ParsedCrl | undefined;
  for (const d of ctx.crls) {
    if (!d.delta || d.issuer.key !== base.issuer.key || d.baseCrlNumber === undefined || base.crlNumber === undefined) continue;
    if (d.baseCrlNumber > base.crlNumber || (d.crlNumber ?? -1n) <= base.crlNumber) continue;
    if (!sameBytes(d.issuingDistributionPoint, base.issuingDistributionPoint)) continue;
    if (d.thisUpdate.getTime() > at || (d.nextUpdate && d.nextUpdate.getTime() < at)) continue;
    if (!d.hasCrlNumber || d.crlNumberCritical || d.unknownCriticalExtensions.length) continue;
    if (best && (best.crlNumber ?? -1n) >= (d.crlNumber ?? -1n)) continue;
    const sig = await verifySignature({ signed: d.tbs, signature: d.signature, sigAlgOid: d.sigAlgOid, sigAlgParams: d.sigAlgParams, issuer: signer, crypto: ctx.crypto });
    if (sig.ok) best = d;
  }
  return best;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a && b ? bytesEqual(a, b) : a === b;
}

const crlIssuerKeysCache = new WeakMap<Uint8Array, Set<string>>();

/**
 * The entry listing `cert` in `crl`, if any. Entries name the certificate's issuer implicitly (the CRL issuer)
 * or, in an indirect CRL, through the certificateIssuer entry extension, which carries on to the following
 * entries (RFC 5280 §5.3.3).
 */
function entryFor(crl: ParsedCrl, indirect: boolean, cert: ParsedCertificate): CrlEntry | undefined {
  let entryIssuers = new Set([`DN:${crl.issuer.key}`]);
  for (const e of crl.entries) {
    if (e.certificateIssuer && indirect) {
      let keys = crlIssuerKeysCache.get(e.certificateIssuer);
      if (!keys) {
        const buf = e.certificateIssuer;
        keys = generalNameKeys(buf, readTlv(buf, 0));
        crlIssuerKeysCache.set(buf, keys);
      }
      entryIssuers = keys;
    }
    if (e.serial === serialKey(cert) && entryIssuers.has(`DN:${cert.issuer.key}`)) return e;
  }
  return undefined;
}

/**
 * The revocation status of `cert` (issued by `issuer` on the path under judgement) from the CRLs.
 *
 * @example
 * const s = await crlStatus(leaf, ca, { crls, at, crypto, candidates, signerPathValid });
 * if (s.status === "undetermined") console.log(s.why);
 */
export async function crlStatus(cert: ParsedCertificate, issuer: ParsedCertificate, ctx: StrictCrlContext): Promise<CrlStatus> {
  const at = ctx.at.getTime();
  let mask = 0;
  const why = new Set<string>();
  let points: DistributionPoint[];
  try {
    points = distributionPoints(cert);
  } catch {
    return { status: "undetermined", why: "its cRLDistributionPoints extension cannot be read" };
  }
  for (const dp of points) {
    for (const crl of ctx.crls) {
      if (mask === ALL_REASONS) break;
      if (crl.delta) continue; // A delta CRL only counts on top of a complete one (deltaFor).
      let idp: Idp | undefined;
      try {
        idp = parseIdp(crl);
      } catch {
        continue;
      }
      const scope = outOfScope(cert, dp, crl, idp);
      if (scope) continue;
      const interim = dp.reasons & (idp ? idp.reasons : ALL_REASONS) & ALL_REASONS;
      if ((interim & ~mask) === 0) continue;
      if (crl.thisUpdate.getTime() > at) {
        why.add("its CRL is not yet valid");
        continue;
      }
      if (crl.nextUpdate && crl.nextUpdate.getTime() < at) {
        why.add(`its CRL is out of date (next update was due ${crl.nextUpdate.toISOString()})`);
        continue;
      }
      if (!crl.hasCrlNumber || crl.crlNumberCritical || crl.unknownCriticalExtensions.length) {
        why.add("its CRL has critical extensions this validator does not understand or lacks a non-critical cRLNumber");
        continue;
      }
      const signed = await usableSigner(crl, issuer, ctx);
      if ("why" in signed) {
        why.add(`a CRL naming its CRL issuer is unusable: ${signed.why}`);
        continue;
      }
      // A delta CRL, when one applies, is newer: its entry (removeFromCRL included) wins over the complete CRL's.
      const delta = await deltaFor(crl, signed.signer, ctx);
      const listed = (delta && entryFor(delta, idp?.indirect === true, cert)) ?? entryFor(crl, idp?.indirect === true, cert);
      if (listed?.unknownCritical.length) {
        why.add("its CRL entry has a critical extension this validator does not understand");
        continue;
      }
      if (listed && listed.reason !== REMOVE_FROM_CRL && listed.date.getTime() <= at) return { status: "revoked", date: listed.date, reason: listed.reason };
      mask |= interim;
    }
  }
  if (mask === ALL_REASONS) return { status: "good" };
  if (!why.size) why.add(mask ? "the CRLs supplied cover only some revocation reasons" : "no CRL supplied covers it");
  return { status: "undetermined", why: [...why].join("; ") };
}

const hexCache = new WeakMap<ParsedCertificate, string>();
function serialKey(cert: ParsedCertificate): string {
  let h = hexCache.get(cert);
  if (h === undefined) {
    h = Buffer.from(cert.serial.buffer, cert.serial.byteOffset, cert.serial.byteLength).toString("hex");
    hexCache.set(cert, h);
  }
  return h;
}
