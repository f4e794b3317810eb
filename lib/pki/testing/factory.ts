/**
 * Test-PKI factory: mints roots, intermediates, leaves, CSRs and CRLs with exactly
 * the defect a test wants. Test-only code: keys live in memory, never on disk.
 *
 * Example:
 * ```ts
 * const { root, intermediates, leaf } = await mintChain({ leafSubject: "CN=Acme Client, O=Acme Payments Ltd" });
 * const expired = await mintCertificate({ subject: "CN=Old", issuer: intermediates[0], notAfter: new Date("2025-01-01") });
 * ```
 */
import "reflect-metadata";
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  Extension,
  KeyUsageFlags,
  KeyUsagesExtension,
  Name,
  Pkcs10CertificateRequestGenerator,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
  X509CrlGenerator,
  X509CrlReason,
} from "@peculiar/x509";
import { type Bytes, children, concat, encodeOid, encodeSequence, encodeTlv, encodeUtf8String, readTlv, whole } from "../der";

export { Extension, KeyUsageFlags, X509Certificate, X509CrlReason };

export type KeySpec =
  | { algorithm: "RSA"; size: 1024 | 2048 | 3072 | 4096 }
  | { algorithm: "EC"; curve: "P-256" | "P-384" | "P-521" }
  | { algorithm: "Ed25519" };

export type SignatureHash = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";

export type TestCert = {
  der: Bytes;
  pem: string;
  cert: X509Certificate;
  keys: CryptoKeyPair;
  subject: string;
};

export type SanSpec = { kind: "DNS" | "IP" | "RFC822" | "URI"; value: string };

export const EKU = {
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  codeSigning: "1.3.6.1.5.5.7.3.3",
  emailProtection: "1.3.6.1.5.5.7.3.4",
  anyExtendedKeyUsage: "2.5.29.37.0",
} as const;

/** The fixed default "now" of every minted object: tests never depend on the wall clock. */
export const DEFAULT_AT = new Date("2026-01-01T00:00:00Z");
const DAY = 86_400_000;

const crypto = globalThis.crypto;
const keyCache = new Map<string, Promise<CryptoKeyPair>>();

/**
 * Generates (or reuses) a key pair for `spec` + `label`. Same label → same keys, so a
 * re-issued CA certificate keeps its key like a real CA; pass a new label for a new key.
 */
export function testKeys(spec: KeySpec = { algorithm: "RSA", size: 2048 }, label = "default"): Promise<CryptoKeyPair> {
  const id = `${JSON.stringify(spec)}|${label}`;
  let p = keyCache.get(id);
  if (!p) {
    p = generate(spec);
    keyCache.set(id, p);
  }
  return p;
}

async function generate(spec: KeySpec): Promise<CryptoKeyPair> {
  switch (spec.algorithm) {
    case "RSA":
      return (await crypto.subtle.generateKey(
        { name: "RSASSA-PKCS1-v1_5", modulusLength: spec.size, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
        true,
        ["sign", "verify"],
      )) as CryptoKeyPair;
    case "EC":
      return (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: spec.curve }, true, ["sign", "verify"])) as CryptoKeyPair;
    case "Ed25519":
      return (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
  }
}

async function resolveKeys(keys: CryptoKeyPair | KeySpec | undefined, label: string): Promise<CryptoKeyPair> {
  if (keys && "privateKey" in keys) return keys;
  return testKeys(keys ?? { algorithm: "RSA", size: 2048 }, label);
}

/** WebCrypto binds the RSA hash to the key, so a SHA-1 (or SHA-512) signature needs the key re-imported. */
async function signingKeyFor(key: CryptoKey, hash: SignatureHash): Promise<{ key: CryptoKey; algorithm: Algorithm & { hash?: string } }> {
  const alg = key.algorithm as { name: string; hash?: { name: string } };
  if (alg.name === "RSASSA-PKCS1-v1_5") {
    if (alg.hash?.name === hash) return { key, algorithm: { name: alg.name } };
    const pkcs8 = await crypto.subtle.exportKey("pkcs8", key);
    const reimported = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "RSASSA-PKCS1-v1_5", hash }, true, ["sign"]);
    return { key: reimported, algorithm: { name: alg.name } };
  }
  if (alg.name === "ECDSA") return { key, algorithm: { name: "ECDSA", hash } };
  return { key, algorithm: { name: alg.name } };
}

