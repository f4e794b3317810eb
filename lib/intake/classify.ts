import type { Finding } from "../pki/findings";
import { partialKeyShape, readTop, shapeOf, type DerShape } from "./der-shape";
import { FIX, describe, finding, plainBytes, type Location } from "./messages";
import { findKeyMaterial, findKeyMaterialInText } from "./key-scan";
import { decodeBase64, normalisePemText, scanPem, splitLines } from "./pem";
import type { ItemFormat } from "./types";

/** One certificate or CSR found in one file or archive entry. */
export type FoundItem = {
  kind: "certificate" | "csr";
  /** A fresh copy: never a view on a buffer that might also hold key material. */
  der: Uint8Array;
  format: ItemFormat;
  /** 0-based index of the item within its file or entry. */
  index: number;
};

export type Classification = {
  items: FoundItem[];
  findings: Finding[];
  /** A private key was found (and dropped). */
  privateKey: boolean;
  /**
   * Nothing certificate-like at all (empty, plain text, an image…). Inside an
   * archive such entries (a README) are skipped; as an uploaded file they are an error.
   */
  nothingRecognised: boolean;
};

export type ClassifyOptions = {
  /** Inside an archive, plain text and unrelated files are skipped silently. */
  inArchive?: boolean;
};

/** Leading bytes of files worth naming when someone uploads the wrong thing. */
const MAGIC: { bytes: number[]; offset?: number; what: string; fix?: string }[] = [
  { bytes: [0x25, 0x50, 0x44, 0x46], what: "a PDF document" },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: "an older Microsoft Office document (.doc/.xls) or Outlook message" },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: "a PNG image (a picture of a certificate is not a certificate)" },
  { bytes: [0xff, 0xd8, 0xff], what: "a JPEG image (a picture of a certificate is not a certificate)" },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: "a GIF image" },
  { bytes: [0x1f, 0x8b], what: "a gzip archive (only .zip archives are accepted)" },
  { bytes: [0x42, 0x5a, 0x68], what: "a bzip2 archive (only .zip archives are accepted)" },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: "a 7-Zip archive (only .zip archives are accepted)" },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], what: "a RAR archive (only .zip archives are accepted)" },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: "an xz archive (only .zip archives are accepted)" },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: "a zstd archive (only .zip archives are accepted)" },
  { bytes: [0x75, 0x73, 0x74, 0x61, 0x72], offset: 257, what: "a tar archive (only .zip archives are accepted)" },
  { bytes: [0x4d, 0x5a], what: "a Windows program" },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: "a Linux program" },
  { bytes: [0x7b, 0x5c, 0x72, 0x74, 0x66], what: "an RTF document (certificates pasted into a document cannot be read)" },
];

function startsWith(bytes: Uint8Array, magic: number[], offset = 0): boolean {
  if (bytes.length < offset + magic.length) return false;
  return magic.every((b, i) => bytes[offset + i] === b);
}

/** True for the local-file-header and empty-archive signatures of a zip. */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06]);
}

/**
 * What kind of archive the bytes are, by magic, for nested-archive detection.
 * Only signatures long or binary enough not to fire on an ordinary text file
 * (a README must never be refused as a "nested archive").
 */
