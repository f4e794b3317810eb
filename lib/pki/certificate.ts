/**
 * Certificate parsing: DER/PEM → {@link ParsedCertificate}, a structural view that keeps
 * the raw bytes the validator needs (TBS, SPKI, names, extension values) and decodes the
 * extensions path validation and inspection rely on.
 *
 * Parsing is strict about the outer structure (a certificate we cannot frame is a
 * {@link CertificateParseError}) and lenient inside extensions we only report on: an
 * undecodable CRL distribution point must not make a whole upload unreadable. An
 * undecodable extension the validator depends on is remembered in `malformedExtensions`
 * so validation can refuse it instead of guessing.
 */
import { bytesEqual, children, content, decodeStringStrict, decodeTime, DerError, expectTag, latin1, oidAt, readTlv, type Tlv, toHex, whole } from "./der";
import { LruCache } from "./lru";

export class CertificateParseError extends Error {
  override readonly name = "CertificateParseError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type Ava = { oid: string; /** ASN.1 string tag of the value (0 if not a string). */ tag: number; value: string; raw: Uint8Array };
export type Rdn = Ava[];

export type ParsedName = {
  /** DER of the Name (SEQUENCE included). */
  der: Uint8Array;
  rdns: Rdn[];
  /**
   * Attributes that are not what their type requires, in words ("CN is a UTF8String that is not
   * valid UTF-8"). Such a value is kept as `#hex` of its DER and compared by its bytes.
   */
  problems: string[];
  /** Comparison key per RFC 5280 §7.1 (case-folded, whitespace-collapsed strings). */
  key: string;
};

export type GeneralName =
  | { kind: "DNS"; value: string }
  | { kind: "IP"; value: string; bytes: Uint8Array }
  | { kind: "RFC822"; value: string }
  | { kind: "URI"; value: string }
  | { kind: "DN"; value: string; name: ParsedName }
  | { kind: "OTHER"; value: string; tag: number };

export type Extension = { oid: string; critical: boolean; value: Uint8Array };

export type NameConstraintSubtree =
  | { kind: "DNS"; value: string }
  | { kind: "RFC822"; value: string }
  | { kind: "URI"; value: string }
  | { kind: "IP"; bytes: Uint8Array; mask: Uint8Array; valid: boolean }
  | { kind: "DN"; name: ParsedName }
  | { kind: "OTHER"; tag: number };

export type NameConstraints = { permitted?: NameConstraintSubtree[]; excluded?: NameConstraintSubtree[] };

export type ParsedCertificate = {
  der: Uint8Array;
  tbs: Uint8Array;
  version: number;
  serial: Uint8Array;
  /** Signature algorithm OID of the outer Certificate and its parameters (DER, may be empty). */
  sigAlgOid: string;
  sigAlgParams: Uint8Array;
  /** True when the TBS signature algorithm differs from the outer one (RFC 5280 §4.1.1.2). */
  sigAlgMismatch: boolean;
  signature: Uint8Array;
  issuer: ParsedName;
  subject: ParsedName;
  notBefore: Date;
  notAfter: Date;
  spki: Uint8Array;
  spkiAlgOid: string;
  spkiAlgParams: Uint8Array;
  publicKeyBits: Uint8Array;
  extensions: Extension[];
  extensionMap: Map<string, Extension>;
  duplicateExtensions: string[];
  malformedExtensions: string[];
  basicConstraints?: { ca: boolean; pathLength?: number };
  /** Key usage bit names present. */
  keyUsage?: Set<KeyUsageName>;
  extendedKeyUsage?: string[];
  sans?: GeneralName[];
  subjectKeyId?: Uint8Array;
  authorityKeyId?: Uint8Array;
  /** AKI carries authorityCertIssuer / authorityCertSerialNumber. */
  authorityKeyIdHasIssuerSerial?: boolean;
  nameConstraints?: NameConstraints;
};

export const KEY_USAGE_NAMES = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
] as const;
export type KeyUsageName = (typeof KEY_USAGE_NAMES)[number];

