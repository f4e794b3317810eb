/**
 * Documentation metadata of the codes emitted outside lib/pki and lib/policy's rules: intake
 * (lib/intake, before anything is parsed) and the cross-record checks (lib/submissions, which
 * need the database). Same shape as lib/pki/finding-docs.ts.
 */
import type { FindingDoc } from "../../pki/finding-docs";

export const EXTERNAL_FINDING_DOCS: readonly FindingDoc[] = [
  {
    code: "FORMAT_UNRECOGNIZED",
    severity: "error",
    title: "A file is not a certificate, CSR, PKCS#7 or .zip",
    sources: [{ text: "house", quote: "PEM (RFC 7468), DER, PKCS#7 and .zip are read" }],
    emittedBy: "lib/intake",
    doc: {
      summary:
        "error, and the upload is refused (`refused: true`, nothing stored). A file, archive entry or PEM block is not a certificate, CSR, PKCS#7 bundle or .zip archive Certdesk can read — an empty upload, a Word document, a README or notes.txt inside a .zip, a block with an unknown label. Certdesk stores only what it understood, so one unreadable part refuses the whole upload (issue 10).",
      fix: "check the file with `openssl x509 -in <file> -noout -text` (or `openssl req` for a CSR) and upload the certificate file itself.",
    },
  },
  {
    code: "FORMAT_PEM_MALFORMED",
    severity: "error",
    title: "Broken PEM armour or base64",
    sources: [{ text: "house", quote: "RFC 7468 textual encodings" }],
    emittedBy: "lib/intake",
    doc: {
      summary: "error, and the upload is refused (nothing stored). PEM armour is broken: a `BEGIN` without `END`, mismatched labels, or base64 that does not decode.",
      fix: "re-export the file (`openssl x509 -in cert.pem -out fixed.pem`); do not edit PEM by hand.",
    },
  },
  {
    code: "UPLOAD_TOO_LARGE",
    severity: "error",
    title: "The upload is over the size or item limit",
    sources: [{ text: "house", quote: "a certificate chain is a few kilobytes" }],
    emittedBy: "lib/intake",
    doc: {
      summary: "error. The upload is over the size limit (1 MiB by default) or holds more items than allowed (100). A certificate chain is a few kilobytes.",
      fix: "upload only the chain (leaf, intermediates, root) or the CSRs.",
    },
  },
  {
    code: "PRIVATE_KEY_PRESENT",
    severity: "error",
    title: "A private key was in the upload (refused, never stored)",
    sources: [{ text: "003", quote: "If you were to send us your private key, you would have to generate new ones" }, { text: "000", quote: "A private key (client.key) that is securely stored and never shared." }],
    emittedBy: "lib/intake",
    doc: {
      summary:
        "error, in every program. A private key was in the upload, in any encoding: PEM (PKCS#1, PKCS#8, SEC 1, DSA, encrypted, OpenSSH, broken armour, half a body), DER, PKCS#12/PFX, JSON Web Key with `d`, PuTTY, PVK, CryptoAPI blob, or hex/base64/base64url text of these anywhere in a file or archive entry — found by decoding and checking the key's structure, not by a prefix. The upload is refused and never stored, through any channel; the key bytes are wiped and never logged (`refused: true` in the verdict).",
      fix: "treat the key as exposed: generate a new key and a new CSR (`openssl genrsa -out client.key 2048 && openssl req -new -key client.key -out client.csr`), get a new certificate, and send only certificates or CSRs.",
    },
  },
  {
    code: "ARCHIVE_UNSAFE",
    severity: "error",
    title: "A .zip was refused unopened (traversal, links, encryption, bombs…)",
    sources: [{ text: "002", quote: "Send the certificate chain to [email protected] in a .zip file." }],
    emittedBy: "lib/intake",
    doc: {
      summary: "error. A .zip was refused unopened: path traversal, absolute or drive paths, links, encrypted entries, nested archives, more than 100 entries, an entry or a total over 1 MiB uncompressed, or a compression ratio typical of decompression bombs.",
      fix: "`zip chain.zip client-chain.pem` with plain relative names, no folders from other machines, no encryption.",
    },
  },
  {
    code: "ARCHIVE_EMPTY",
    severity: "error",
    title: "The .zip holds nothing usable",
    sources: [{ text: "002", quote: "Send the certificate chain to [email protected] in a .zip file." }],
    emittedBy: "lib/intake",
    doc: {
      summary: "error. The .zip holds nothing usable (no certificate or CSR): only folders or archiver metadata (`__MACOSX`, `.DS_Store`). Other files that are not certificates are FORMAT_UNRECOGNIZED.",
      fix: "put the PEM chain file in the archive.",
    },
  },
  {
    code: "KEY_REUSED_ACROSS_ENVIRONMENTS",
    severity: "warning",
    title: "The key is registered for another environment of the app",
    sources: [{ text: "001", quote: "Separation is not a mandatory requirement by ConnectPay." }, { text: "003", quote: "You need to provide a different set of certificates for each of your Treezor environments" }],
    emittedBy: "lib/submissions (cross-record checks)",
    doc: {
      summary: "warning (error where the program requires separation, 003). The same key or certificate is registered for another environment (sandbox/stage and production).",
      fix: "make a separate key and certificate per environment.",
    },
  },
  {
    code: "KEY_REUSED_ACROSS_PARTNERS",
    severity: "error",
    title: "The key is registered to another organisation",
    sources: [{ text: "house", quote: "a key identifies one partner" }],
    emittedBy: "lib/submissions (cross-record checks)",
    doc: {
      summary: "error. The key is already registered to another organisation.",
      fix: "generate a new key; never share keys between companies.",
    },
  },
  {
    code: "CERT_ALREADY_ACTIVE",
    severity: "error",
    title: "The certificate is already active for this app and environment",
    sources: [{ text: "house", quote: "one active certificate per app environment, replaced through a window" }],
    emittedBy: "lib/submissions (cross-record checks)",
    doc: {
      summary: "error. This certificate is already active for this developer app and environment.",
      fix: "nothing to upload; renew only when a new certificate is issued.",
    },
  },
  {
    code: "KEY_REUSED",
    severity: "error",
    title: "A renewal carries the key of the certificate active for this app and environment",
    sources: [{ text: "003", quote: "must have different private keys" }],
    emittedBy: "lib/submissions (cross-record checks)",
    doc: {
      summary: "error. A CSR's key is the key of the certificate currently active for this developer app and environment (003: \"must have different private keys\"; a renewal with the old key would keep a possibly exposed key alive). Checked against the active mTLS certificate and the certificates Certdesk's CA issued for either purpose.",
      fix: "generate a new key pair and CSR: `openssl genrsa -out new.key 2048 && openssl req -new -key new.key -out new.csr`.",
    },
  },
];