export function archiveKind(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06]) || startsWith(bytes, [0x50, 0x4b, 0x07, 0x08])) return "zip";
  if (startsWith(bytes, [0x1f, 0x8b, 0x08])) return "gzip";
  if (startsWith(bytes, [0x42, 0x5a, 0x68]) && bytes[3]! >= 0x31 && bytes[3]! <= 0x39 && startsWith(bytes, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59], 4)) return "bzip2";
  if (startsWith(bytes, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return "7z";
  if (startsWith(bytes, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07])) return "rar";
  if (startsWith(bytes, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return "xz";
  if (startsWith(bytes, [0x28, 0xb5, 0x2f, 0xfd])) return "zstd";
  if (startsWith(bytes, [0x75, 0x73, 0x74, 0x61, 0x72], 257) && (bytes[262] === 0 || bytes[262] === 0x20)) return "tar";
  if (startsWith(bytes, [0x4d, 0x53, 0x43, 0x46, 0, 0, 0, 0])) return "cab";
  if (startsWith(bytes, [0x2a, 0x2a, 0x41, 0x43, 0x45, 0x2a, 0x2a], 7)) return "ace";
  if (startsWith(bytes, [0x21, 0x3c, 0x61, 0x72, 0x63, 0x68, 0x3e, 0x0a])) return "ar/deb";
  if (startsWith(bytes, [0xed, 0xab, 0xee, 0xdb])) return "rpm";
  if (startsWith(bytes, [0x60, 0xea]) && !looksLikeText(bytes)) return "arj";
  if (startsWith(bytes, [0x2d, 0x6c, 0x68], 2) && bytes[6] === 0x2d && !looksLikeText(bytes)) return "lzh";
  if (startsWith(bytes, [0x43, 0x44, 0x30, 0x30, 0x31], 0x8001)) return "iso";
  return undefined;
}

function decodeText(bytes: Uint8Array): string {
  // Windows tools (PowerShell's `>` redirection, Notepad) write UTF-16 with a byte-order mark.
  if (startsWith(bytes, [0xff, 0xfe])) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (startsWith(bytes, [0xfe, 0xff])) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  const text = UTF8.decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
const UTF8 = new TextDecoder("utf-8", { fatal: false });

function looksLikeText(bytes: Uint8Array): boolean {
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) return true;
  const n = Math.min(bytes.length, 4096);
  let printable = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) return false;
    if (b === 9 || b === 10 || b === 13 || (b >= 0x20 && b < 0x7f) || b >= 0x80) printable++;
  }
  return printable >= n * 0.95;
}

/** A Java KeyStore (JKS/JCEKS): walk its entries to see whether any holds a private key. */
function javaKeystore(bytes: Uint8Array): "keys" | "certificates-only" | "unreadable" | undefined {
  const jks = startsWith(bytes, [0xfe, 0xed, 0xfe, 0xed]);
  const jceks = startsWith(bytes, [0xce, 0xce, 0xce, 0xce]);
  if (!jks && !jceks) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    let p = 8;
    const count = view.getUint32(p);
    p += 4;
    const utf = () => {
      p += 2 + view.getUint16(p);
    };
    const certificate = () => {
      utf(); // certificate type
      p += 4 + view.getUint32(p);
    };
    for (let i = 0; i < count && i < 10_000; i++) {
      const tag = view.getUint32(p);
      p += 4;
      utf(); // alias
      p += 8; // timestamp
      if (tag === 1 || tag === 3) return "keys"; // private key entry / JCEKS secret key
      if (tag !== 2) return "unreadable";
      certificate();
      if (p > bytes.length) return "unreadable";
    }
    return "certificates-only";
  } catch {
    return "unreadable";
  }
}

/** Collects items and findings for one file or entry. */
/** Per file or entry: enough to fix the file, not a flood (1 MiB of empty PEM blocks is 35,000 of them). */
const MAX_FINDINGS_PER_FILE = 25;

class Collector {
  readonly items: FoundItem[] = [];
  private readonly list: Finding[] = [];
  private suppressed = 0;
  privateKey = false;
  recognised = false;

  constructor(
    private readonly where: Location,
    private readonly options: ClassifyOptions,
  ) {}

  get at(): string {
    return describe(this.where);
  }

  private push(f: Finding): void {
    if (this.list.length < MAX_FINDINGS_PER_FILE) this.list.push(f);
    else this.suppressed++;
  }

  get findings(): Finding[] {
    if (this.suppressed === 0) return this.list;
    const worst = this.list.some((f) => f.severity === "error") ? "error" : "warning";
    return [...this.list, finding("FORMAT_UNRECOGNIZED", worst, `${cap(this.at)} has ${this.suppressed} more problems like these (not listed).`, FIX.sendCertificates)];
  }

  item(kind: FoundItem["kind"], source: Uint8Array, start: number, end: number, format: ItemFormat): void {
    this.recognised = true;
    this.items.push({ kind, der: source.slice(start, end), format, index: this.items.length });
  }