export const OID = {
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  issuerAltName: "2.5.29.18",
  subjectKeyId: "2.5.29.14",
  authorityKeyId: "2.5.29.35",
  nameConstraints: "2.5.29.30",
  certificatePolicies: "2.5.29.32",
  policyMappings: "2.5.29.33",
  policyConstraints: "2.5.29.36",
  inhibitAnyPolicy: "2.5.29.54",
  crlDistributionPoints: "2.5.29.31",
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
  qcStatements: "1.3.6.1.5.5.7.1.3",
  anyExtendedKeyUsage: "2.5.29.37.0",
} as const;

const CERT_LABELS = ["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"];
/**
 * PEM blocks of `text`, in order: `-----BEGIN L-----` … `-----END L-----`.
 *
 * A scanner rather than a back-referencing regex: on crafted text (thousands of BEGIN lines with
 * no END) the regex retries every start against the whole rest of the input, which is quadratic
 * and lets a 1 MiB upload hold a CPU for seconds. Here, once the END of a label is known to be
 * absent after some point, later BEGINs of that label are skipped without searching again.
 */
function* scanPem(text: string): Generator<{ label: string; body: string }> {
  // Per label, the next END marker at or after the scan position (-1: none left). Positions only
  // move forward, so each END is searched for once and the scan stays linear.
  const nextEnd = new Map<string, number>();
  let at = 0;
  for (;;) {
    const begin = text.indexOf("-----BEGIN ", at);
    if (begin < 0) return;
    const labelStart = begin + 11;
    const labelEnd = text.indexOf("-----", labelStart);
    if (labelEnd < 0) return;
    const label = text.slice(labelStart, labelEnd);
    at = labelStart;
    if (!/^[A-Z0-9 ]{1,64}$/.test(label)) continue;
    const endMarker = `-----END ${label}-----`;
    let end = nextEnd.get(label);
    if (end === undefined || (end >= 0 && end < labelEnd)) {
      end = text.indexOf(endMarker, labelEnd + 5);
      nextEnd.set(label, end);
    }
    if (end < 0) continue;
    // A truncated block pasted before a whole one: start again at the next BEGIN inside.
    const inner = text.indexOf("-----BEGIN ", labelEnd);
    if (inner >= 0 && inner < end) {
      at = inner;
      continue;
    }
    yield { label, body: text.slice(labelEnd + 5, end) };
    at = end + endMarker.length;
  }
}

/**
 * Decodes the first PEM block (with one of `labels`, or any) to DER; DER bytes pass through unchanged.
 *
 * @example
 * const der = pemToDer(pemText, ["CERTIFICATE"]); // skips "Bag Attributes" text and key blocks before it
 */
