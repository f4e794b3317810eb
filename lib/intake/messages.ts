import type { Finding, FindingCode, Severity } from "../pki/findings";

/** Where some bytes came from: an uploaded file, and the entry inside it when it is an archive. */
export type Location = { file: string; entry?: string };

/**
 * File and entry names are chosen by the uploader: strip control characters
 * (log and terminal injection, NUL truncation) and cap the length before any
 * name reaches a message.
 */
export function displayName(raw: string, max = 120): string {
  const cleaned = cleanFileName(raw);
  return cleaned.length > max ? `${cleaned.slice(0, max)}…` : cleaned;
}

/**
 * Invisible characters that make a name read differently from what it is: C0 and C1 controls
 * (terminal and log injection, NUL truncation), line and paragraph separators, and every Unicode
 * format character (Cf): the bidirectional overrides and isolates U+202A–U+202E and U+2066–U+2069
 * that turn "invoice\u202Egpj.exe" into "invoiceexe.jpg", zero-width spaces and joiners, soft hyphens.
 */
const INVISIBLE_RE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** A file or entry name with the invisible characters above removed (everything else kept). */
export function cleanFileName(raw: string): string {
  return raw.replace(INVISIBLE_RE, "");
}

/** `"leaf.pem"` or `"certs/leaf.pem" in "chain.zip"`. */
export function describe(where: Location): string {
  return where.entry === undefined
    ? `"${displayName(where.file)}"`
    : `"${displayName(where.entry)}" in "${displayName(where.file)}"`;
}

export function finding(code: FindingCode, severity: Severity, message: string, fix?: string): Finding {
  return fix === undefined ? { code, severity, message } : { code, severity, message, fix };
}

export const FIX = {
  privateKey:
    "Generate a new key pair and a new certificate (e.g. `openssl req -new -newkey rsa:2048 -nodes -keyout client.key -out client.csr`), " +
    "keep the key on your side only, and send certificates only. To take the certificates out of a .p12/.pfx bundle: " +
    "`openssl pkcs12 -in bundle.p12 -nokeys -out chain.pem`.",
  sendCertificates:
    "Upload the certificate chain as PEM (`-----BEGIN CERTIFICATE-----` blocks), DER (.cer/.crt), PKCS#7 (.p7b), a CSR, or a .zip of these.",
  pemArmour:
    "Re-export the file rather than editing it by hand, e.g. `openssl x509 -in cert.crt -out cert.pem` (certificates) or " +
    "`openssl req -in request.csr -out request.pem` (CSRs); each block needs its own -----BEGIN …----- and -----END …----- line.",
  rebuildZip:
    "Upload the certificate files themselves, or build a plain zip of them (e.g. `zip chain.zip leaf.pem intermediate.pem root.pem`): " +
    "no folders that climb out, no links, no password, no archives inside, at most 100 files and 1 MiB unpacked.",
  onlyCertificates:
    "Upload only the certificate chain as PEM (`-----BEGIN CERTIFICATE-----` blocks), DER (.cer/.crt), PKCS#7 (.p7b), a CSR, or a .zip of only these: " +
    "remove notes, READMEs and any other file.",
  damagedZip: "The zip file is damaged or incomplete. Create it again (e.g. `zip chain.zip *.pem`) or upload the certificate files directly.",
} as const;

/**
 * A plain Uint8Array view of the caller's bytes. Node's Buffer is a Uint8Array whose
 * `slice()` returns a VIEW, not a copy: item DER would then alias the upload (keys
 * included) and wiping our "copies" would wipe the caller's data.
 */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