  key(what: string): void {
    this.recognised = true;
    const first = !this.privateKey;
    this.privateKey = true;
    // The first key is always reported, however many other problems came before it.
    (first ? (f: Finding) => this.list.push(f) : (f: Finding) => this.push(f))(
      finding(
        "PRIVATE_KEY_PRESENT",
        "error",
        `A private key was found in ${this.at} (${what}). Nothing from this upload has been stored, but treat the key as exposed: ` +
          "it has left your control. Generate a new key pair and a new certificate, and send only certificates.",
        FIX.privateKey,
      ),
    );
  }

  problem(code: "FORMAT_UNRECOGNIZED" | "FORMAT_PEM_MALFORMED" | "CERTIFICATE_MALFORMED", message: string, fix: string, severity: "error" | "warning" = "error"): void {
    this.recognised = true;
    this.push(finding(code, severity, message, fix));
  }

  /**
   * Something we can name but not use. Certdesk stores only what it understood, so this is an
   * error that refuses the whole upload (intake sets `refused`), inside an archive too: a
   * "notes.txt" beside the chain may hold what no parser here recognises.
   */
  unusable(what: string, fix: string = FIX.sendCertificates): void {
    const where = this.options.inArchive ? `${this.at} is ${what}, not a certificate, CSR or PKCS#7 file` : `${this.at} is ${what}, not a certificate, CSR, PKCS#7 file or zip archive`;
    this.push(finding("FORMAT_UNRECOGNIZED", "error", `${where}. Certdesk keeps only files it can read, so nothing from this upload was stored.`, fix === FIX.sendCertificates ? FIX.onlyCertificates : fix));
  }

  /** Handles one DER value by its structure; `where` names a PEM block when there is one. */
  der(buf: Uint8Array, shape: DerShape, start: number, end: number, viaPem: { label: string; line: number } | undefined): void {
    const format: ItemFormat = viaPem ? "pem" : "der";
    const block = viaPem ? `the ${viaPem.label} block on line ${viaPem.line} of ${this.at}` : this.at;
    switch (shape.kind) {
      case "certificate":
        this.item("certificate", buf, start, end, format);
        return;
      case "csr":
        this.item("csr", buf, start, end, format);
        return;
      case "pkcs7":
        for (const c of shape.certificates) this.item("certificate", buf, c.start, c.end, viaPem ? "pkcs7-pem" : "pkcs7-der");
        for (const m of shape.malformed) {
          this.problem("CERTIFICATE_MALFORMED", `Certificate ${m.index + 1} inside the PKCS#7 data of ${block} cannot be read (${m.detail}).`, "Export the PKCS#7 bundle again from the source, or upload the certificates as PEM.");
        }
        if (shape.certificates.length === 0 && shape.malformed.length === 0) {
          this.problem("FORMAT_UNRECOGNIZED", `The PKCS#7 data of ${block} holds no certificates.`, "Export the bundle again including the certificates (e.g. `openssl crl2pkcs7 -nocrl -certfile chain.pem -out chain.p7b`), or upload the PEM certificates.");
        }
        return;
      case "private-key":
        this.key(viaPem ? `${shape.what}, in a block labelled ${viaPem.label} on line ${viaPem.line}` : shape.what);
        return;
      case "public-key":
        this.problem("FORMAT_UNRECOGNIZED", `${cap(block)} is ${shape.what}, not a certificate.`, "Send the certificate issued for this key, or a CSR made with it (`openssl req -new -key client.key -out client.csr`).", viaPem ? "warning" : "error");
        return;
      case "crl":
        this.problem("FORMAT_UNRECOGNIZED", `${cap(block)} is a certificate revocation list, not a certificate; it was ignored.`, FIX.sendCertificates, "warning");
        return;
      case "signed-malformed":
        this.problem("CERTIFICATE_MALFORMED", `${cap(block)} looks like a certificate or CSR but cannot be read (${shape.detail}).`, "Export the certificate again from its source (`openssl x509 -in cert.crt -out cert.pem`); it may have been cut short or edited.");
        return;
      case "unknown":
        if (viaPem && /CERTIFICATE|PKCS7|CMS/.test(viaPem.label)) {
          this.problem("CERTIFICATE_MALFORMED", `${cap(block)} does not hold a readable ${viaPem.label.toLowerCase()}: it is ${shape.what}.`, FIX.pemArmour);
        } else if (viaPem) {
          this.problem("FORMAT_UNRECOGNIZED", `${cap(block)} is ${shape.what}; Certdesk keeps only what it can read, so nothing from this upload was stored.`, FIX.onlyCertificates);
        } else {
          this.unusable(shape.what);
        }
        return;
      default: {
        const never: never = shape;
        throw new Error(`unhandled DER shape ${String(never)}`);
      }
    }
  }
}