export function pemToDer(input: string | Uint8Array, labels?: readonly string[]): Uint8Array {
  if (typeof input !== "string") {
    // A PEM file given as bytes: decode it as text.
    // Bytes not starting with a DER SEQUENCE may be PEM (possibly with text or a BOM before it).
    if (input.length > 10 && input[0] !== 0x30) return pemToDer(latin1(input), labels);
    return input;
  }
  // The first block with an accepted label: text, keys or other blocks may come before it.
  let block: { label: string; body: string } | undefined;
  for (const b of scanPem(input)) {
    if (!labels || labels.includes(b.label)) {
      block = b;
      break;
    }
  }
  if (!block) throw new CertificateParseError(labels ? `no PEM block labelled ${labels.join(" or ")}` : "not PEM: no -----BEGIN … ----- block");
  const body = block.body.replace(/[\r\n\t ]+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new CertificateParseError("PEM body is not base64");
  return new Uint8Array(Buffer.from(body, "base64"));
}

/**
 * Every PEM block with one of `labels`, as DER, in order.
 *
 * @example
 * const ders = pemBlocks(bundleText, ["CERTIFICATE"]); // a chain file → one DER per certificate
 */
export function pemBlocks(text: string, labels: readonly string[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const b of scanPem(text)) {
    if (labels.includes(b.label)) out.push(new Uint8Array(Buffer.from(b.body.replace(/\s+/g, ""), "base64")));
  }
  return out;
}

/**
 * DER → PEM with 64-column base64 lines.
 *
 * @example
 * toPem(der);                          // "-----BEGIN CERTIFICATE-----\n…"
 * toPem(csrDer, "CERTIFICATE REQUEST");
 */
export function toPem(der: Uint8Array, label = "CERTIFICATE"): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("base64");
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, "$&\n")}-----END ${label}-----\n`;
}

// Parsed certificates are immutable values: cache them by input content so the same upload,
// trust store or limbo case parsed twice costs nothing (Node's 140 roots on every call otherwise).
// Least recently used out: the trust store and recurring CAs stay while one-off leaves pass.
const byString = new LruCache<string, ParsedCertificate>(512);

/**
 * Parses a certificate (PEM string or DER/PEM bytes). Throws {@link CertificateParseError}.
 * The result is cached by content and shared: treat it as immutable.
 *
 * @example
 * const cert = parseCertificate(pemText);
 * cert.subject.rdns; cert.basicConstraints?.ca;
 */
export function parseCertificate(input: string | Uint8Array): ParsedCertificate {
  if (typeof input === "string") {
    const hit = byString.get(input);
    if (hit) return hit;
    const der = pemToDer(input, CERT_LABELS);
    // The same certificate may have arrived as DER bytes already (policy indexes anchors by DER,
    // then hands pki the PEM): one parse, one object, so per-certificate caches hit too.
    const derKey = der.length <= 16384 ? Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("latin1") : undefined;
    const parsed = (derKey === undefined ? undefined : byString.get(derKey)) ?? parseDer(der);
    byString.set(input, parsed);
    if (derKey !== undefined && !byString.has(derKey)) byString.set(derKey, parsed);
    return parsed;
  }
  // Bytes are looked up by content, never by object identity: a caller may refill its buffer.
  // The same CA certificates arrive again and again in fresh buffers, so this hits often.
  const key = input.length <= 16384 ? Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString("latin1") : undefined;
  const hit = key === undefined ? undefined : byString.get(key);
  if (hit) return hit;
  // Copy: a cached parse must not change when the caller's buffer does.
  const parsed = parseDer(pemToDer(input.slice(), CERT_LABELS));
  if (key !== undefined) byString.set(key, parsed);
  return parsed;
}

function parseDer(der: Uint8Array): ParsedCertificate {
  try {
    return parseStructure(der);
  } catch (e) {
    if (e instanceof CertificateParseError) throw e;
    if (e instanceof DerError) throw new CertificateParseError(`malformed certificate: ${e.message}`, { cause: e });
    throw new CertificateParseError("malformed certificate", { cause: e });
  }
}

function parseStructure(der: Uint8Array): ParsedCertificate {
  const outer = expectTag(readTlv(der, 0), 0x30, "Certificate SEQUENCE");
  if (outer.end !== der.length) {
    throw new CertificateParseError(`${der.length - outer.end} byte(s) of trailing data after the certificate (its DER ends at byte ${outer.end} of ${der.length}); send exactly one certificate per DER file`);
  }
  const [tbsTlv, sigAlgTlv, sigTlv, ...rest] = children(der, outer);
  if (rest.length) throw new CertificateParseError("extra fields in Certificate");
  expectTag(tbsTlv, 0x30, "TBSCertificate");
  const sigAlg = parseAlgorithm(der, expectTag(sigAlgTlv, 0x30, "signatureAlgorithm"));
  const sigBits = expectTag(sigTlv, 0x03, "signature BIT STRING");
  const sigContent = content(der, sigBits);
  // A signature BIT STRING with unused bits is malformed but readable; its signature simply will not verify.
  if (sigContent.length < 1) throw new CertificateParseError("empty signature");

  const f = children(der, tbsTlv!);
  let i = 0;
  let version = 1;
  if (f[i]?.tag === 0xa0) {
    const v = expectTag(children(der, f[i]!)[0], 0x02, "version");
    const vb = content(der, v);
    // Versions beyond v3 (pyca invalid_version.pem) are reported as-is rather than refused: inspection
    // must read what OpenSSL reads; validation refuses anything but v3 for CAs.
    if (vb.length !== 1 || vb[0]! & 0x80) throw new CertificateParseError("invalid certificate version");
    version = vb[0]! + 1;
    i++;
  }
  const serialTlv = expectTag(f[i++], 0x02, "serialNumber");
  const tbsSigAlg = parseAlgorithm(der, expectTag(f[i++], 0x30, "TBS signature"));
  const issuer = parseName(der, expectTag(f[i++], 0x30, "issuer"));
  const validity = children(der, expectTag(f[i++], 0x30, "validity"));
  if (validity.length !== 2) throw new CertificateParseError("validity must hold two times");
  const notBefore = timeField(der, validity[0]!, "notBefore");
  const notAfter = timeField(der, validity[1]!, "notAfter");
  const subject = parseName(der, expectTag(f[i++], 0x30, "subject"));
  const spkiTlv = expectTag(f[i++], 0x30, "subjectPublicKeyInfo");
  const [spkiAlgTlv, spkBits] = children(der, spkiTlv);
  const spkiAlg = parseAlgorithm(der, expectTag(spkiAlgTlv, 0x30, "SPKI algorithm"));
  expectTag(spkBits, 0x03, "subjectPublicKey");
  // Optional issuerUniqueID [1] / subjectUniqueID [2]
  while (f[i] && (f[i]!.tag === 0x81 || f[i]!.tag === 0xa1 || f[i]!.tag === 0x82 || f[i]!.tag === 0xa2)) i++;
  const extensions: Extension[] = [];
  if (f[i]?.tag === 0xa3) {
    if (version < 3) throw new CertificateParseError("extensions in a v1/v2 certificate");
    const seq = expectTag(children(der, f[i]!)[0], 0x30, "Extensions");
    for (const e of children(der, seq)) {
      const parts = children(der, expectTag(e, 0x30, "Extension"));
      const oid = oidAt(der, expectTag(parts[0], 0x06, "extnID"));
      let critical = false;
      let j = 1;
      if (parts[j]?.tag === 0x01) {
        critical = content(der, parts[j]!)[0] !== 0;
        j++;
      }
      const value = content(der, expectTag(parts[j], 0x04, "extnValue"));
      extensions.push({ oid, critical, value });
    }
    i++;
  }
  if (i !== f.length) throw new CertificateParseError("unexpected fields in TBSCertificate");

  const cert: ParsedCertificate = {
    der,
    tbs: whole(der, tbsTlv!),
    version,
    serial: content(der, serialTlv),
    sigAlgOid: sigAlg.oid,
    sigAlgParams: sigAlg.params,
    sigAlgMismatch: sigAlg.oid !== tbsSigAlg.oid || !bytesEqual(sigAlg.params, tbsSigAlg.params),
    signature: sigContent.subarray(1),
    issuer,
    subject,
    notBefore,
    notAfter,
    spki: whole(der, spkiTlv),
    spkiAlgOid: spkiAlg.oid,
    spkiAlgParams: spkiAlg.params,
    publicKeyBits: content(der, spkBits!).subarray(1),
    extensions,
    extensionMap: new Map(),
    duplicateExtensions: [],
    malformedExtensions: [],
  };
  for (const e of extensions) {
    if (cert.extensionMap.has(e.oid)) cert.duplicateExtensions.push(e.oid);
    else cert.extensionMap.set(e.oid, e);
  }
  decodeKnownExtensions(cert);
  return cert;
}

/** A validity time, with the field named when it is malformed. */
function timeField(der: Uint8Array, tlv: Tlv, field: "notBefore" | "notAfter"): Date {
  try {
    return decodeTime(der, tlv);
  } catch (e) {
    if (e instanceof DerError) throw new CertificateParseError(`validity ${field}: ${e.message}`, { cause: e });
    throw e;
  }
}

function parseAlgorithm(buf: Uint8Array, tlv: Tlv): { oid: string; params: Uint8Array } {
  const parts = children(buf, tlv);
  const oid = oidAt(buf, expectTag(parts[0], 0x06, "algorithm OID"));
  const params = parts[1] ? whole(buf, parts[1]) : new Uint8Array(0);
  return { oid, params };
}

const STRING_TAGS = new Set([0x0c, 0x13, 0x14, 0x16, 0x1a, 0x1c, 0x1e, 0x12, 0x15]);
const STRING_TAG_NAMES: Record<number, string> = {
  0x0c: "UTF8String",
  0x12: "NumericString",
  0x13: "PrintableString",
  0x14: "TeletexString",
  0x15: "VideotexString",
  0x16: "IA5String",
  0x1a: "VisibleString",
  0x1c: "UniversalString",
  0x1e: "BMPString",
};

/** Parses a Name (RDNSequence) TLV. */
export function parseName(buf: Uint8Array, tlv: Tlv): ParsedName {
  const rdns: Rdn[] = [];
  const problems: string[] = [];
  for (const set of children(buf, tlv)) {
    expectTag(set, 0x31, "RDN SET");
    const rdn: Rdn = [];
    for (const avaTlv of children(buf, set)) {
      const [oidTlv, valTlv] = children(buf, expectTag(avaTlv, 0x30, "AttributeTypeAndValue"));
      const oid = oidAt(buf, expectTag(oidTlv, 0x06, "attribute type"));
      if (!valTlv) throw new DerError("attribute without value");
      const isString = STRING_TAGS.has(valTlv.tag);
      const text = isString ? decodeStringStrict(buf, valTlv) : undefined;
      const raw = whole(buf, valTlv);
      if (isString && text === undefined) problems.push(`${attributeName(oid)} is a ${STRING_TAG_NAMES[valTlv.tag]} that is not validly encoded`);
      else if (!isString && ATTR_SHORT[oid]) problems.push(`${attributeName(oid)} is not a character string (ASN.1 tag 0x${valTlv.tag.toString(16)})`);
      // A value we cannot decode strictly keeps its bytes (RFC 4514 #hex) and is compared by them.
      rdn.push({ oid, tag: text !== undefined ? valTlv.tag : 0, value: text ?? `#${toHex(raw)}`, raw });
    }
    if (rdn.length === 0) throw new DerError("empty RDN");
    rdns.push(rdn);
  }
  return { der: whole(buf, tlv), rdns, problems, key: nameKey(rdns) };
}

