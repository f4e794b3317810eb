/** Encodings and archives the program accepts (`rules.submission.encodings` / `.archive`). */
import type { Finding } from "../../pki/findings";
import { defineFinding, defineRule } from "./types";
import { sourceOf } from "./context";

const PEM_ONLY = [
  { text: "001", quote: "Proper Format: Certificates must be in X509 ASCII Base64 format." },
  { text: "002", quote: "Provide a CA-issued full certificate chain in X509 ASCII Base64 format (PEM)" },
] as const;

type EncodingArgs = { where: string; label: string; encodings: readonly string[]; fix: string };

export const FORMAT_NOT_PEM = defineFinding<EncodingArgs>({
  code: "FORMAT_NOT_PEM",
  severity: "error",
  title: "A file is DER or PKCS#7 where the program takes only PEM",
  doc: {
    summary: "error. The program wants X.509 ASCII Base64 (PEM) and a file is binary DER or PKCS#7 (`self-signed-allowed` 001, `s2s-zip` 002). Certdesk offers the PEM version in the corrected file when nothing else is structurally wrong.",
    fix: "`openssl x509 -inform DER -in cert.der -out cert.pem`; for PKCS#7: `openssl pkcs7 -print_certs [-inform DER] -in chain.p7b -out chain.pem`.",
  },
  sources: PEM_ONLY,
  message: (a) => `${a.where} is ${a.label}; this program accepts ${a.encodings.map((e) => e.toUpperCase()).join(", ")} (X.509 ASCII Base64, '-----BEGIN CERTIFICATE-----').`,
  fix: (a) => a.fix,
});

export const FORMAT_NOT_ACCEPTED_ENCODING = defineFinding<EncodingArgs>({
  code: "FORMAT_NOT_ACCEPTED",
  severity: "error",
  title: "A file's encoding is not one the program lists",
  doc: {
    summary: "error or warning. The upload's form is not what the program takes: an encoding the program does not list (when PEM is not the only one), a plain file where a .zip is required, a .zip where archives are refused (errors); or certificates sent to a program that issues them from CSRs, or a CSR sent to a chain-only program (warnings: the items are ignored).",
    fix: "follow the message: send the format the program names.",
  },
  sources: [{ text: "house", quote: "submission.encodings lists the encodings a program accepts" }],
  message: (a) => `${a.where} is ${a.label}; this program accepts ${a.encodings.map((e) => e.toUpperCase()).join(", ")}.`,
  fix: (a) => a.fix,
});

export const FORMAT_ARCHIVE_REQUIRED = defineFinding({
  code: "FORMAT_NOT_ACCEPTED",
  severity: "error",
  title: "The program wants the chain inside a .zip",
  sources: [{ text: "002", quote: "Send the certificate chain to [email protected] in a .zip file." }],
  message: () => "This program expects the certificate chain inside a .zip archive.",
  fix: () => "zip chain.zip client-chain.pem",
});

export const FORMAT_ARCHIVE_REFUSED = defineFinding({
  code: "FORMAT_NOT_ACCEPTED",
  severity: "error",
  title: "The program does not take .zip archives",
  sources: [{ text: "house", quote: "submission.archive: refused" }],
  message: () => "This program does not accept .zip archives; upload the PEM file itself.",
  fix: () => "unzip the archive and upload the .pem file",
});

function conversionFix(kind: "certificate" | "csr", fmt: string, file: string): string {
  if (fmt === "der") return kind === "csr" ? `openssl req -inform DER -in "${file}" -out request.pem` : `openssl x509 -inform DER -in "${file}" -out certificate.pem`;
  return `openssl pkcs7 -print_certs${fmt === "pkcs7-der" ? " -inform DER" : ""} -in "${file}" -out chain.pem  (then remove the "subject=/issuer=" lines if your tools mind them)`;
}

export const formatRule = defineRule({
  id: "format",
  stage: "upload",
  description: "Each file's encoding is one the program accepts, and a .zip is used as the program requires or refuses.",
  appliesTo: (p) => p.rules.submission.encodings.length < 3 || p.rules.submission.archive !== "accepted",
  findings: [FORMAT_NOT_PEM, FORMAT_NOT_ACCEPTED_ENCODING, FORMAT_ARCHIVE_REQUIRED, FORMAT_ARCHIVE_REFUSED],
  check({ program, intake, subjects }) {
    const out: Finding[] = [];
    const { encodings, archive } = program.rules.submission;
    const seen = new Set<string>();
    intake.items.forEach((item, position) => {
      const fmt = item.source.format;
      const family = fmt === "pem" ? "pem" : fmt === "der" ? "der" : "pkcs7";
      if ((encodings as readonly string[]).includes(family)) return;
      const where = sourceOf(item);
      if (seen.has(`${where}|${family}`)) return;
      seen.add(`${where}|${family}`);
      const pemOnly = encodings.length === 1 && encodings[0] === "pem";
      const args: EncodingArgs = {
        where,
        label: family === "der" ? "binary DER" : fmt === "pkcs7-der" ? "PKCS#7 (DER)" : "PKCS#7",
        encodings,
        fix: conversionFix(item.kind, family === "der" ? "der" : fmt, item.source.entry ?? item.source.file),
      };
      const certificate = { position, subject: subjects.get(position) ?? "", source: where };
      out.push((pemOnly ? FORMAT_NOT_PEM : FORMAT_NOT_ACCEPTED_ENCODING).make(args, { certificate }));
    });
    const fromArchive = intake.items.some((i) => i.source.entry !== undefined);
    if (archive === "required" && intake.items.length > 0 && !fromArchive) out.push(FORMAT_ARCHIVE_REQUIRED.make());
    if (archive === "refused" && fromArchive) out.push(FORMAT_ARCHIVE_REFUSED.make());
    return out;
  },
});