/**
 * Whether a document part (Office XML, plain text) holds PEM private-key armour.
 * Markup is stripped first because Word splits text into runs (`<w:t>-----BEGIN</w:t>`).
 */
export function documentHoldsKey(bytes: Uint8Array): boolean {
  if (findKeyMaterial(bytes)) return true;
  // `[^<>]` not `[^>]`: a run of "<" without ">" would otherwise make the strip quadratic.
  return findKeyMaterialInText(latin1(bytes).replace(/<[^<>]*>/g, "")) !== undefined;
}

// Bounded repetitions only: this runs over whole files, and `-{3,}…-{3,}` would backtrack quadratically on a run of dashes.
const EMBEDDED_KEY_RE = /---\s?BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY|PuTTY-User-Key-File-\d/;

/** One character per byte (WHATWG "latin1" is windows-1252: ASCII, which is all the patterns need, maps 1:1). */
const LATIN1 = new TextDecoder("latin1");
function latin1(bytes: Uint8Array): string {
  return LATIN1.decode(bytes);
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Classifies the bytes of one uploaded file or archive entry by content, not by name.
 * Zip archives are not opened here (see `readArchive`); this function never throws.
 *
 * @example
 * const c = classifyBytes(pemBytes, { file: "chain.pem" });
 * c.items.map((i) => i.kind); // ["certificate", "certificate"]
 */
export function classifyBytes(bytes: Uint8Array, where: Location, options: ClassifyOptions = {}): Classification {
  const out = new Collector(where, options);
  try {
    bytes = plainBytes(bytes);
    classifyInto(out, bytes);
    // Key material in any encoding anywhere in the bytes (hex in a notes file, base64url, base64 not
    // starting "MI", the second half of a PEM body, a JWK, PuTTY, PVK, a base64 PEM in YAML…) that no
    // parser above recognised as a key: found by decoding every run and checking its structure.
    if (!out.privateKey) {
      const hit = findKeyMaterial(bytes);
      if (hit) out.key(`${hit}, found by its structure`);
    }
  } catch {
    // Defence in depth: a bug here must become a finding, not a 500 (and never echo the exception: it may quote input).
    out.problem("FORMAT_UNRECOGNIZED", `${out.at} could not be read.`, FIX.sendCertificates);
  }
  const nothingRecognised = !out.recognised && out.items.length === 0;
  // An uploaded file that yields nothing usable must not pass on warnings alone.
  const findings =
    !options.inArchive && out.items.length === 0
      ? out.findings.map((f) => (f.severity === "warning" ? { ...f, severity: "error" as const } : f))
      : out.findings;
  return { items: out.items, findings, privateKey: out.privateKey, nothingRecognised };
}

function classifyInto(out: Collector, bytes: Uint8Array): void {
  // Whether the bytes read as text, and the text, are worked out once per file.
  const textual = looksLikeText(bytes);
  const text = textual ? decodeText(bytes) : undefined;
  if (bytes.length === 0 || (text !== undefined && text.trim() === "")) {
    out.unusable("empty");
    return;
  }
  if (looksLikeZip(bytes)) {
    // intake() opens archives with readArchive before classifying; here a zip is only ever an entry.
    out.unusable("a zip archive");
    return;
  }
  const keystore = javaKeystore(bytes);
  if (keystore === "keys") return out.key("a Java keystore holding a private key entry");
  if (keystore) {
    return out.unusable("a Java keystore", "Export the certificates from the keystore as PEM: `keytool -exportcert -rfc -alias <alias> -keystore store.jks -file cert.pem`.");
  }
  // Microsoft PVK private key file.
  if (startsWith(bytes, [0x1e, 0xf1, 0xb5, 0xb0])) return out.key("a Microsoft PVK private key");

  if (bytes[0] === 0x30) {
    const first = readTop(bytes);
    // A text file can start with "0" (0x30): DER only when it is not text, or reads as something known.
    if ("tlv" in first && (!textual || shapeOf(bytes, first.tlv).kind !== "unknown")) return classifyDer(out, bytes);
    if (!("tlv" in first) && !textual) {
      const key = partialKeyShape(bytes);
      if (key) return out.key(`${key}, cut short or damaged`);
      out.problem(
        "FORMAT_UNRECOGNIZED",
        `${out.at} starts like DER-encoded data (a certificate, CSR or PKCS#7 file) but is damaged or cut short (${first.error}).`,
        "Download or export the file again; if it was copied by hand, copy it as a binary file.",
      );
      return;
    }
  }
  // Documents and images first: a PDF or RTF passes for text, but is never PEM.
  const magic = MAGIC.find((m) => startsWith(bytes, m.bytes, m.offset));
  if (magic) return out.unusable(magic.what);
  if (text !== undefined) return classifyText(out, text);
  out.unusable("binary data of an unknown kind");
}

/** One or more DER values back to back (some tools concatenate DER certificates). */
function classifyDer(out: Collector, bytes: Uint8Array): void {
  let p = 0;
  while (p < bytes.length) {
    const top = readTop(bytes, p);
    if ("error" in top) {
      // Trailing whitespace or NUL padding after the last value is harmless.
      if (bytes.subarray(p).every((b) => b === 0 || b === 0x0a || b === 0x0d || b === 0x20)) return;
      const key = partialKeyShape(bytes.subarray(p));
      if (key) return out.key(`${key} after offset ${p}, cut short or damaged`);
      out.problem("FORMAT_UNRECOGNIZED", `${out.at} has ${bytes.length - p} unreadable bytes after offset ${p} (${top.error}).`, "Download or export the file again.");
      return;
    }
    out.der(bytes, shapeOf(bytes, top.tlv), top.tlv.start, top.tlv.end, undefined);
    if (out.privateKey) return; // stop reading past a key: nothing more from this file is used
    p = top.tlv.end;
  }
}

function classifyText(out: Collector, text: string): void {
  // Key formats that do not use PEM armour.
  const lines = splitLines(text);
  const putty = lines.findIndex((l) => /^PuTTY-User-Key-File-\d+:/.test(l));
  if (putty >= 0) return out.key(`a PuTTY private key file, line ${putty + 1}`);
  if (/"kty"\s*:/.test(text) && /"d"\s*:\s*"/.test(text)) return out.key("a JSON Web Key with its private part");

  // One split of the text serves every line-based look (it was split three times).
  const normalised = normalisePemText(text, lines);
  const scan = scanPem(normalised, normalised === text ? lines : undefined);
  const certLabels = new Set(["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE", "PKCS7", "PKCS #7 SIGNED DATA", "CMS", "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"]);
  for (const block of scan.blocks) {
    if (block.privateKey) {
      out.key(`a ${block.label} block on line ${block.beginLine}`);
      continue;
    }
    if (block.problem !== undefined || block.der === undefined) {
      out.problem("FORMAT_PEM_MALFORMED", `In ${out.at}, ${block.problem ?? "a block could not be decoded"}.`, FIX.pemArmour);
      continue;
    }
    const der = block.der;
    const top = readTop(der);
    if (!certLabels.has(block.label)) {
      if (block.label === "EC PARAMETERS" || block.label === "DH PARAMETERS") continue; // harmless companions of keys
      const shape = "tlv" in top ? shapeOf(der, top.tlv) : undefined;
      const partial = "tlv" in top ? undefined : partialKeyShape(der);
      if (shape?.kind === "private-key") {
        out.der(der, shape, 0, 0, { label: block.label, line: block.beginLine });
      } else if ("tlv" in top && (shape?.kind === "certificate" || shape?.kind === "csr" || (shape?.kind === "pkcs7" && shape.certificates.length > 0))) {
        // Content decides, not the label ("CERTIFICATE CHAIN", "PKCS12 CERT"…): a certificate is a certificate.
        out.der(der, shape, top.tlv.start, top.tlv.end, { label: block.label, line: block.beginLine });
        continue;
      } else if (partial) {
        out.key(`${partial}, in a damaged block labelled ${block.label} on line ${block.beginLine}`);
      } else if (/PUBLIC KEY/.test(block.label)) {
        out.problem("FORMAT_UNRECOGNIZED", `The ${block.label} block on line ${block.beginLine} of ${out.at} is a public key, not a certificate.`, "Send the certificate issued for this key, or a CSR made with it.", "warning");
      } else if (/CRL/.test(block.label)) {
        out.problem("FORMAT_UNRECOGNIZED", `The ${block.label} block on line ${block.beginLine} of ${out.at} is a revocation list; it was ignored.`, FIX.sendCertificates, "warning");
      } else {
        out.problem("FORMAT_UNRECOGNIZED", `The ${block.label} block on line ${block.beginLine} of ${out.at} is not a certificate or CSR; Certdesk keeps only what it can read, so nothing from this upload was stored.`, FIX.onlyCertificates);
      }
      der.fill(0);
      continue;
    }
    if ("error" in top) {
      const key = partialKeyShape(der);
      der.fill(0);
      if (key) out.key(`${key}, in a damaged block labelled ${block.label} on line ${block.beginLine}`);
      else out.problem("CERTIFICATE_MALFORMED", `The ${block.label} block on line ${block.beginLine} of ${out.at} decodes to damaged data (${top.error}).`, FIX.pemArmour);
      continue;
    }
    // OpenSSL's TRUSTED CERTIFICATE is the certificate followed by trust settings: take the certificate only.
    if (top.tlv.end !== der.length && block.label !== "TRUSTED CERTIFICATE") {
      out.problem("CERTIFICATE_MALFORMED", `The ${block.label} block on line ${block.beginLine} of ${out.at} has ${der.length - top.tlv.end} extra bytes after its content.`, FIX.pemArmour);
      continue;
    }
    const shape = shapeOf(der, top.tlv);
    out.der(der, shape, top.tlv.start, top.tlv.end, { label: block.label, line: block.beginLine });
    // Our decoded copy of a mislabelled key is wiped at once.
    if (shape.kind === "private-key") der.fill(0);
  }
  for (const stray of scan.strays) {
    out.problem("FORMAT_PEM_MALFORMED", `In ${out.at}, ${stray.problem}.`, FIX.pemArmour);
  }
  if (scan.blocks.length > 0 || scan.strays.length > 0) return;

  // No armour at all: name the likely mistake.
  if (lines.some((l) => /^\s*(ssh-(rsa|ed25519|dss)|ecdsa-sha2-\S+)\s+AAAA/.test(l))) {
    return out.unusable("an SSH public key", "mTLS needs an X.509 certificate, not an SSH key. Send the certificate chain or a CSR.");
  }
  if (EMBEDDED_KEY_RE.test(text)) return out.key("a PEM private key embedded in the text");
  const compact = text.replace(/\s+/g, "");
  if (compact.length >= 64 && compact.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact) && compact.startsWith("MI")) {
    // Bare base64 of a key is still a key: look at what it decodes to (and wipe our copy).
    const decoded = decodeBase64(compact);
    const top = readTop(decoded);
    const shape = "tlv" in top ? shapeOf(decoded, top.tlv) : undefined;
    const partial = "tlv" in top ? undefined : partialKeyShape(decoded);
    decoded.fill(0);
    if (shape?.kind === "private-key") return out.key(`${shape.what}, as base64 without PEM armour`);
    if (partial) return out.key(`${partial}, as base64 without PEM armour`);
    out.problem("FORMAT_PEM_MALFORMED", `${cap(out.at)} holds base64 data without -----BEGIN / -----END lines.`, "Add the armour lines: put `-----BEGIN CERTIFICATE-----` before the base64 and `-----END CERTIFICATE-----` after it (or re-export the certificate as PEM).");
    return;
  }
  out.unusable("text with no certificate or CSR in it");
}