/** RFC 5280 §7.1 / RFC 4518-lite: case-insensitive, insignificant whitespace removed. */
function nameKey(rdns: Rdn[]): string {
  return rdns
    .map((rdn) =>
      rdn
        .map((a) => `${a.oid}=${a.tag ? foldValue(a.value) : a.value}`)
        .sort()
        .join("+"),
    )
    .join("/");
}

// ASCII is its own NFKC form: only values with other characters pay for ICU's normalisation.
const NON_ASCII_RE = /[^\p{ASCII}]/u;
const foldValue = (v: string): string => (NON_ASCII_RE.test(v) ? v.normalize("NFKC") : v).toLowerCase().trim().replace(/\s+/g, " ");

const ATTR_SHORT: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "STREET",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "0.9.2342.19200300.100.1.25": "DC",
  "0.9.2342.19200300.100.1.1": "UID",
  "1.2.840.113549.1.9.1": "emailAddress",
  "2.5.4.5": "serialNumber",
  "2.5.4.97": "organizationIdentifier",
  "2.5.4.4": "SN",
  "2.5.4.42": "GN",
  "2.5.4.12": "title",
  "2.5.4.15": "businessCategory",
  "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionC",
};

export function attributeName(oid: string): string {
  return ATTR_SHORT[oid] ?? oid;
}