function defaultHashFor(key: CryptoKey): SignatureHash {
  const alg = key.algorithm as { name: string; namedCurve?: string };
  if (alg.name === "ECDSA" && alg.namedCurve === "P-384") return "SHA-384";
  if (alg.name === "ECDSA" && alg.namedCurve === "P-521") return "SHA-512";
  return "SHA-256";
}

/** Flips one bit near the end of the DER: the last octets are always signature bits. */
function corrupt(der: Bytes): Bytes {
  const out = der.slice();
  out[out.length - 2] = out[out.length - 2]! ^ 0x01;
  return out;
}

export function toPemString(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString("base64");
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, "$&\n")}-----END ${label}-----\n`;
}

function sanExtension(sans: readonly SanSpec[], critical = false): Extension {
  return new SubjectAlternativeNameExtension(
    sans.map((s) => ({ type: ({ DNS: "dns", IP: "ip", RFC822: "email", URI: "url" } as const)[s.kind], value: s.value })),
    critical,
  );
}

export type MintCertificateOptions = {
  /** RFC 4514-style subject, e.g. `CN=Acme Client, O=Acme Payments Ltd`. */
  subject: string;
  /** Omitted → self-signed with its own keys. */
  issuer?: TestCert;
  keys?: CryptoKeyPair | KeySpec;
  /** Key cache label when `keys` is a spec; defaults to the subject. */
  keyLabel?: string;
  /** Reference time for default validity; defaults to {@link DEFAULT_AT}. */
  at?: Date;
  notBefore?: Date;
  notAfter?: Date;
  /** basicConstraints cA=true (critical), optionally with pathLenConstraint. Omitted/false → cA=false. */
  ca?: boolean | { pathLength?: number };
  /** Leave out basicConstraints entirely. */
  omitBasicConstraints?: boolean;
  keyUsage?: KeyUsageFlags | number | false;
  extendedKeyUsage?: string[] | false;
  sans?: SanSpec[];
  /** Mark subjectAltName critical. */
  sansCritical?: boolean;
  /**
   * Put this SubjectPublicKeyInfo (DER) in the certificate instead of `keys`' public key, e.g. an EC
   * key with explicit curve parameters. `keys` still sign (self-signed) and no SKI is added.
   */
  publicKeySpki?: Uint8Array;
  signatureHash?: SignatureHash;
  serialNumber?: string;
  /** Raw extra extensions: QCStatements, name constraints, policies, unknown critical ones… */
  extensions?: Extension[];
  /** Leave out SKI/AKI. */
  omitKeyIdentifiers?: boolean;
  corruptSignature?: boolean;
};

/**
 * RFC 4514 strings list the most specific RDN first, while certificates encode it last
 * (C, O, CN). Reverse, so `CN=Acme Client, O=Acme` mints a certificate shaped like a real
 * one and our inspector's RFC 4514 subject round-trips to the string the test gave.
 */
export function encodeName(rfc4514: string): Name {
  return new Name(new Name(rfc4514).toJSON().reverse());
}

let serialCounter = 0x1000;

/** Mints one certificate. See the module example. */
export async function mintCertificate(opts: MintCertificateOptions): Promise<TestCert> {
  const keys = await resolveKeys(opts.keys, opts.keyLabel ?? opts.subject);
  const at = opts.at ?? DEFAULT_AT;
  const isCa = opts.ca !== undefined && opts.ca !== false;
  const notBefore = opts.notBefore ?? new Date(at.getTime() - (isCa ? 365 : 30) * DAY);
  const notAfter = opts.notAfter ?? new Date(notBefore.getTime() + (isCa ? 3650 : 365) * DAY);
  const signer = opts.issuer?.keys ?? keys;
  const hash = opts.signatureHash ?? defaultHashFor(signer.privateKey);
  const { key: signingKey, algorithm } = await signingKeyFor(signer.privateKey, hash);

  const extensions: Extension[] = [];
  if (!opts.omitBasicConstraints) {
    const pathLength = typeof opts.ca === "object" ? opts.ca.pathLength : undefined;
    extensions.push(new BasicConstraintsExtension(isCa, pathLength, true));
  }
  const rsa = (keys.publicKey.algorithm as { name: string }).name.startsWith("RSA");
  const ku =
    opts.keyUsage === undefined
      ? isCa
        ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature
        : KeyUsageFlags.digitalSignature | (rsa ? KeyUsageFlags.keyEncipherment : 0)
      : opts.keyUsage;
  if (ku !== false) extensions.push(new KeyUsagesExtension(ku, true));
  const eku = opts.extendedKeyUsage === undefined ? (isCa ? false : [EKU.clientAuth]) : opts.extendedKeyUsage;
  if (eku !== false) extensions.push(new ExtendedKeyUsageExtension(eku, false));
  if (opts.sans?.length) extensions.push(sanExtension(opts.sans, opts.sansCritical));
  if (!opts.omitKeyIdentifiers) {
    if (!opts.publicKeySpki) extensions.push(await SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto));
    if (opts.issuer) extensions.push(await AuthorityKeyIdentifierExtension.create(opts.issuer.keys.publicKey, false, crypto));
  }
  extensions.push(...(opts.extensions ?? []));

  const serialNumber = opts.serialNumber ?? (serialCounter++).toString(16).padStart(8, "0") + "01";
  const cert = await X509CertificateGenerator.create(
    {
      serialNumber,
      subject: encodeName(opts.subject),
      issuer: opts.issuer ? opts.issuer.cert.subjectName : encodeName(opts.subject),
      notBefore,
      notAfter,
      publicKey: opts.publicKeySpki ? new Uint8Array(opts.publicKeySpki) : keys.publicKey,
      signingKey,
      signingAlgorithm: algorithm,
      extensions,
    },
    crypto,
  );
  let der = new Uint8Array(cert.rawData);
  let parsed = cert;
  if (opts.corruptSignature) {
    der = corrupt(der);
    parsed = new X509Certificate(der);
  }
  return { der, pem: toPemString(der, "CERTIFICATE"), cert: parsed, keys, subject: opts.subject };
}

/**
 * Edits a minted certificate's TBSCertificate bytes and signs it again with `signer` (its issuer's
 * keys; RSA PKCS#1 or Ed25519 with SHA-256 for RSA), for defects the generator cannot express:
 * invalid UTF-8 or non-string name values, malformed UTCTime digits. Keep edits length-preserving
 * so the DER framing stays intact. `cert` of the result is the pre-edit view (the edited bytes may
 * not be readable by @peculiar/x509); use it only as an issuer for further minting.
 *
 * @example
 * const bad = await resignEdited(leaf, ica.keys, (tbs) => replaceBytes(tbs, "Acme", "Ac\xffe"));
 */
export async function resignEdited(original: TestCert, signer: CryptoKeyPair, edit: (tbs: Bytes) => Bytes): Promise<TestCert> {
  const der = original.der;
  const outer = readTlv(der, 0);
  const [tbsTlv, algTlv] = children(der, outer);
  const tbs = edit(whole(der, tbsTlv!).slice());
  const alg = (signer.privateKey.algorithm as { name: string }).name;
  if (alg !== "RSASSA-PKCS1-v1_5" && alg !== "Ed25519") throw new Error(`resignEdited: ${alg} signatures are not supported`);
  const { key, algorithm } = await signingKeyFor(signer.privateKey, "SHA-256");
  const sig = new Uint8Array(await crypto.subtle.sign(algorithm, key, tbs));
  const out = encodeSequence([tbs, whole(der, algTlv!), encodeTlv(0x03, concat([new Uint8Array([0]), sig]))]);
  return { ...original, der: out, pem: toPemString(out, "CERTIFICATE") };
}

/** Replaces every occurrence of `from` by `to` (same length; strings are taken as Latin-1 bytes). */
export function replaceBytes(bytes: Bytes, from: string | Uint8Array, to: string | Uint8Array): Bytes {
  const f = typeof from === "string" ? Buffer.from(from, "latin1") : from;
  const t = typeof to === "string" ? Buffer.from(to, "latin1") : to;
  if (f.length !== t.length) throw new Error("replaceBytes: replacement must keep the length");
  const out = bytes.slice();
  let found = 0;
  for (let i = 0; i + f.length <= out.length; i++) {
    if (f.every((b, k) => out[i + k] === b)) {
      out.set(t, i);
      found++;
      i += f.length - 1;
    }
  }
  if (!found) throw new Error("replaceBytes: pattern not found");
  return out;
}

export type MintCsrOptions = {
  subject: string;
  keys?: CryptoKeyPair | KeySpec;
  keyLabel?: string;
  signatureHash?: SignatureHash;
  corruptSignature?: boolean;
  extensions?: Extension[];
  sans?: SanSpec[];
};

/** Mints a PKCS#10 CSR. */
export async function mintCsr(opts: MintCsrOptions): Promise<{ der: Bytes; pem: string; keys: CryptoKeyPair }> {
  const keys = await resolveKeys(opts.keys, opts.keyLabel ?? `csr:${opts.subject}`);
  const hash = opts.signatureHash ?? defaultHashFor(keys.privateKey);
  const { key, algorithm } = await signingKeyFor(keys.privateKey, hash);
  const extensions = [...(opts.extensions ?? [])];
  if (opts.sans?.length) extensions.push(sanExtension(opts.sans));
  const csr = await Pkcs10CertificateRequestGenerator.create(
    { name: encodeName(opts.subject), keys: { publicKey: keys.publicKey, privateKey: key }, signingAlgorithm: algorithm, extensions },
    crypto,
  );
  let der = new Uint8Array(csr.rawData);
  if (opts.corruptSignature) der = corrupt(der);
  return { der, pem: toPemString(der, "CERTIFICATE REQUEST"), keys };
}

export type MintChainOptions = {
  /** Number of intermediates (default 1). */
  depth?: number;
  leafSubject?: string;
  at?: Date;
  keys?: KeySpec;
  /** Label prefix so two chains from the same test get distinct keys. */
  label?: string;
  leafSans?: SanSpec[];
  leafExtensions?: Extension[];
};

/** A conforming client-auth chain: root → `depth` intermediates → leaf (EKU clientAuth). */
export async function mintChain(opts: MintChainOptions = {}): Promise<{ root: TestCert; intermediates: TestCert[]; leaf: TestCert }> {
  const label = opts.label ?? "chain";
  const at = opts.at ?? DEFAULT_AT;
  const depth = opts.depth ?? 1;
  const root = await mintCertificate({
    subject: `CN=${label} Test Root CA, O=Certdesk Test`,
    ca: true,
    at,
    keys: opts.keys,
    keyLabel: `${label}:root`,
  });
  const intermediates: TestCert[] = [];
  let issuer = root;
  for (let i = 0; i < depth; i++) {
    const ica = await mintCertificate({
      subject: `CN=${label} Test Issuing CA ${i + 1}, O=Certdesk Test`,
      issuer,
      ca: true,
      at,
      keys: opts.keys,
      keyLabel: `${label}:ica${i + 1}`,
    });
    intermediates.unshift(ica);
    issuer = ica;
  }
  const leaf = await mintCertificate({
    subject: opts.leafSubject ?? "CN=Acme Client, O=Acme Payments Ltd, C=GB",
    issuer,
    at,
    keys: opts.keys,
    keyLabel: `${label}:leaf`,
    sans: opts.leafSans,
    extensions: opts.leafExtensions,
  });
  // Intermediates are returned leaf-side first, the order a partner should upload them.
  return { root, intermediates, leaf };
}

export type MintCrlOptions = {
  issuer: TestCert;
  revoked?: { serialNumber: string; date?: Date; reason?: X509CrlReason }[];
  thisUpdate?: Date;
  nextUpdate?: Date;
  extensions?: Extension[];
  signatureHash?: SignatureHash;
  corruptSignature?: boolean;
  /** cRLNumber (RFC 5280 §5.2.3 MUST); false leaves it out. Default 1. */
  crlNumber?: number | false;
};

/** Mints a CRL signed by `issuer`. */
export async function mintCrl(opts: MintCrlOptions): Promise<{ der: Bytes; pem: string }> {
  const thisUpdate = opts.thisUpdate ?? new Date(DEFAULT_AT.getTime() - DAY);
  const { key, algorithm } = await signingKeyFor(opts.issuer.keys.privateKey, opts.signatureHash ?? defaultHashFor(opts.issuer.keys.privateKey));
  const crl = await X509CrlGenerator.create(
    {
      issuer: opts.issuer.cert.subjectName,
      thisUpdate,
      nextUpdate: opts.nextUpdate ?? new Date(thisUpdate.getTime() + 30 * DAY),
      signingAlgorithm: algorithm,
      signingKey: key,
      extensions: [...(opts.crlNumber === false ? [] : [new Extension("2.5.29.20", false, encodeTlv(0x02, Uint8Array.of(opts.crlNumber ?? 1)))]), ...(opts.extensions ?? [])],
      entries: (opts.revoked ?? []).map((r) => ({ serialNumber: r.serialNumber, revocationDate: r.date ?? thisUpdate, reason: r.reason })),
    },
    crypto,
  );
  let der = new Uint8Array(crl.rawData);
  if (opts.corruptSignature) der = corrupt(der);
  return { der, pem: toPemString(der, "X509 CRL") };
}

// ---- Raw extension builders ----

export const PSD2_ROLE_OIDS = {
  PSP_AS: "0.4.0.19495.1.1",
  PSP_PI: "0.4.0.19495.1.2",
  PSP_AI: "0.4.0.19495.1.3",
  PSP_IC: "0.4.0.19495.1.4",
} as const;

/**
 * ETSI TS 119 495 PSD2 QCStatement (with QcCompliance and QcType web) as a
 * qcStatements extension (1.3.6.1.5.5.7.1.3).
 */
export function qcStatementsExtension(opts: {
  roles: (keyof typeof PSD2_ROLE_OIDS)[];
  ncaName: string;
  ncaId: string;
  qcCompliance?: boolean;
}): Extension {
  const statements: Bytes[] = [];
  if (opts.qcCompliance !== false) statements.push(encodeSequence([encodeOid("0.4.0.1862.1.1")]));
  // QcType: id-etsi-qct-web
  statements.push(encodeSequence([encodeOid("0.4.0.1862.1.6"), encodeSequence([encodeOid("0.4.0.1862.1.6.3")])]));
  const roles = encodeSequence(opts.roles.map((r) => encodeSequence([encodeOid(PSD2_ROLE_OIDS[r]), encodeUtf8String(r)])));
  statements.push(encodeSequence([encodeOid("0.4.0.19495.2"), encodeSequence([roles, encodeUtf8String(opts.ncaName), encodeUtf8String(opts.ncaId)])]));
  return new Extension("1.3.6.1.5.5.7.1.3", false, encodeSequence(statements));
}

export type NameConstraintSubtree =
  | { kind: "DNS"; value: string }
  | { kind: "RFC822"; value: string }
  | { kind: "URI"; value: string }
  /** CIDR, e.g. `10.0.0.0/8` or `2001:db8::/32`. */
  | { kind: "IP"; value: string }
  /** A DN in RFC 4514 form, e.g. `O=Acme, C=GB`. */
  | { kind: "DN"; value: string };

function ipBytes(ip: string): number[] {
  if (ip.includes(":")) {
    const [head, tail] = ip.split("::") as [string, string | undefined];
    const h = head ? head.split(":") : [];
    const t = tail ? tail.split(":") : [];
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
    return groups.flatMap((g) => {
      const v = parseInt(g, 16);
      return [v >> 8, v & 0xff];
    });
  }
  return ip.split(".").map(Number);
}

function generalSubtree(s: NameConstraintSubtree): Bytes {
  const enc = new TextEncoder();
  let name: Bytes;
  switch (s.kind) {
    case "RFC822":
      name = encodeTlv(0x81, enc.encode(s.value));
      break;
    case "DNS":
      name = encodeTlv(0x82, enc.encode(s.value));
      break;
    case "URI":
      name = encodeTlv(0x86, enc.encode(s.value));
      break;
    case "IP": {
      const [addr, bitsStr] = s.value.split("/") as [string, string];
      const a = ipBytes(addr);
      const bits = Number(bitsStr);
      const mask = a.map((_, i) => {
        const b = Math.max(0, Math.min(8, bits - i * 8));
        return (0xff << (8 - b)) & 0xff;
      });
      name = encodeTlv(0x87, Uint8Array.from([...a, ...mask]));
      break;
    }
    case "DN": {
      name = encodeTlv(0xa4, new Uint8Array(encodeName(s.value).toArrayBuffer()));
      break;
    }
  }
  return encodeSequence([name]);
}


/** nameConstraints (2.5.29.30), critical by default as RFC 5280 requires. */
export function nameConstraintsExtension(opts: { permitted?: NameConstraintSubtree[]; excluded?: NameConstraintSubtree[]; critical?: boolean }): Extension {
  const parts: Bytes[] = [];
  if (opts.permitted?.length) parts.push(encodeTlv(0xa0, concat(opts.permitted.map(generalSubtree))));
  if (opts.excluded?.length) parts.push(encodeTlv(0xa1, concat(opts.excluded.map(generalSubtree))));
  return new Extension("2.5.29.30", opts.critical ?? true, encodeSequence(parts));
}

/** An extension nobody understands, marked critical: validators must refuse the certificate. */
export function unknownCriticalExtension(oid = "1.3.6.1.4.1.55555.1.1"): Extension {
  return new Extension(oid, true, encodeTlv(0x05, new Uint8Array(0)));
}