// eslint-disable-next-line no-control-regex -- control characters are among what RFC 4514 escapes
const RFC4514_SPECIAL = /[\\,+"<>;=\u0000-\u001f]/;

function escape4514(v: string): string {
  // Most values need nothing escaped: no special or control character, no leading space or "#",
  // no trailing space (the steps below would return them unchanged).
  if (v.length > 0 && v[0] !== " " && v[0] !== "#" && v[v.length - 1] !== " " && !RFC4514_SPECIAL.test(v)) return v;
  if (v.startsWith("#") && v.length > 1 && /^#[0-9a-f]+$/.test(v)) return v;
  let s = v.replace(/[\\,+"<>;=]/g, "\\$&");
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point (RFC 4514 §2.4)
  s = s.replace(/[\u0000-\u001f]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  if (s.startsWith(" ") || s.startsWith("#")) s = `\\${s}`;
  if (s.endsWith(" ") && s.length > 1) s = `${s.slice(0, -1)}\\ `;
  return s;
}

/**
 * RFC 4514 string: most specific RDN first.
 *
 * @example
 * nameToString(parseCertificate(pem).subject); // "CN=Acme Client, O=Acme Payments Ltd, C=GB"
 */
// Parsed names are immutable: inspection, findings and labels ask for the same string repeatedly.
const nameStrings = new WeakMap<ParsedName, string>();

export function nameToString(name: ParsedName): string {
  let s = nameStrings.get(name);
  if (s === undefined) {
    s = name.rdns
      .slice()
      .reverse()
      .map((rdn) => rdn.map((a) => `${attributeName(a.oid)}=${escape4514(a.value)}`).join("+"))
      .join(", ");
    nameStrings.set(name, s);
  }
  return s;
}

export function namesEqual(a: ParsedName, b: ParsedName): boolean {
  return a.key === b.key;
}

function ipToString(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join(".");
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
    return groups.join(":").replace(/\b(?:0:){2,}0\b|(^|:)0(:0)+(:|$)/, "::").replace(/:{3,}/, "::");
  }
  return toHex(bytes);
}

/** Decodes one GeneralName TLV. */
export function parseGeneralName(buf: Uint8Array, tlv: Tlv): GeneralName {
  switch (tlv.tag) {
    case 0x81:
      return { kind: "RFC822", value: latin1(content(buf, tlv)) };
    case 0x82:
      return { kind: "DNS", value: latin1(content(buf, tlv)) };
    case 0x86:
      return { kind: "URI", value: latin1(content(buf, tlv)) };
    case 0x87: {
      const bytes = content(buf, tlv);
      return { kind: "IP", value: ipToString(bytes), bytes };
    }
    case 0xa4: {
      const inner = readTlv(buf, tlv.contentStart, tlv.end);
      const name = parseName(buf, expectTag(inner, 0x30, "directoryName"));
      return { kind: "DN", value: nameToString(name), name };
    }
    default:
      return { kind: "OTHER", value: `[${tlv.tag.toString(16)}]`, tag: tlv.tag };
  }
}

function parseGeneralNames(value: Uint8Array): GeneralName[] {
  const seq = expectTag(readTlv(value, 0), 0x30, "GeneralNames");
  if (seq.end !== value.length) throw new DerError("trailing data");
  return children(value, seq).map((t) => parseGeneralName(value, t));
}

function parseSubtrees(buf: Uint8Array, tlv: Tlv): NameConstraintSubtree[] {
  return children(buf, tlv).map((st) => {
    const gn = children(buf, expectTag(st, 0x30, "GeneralSubtree"))[0];
    if (!gn) throw new DerError("empty GeneralSubtree");
    const c = content(buf, gn);
    switch (gn.tag) {
      case 0x81:
        return { kind: "RFC822", value: latin1(c) };
      case 0x82:
        return { kind: "DNS", value: latin1(c) };
      case 0x86:
        return { kind: "URI", value: latin1(c) };
      case 0x87: {
        const half = c.length / 2;
        const bytes = c.subarray(0, half);
        const mask = c.subarray(half);
        // A mask must be contiguous leading ones; anything else is malformed (pyca nc_* vectors).
        let valid = c.length === 8 || c.length === 32;
        let seenZero = false;
        for (const m of mask) {
          for (let b = 7; b >= 0; b--) {
            const bit = (m >> b) & 1;
            if (bit && seenZero) valid = false;
            if (!bit) seenZero = true;
          }
        }
        return { kind: "IP", bytes, mask, valid };
      }
      case 0xa4: {
        const inner = readTlv(buf, gn.contentStart, gn.end);
        return { kind: "DN", name: parseName(buf, expectTag(inner, 0x30, "directoryName")) };
      }
      default:
        return { kind: "OTHER", tag: gn.tag };
    }
  });
}

function decodeKnownExtensions(cert: ParsedCertificate): void {
  const m = cert.extensionMap;
  const attempt = (oid: string, fn: (v: Uint8Array) => void) => {
    const e = m.get(oid);
    if (!e) return;
    try {
      fn(e.value);
    } catch {
      cert.malformedExtensions.push(oid);
    }
  };
  attempt(OID.basicConstraints, (v) => {
    const seq = expectTag(readTlv(v, 0), 0x30, "BasicConstraints");
    let ca = false;
    let pathLength: number | undefined;
    for (const c of children(v, seq)) {
      if (c.tag === 0x01) ca = content(v, c)[0] !== 0;
      else if (c.tag === 0x02) {
        const b = content(v, c);
        if (b.length === 0 || b[0]! & 0x80 || b.length > 4) throw new DerError("bad pathLen");
        pathLength = b.reduce((n, x) => n * 256 + x, 0);
      } else throw new DerError("unexpected field in BasicConstraints");
    }
    cert.basicConstraints = { ca, pathLength };
  });
  attempt(OID.keyUsage, (v) => {
    const bits = expectTag(readTlv(v, 0), 0x03, "KeyUsage BIT STRING");
    const c = content(v, bits);
    if (c.length < 1) throw new DerError("empty KeyUsage");
    const set = new Set<KeyUsageName>();
    for (let i = 0; i < KEY_USAGE_NAMES.length; i++) {
      const byte = c[1 + (i >> 3)];
      if (byte !== undefined && byte & (0x80 >> (i & 7))) set.add(KEY_USAGE_NAMES[i]!);
    }
    cert.keyUsage = set;
  });
  attempt(OID.extKeyUsage, (v) => {
    const seq = expectTag(readTlv(v, 0), 0x30, "ExtKeyUsage");
    cert.extendedKeyUsage = children(v, seq).map((t) => oidAt(v, expectTag(t, 0x06, "KeyPurposeId")));
  });
  attempt(OID.subjectAltName, (v) => {
    cert.sans = parseGeneralNames(v);
  });
  attempt(OID.authorityInfoAccess, (v) => {
    for (const ad of children(v, expectTag(readTlv(v, 0), 0x30, "AuthorityInfoAccess"))) {
      const [m, loc] = children(v, expectTag(ad, 0x30, "AccessDescription"));
      expectTag(m, 0x06, "accessMethod");
      if (!loc) throw new DerError("accessLocation missing");
      parseGeneralName(v, loc);
    }
  });
  attempt(OID.subjectKeyId, (v) => {
    cert.subjectKeyId = content(v, expectTag(readTlv(v, 0), 0x04, "SubjectKeyIdentifier"));
  });
  attempt(OID.authorityKeyId, (v) => {
    const seq = expectTag(readTlv(v, 0), 0x30, "AuthorityKeyIdentifier");
    for (const c of children(v, seq)) {
      if (c.tag === 0x80) cert.authorityKeyId = content(v, c);
      else cert.authorityKeyIdHasIssuerSerial = true;
    }
  });
  attempt(OID.nameConstraints, (v) => {
    const seq = expectTag(readTlv(v, 0), 0x30, "NameConstraints");
    const nc: NameConstraints = {};
    for (const c of children(v, seq)) {
      if (c.tag === 0xa0) nc.permitted = parseSubtrees(v, c);
      else if (c.tag === 0xa1) nc.excluded = parseSubtrees(v, c);
      else throw new DerError("unexpected field in NameConstraints");
    }
    // RFC 5280 §4.2.1.10: at least one of the two MUST be present, and each non-empty.
    if (!nc.permitted?.length && !nc.excluded?.length) throw new DerError("empty NameConstraints");
    cert.nameConstraints = nc;
  });
}

/** True when the certificate's subject and issuer names are equal (RFC 5280 "self-issued"). */
export function isSelfIssued(cert: ParsedCertificate): boolean {
  return namesEqual(cert.subject, cert.issuer);
}
