/**
 * What a partner must upload under a program, in plain words, generated from the
 * program's data (issue 16 item 2): the upload page shows this instead of generic text,
 * so it cannot contradict the rules the engine applies. Pure: no clock, no I/O.
 */
import type { KeyAlgorithmRule, Program } from "./program";

export type ProgramSummaryItem = {
  /** A stable key for tests and styling: what, formats, issuer, root, keys, validity, company-name, csr-subject. */
  key: string;
  label: string;
  text: string;
};

export type ProgramCommand = { label: string; command: string };

export type ProgramSummary = {
  /** One sentence: what to upload. */
  headline: string;
  items: ProgramSummaryItem[];
  /** The purposes an upload may be made for, in the program's order. */
  purposes: string[];
  /** Commands that make what the program asks for (openssl). */
  commands: ProgramCommand[];
};

const PURPOSE_NAMES: Record<string, string> = { mtls: "mTLS", signature: "signature" };
const ENCODING_NAMES = { pem: "PEM", der: "DER", pkcs7: "PKCS#7" } as const;
const NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six"];

/** "a", "a and b", "a, b and c" (or "or"). */
function list(items: readonly string[], last = "and"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${last} ${items.at(-1)}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function purposeName(purpose: string): string {
  return PURPOSE_NAMES[purpose] ?? purpose;
}

function days(n: number): string {
  return `${n.toLocaleString("en-GB")} days`;
}

/** "RSA 2048", "RSA of at least 2048 bits", "EC P-256 or P-384", "Ed25519". */
function describeKey(rule: KeyAlgorithmRule): string {
  switch (rule.algorithm) {
    case "RSA":
      return rule.expectedBits !== undefined && rule.expectedBits === rule.minBits ? `RSA ${rule.minBits}` : `RSA of at least ${rule.minBits} bits`;
    case "EC":
      return `EC ${list(rule.curves, "or")}`;
    case "Ed25519":
      return "Ed25519";
  }
}

function newKeyOption(rule: KeyAlgorithmRule): string {
  switch (rule.algorithm) {
    case "RSA":
      return `rsa:${Math.max(rule.expectedBits ?? rule.minBits, 2048)}`;
    case "EC":
      return `ec -pkeyopt ec_paramgen_curve:${rule.curves[0]}`;
    case "Ed25519":
      return "ed25519";
  }
}

function window(w: { minDays?: number; maxDays?: number } | undefined): string | undefined {
  if (!w || (w.minDays === undefined && w.maxDays === undefined)) return undefined;
  if (w.minDays !== undefined && w.maxDays !== undefined) return `${w.minDays.toLocaleString("en-GB")} to ${days(w.maxDays)}`;
  if (w.minDays !== undefined) return `at least ${days(w.minDays)}`;
  return `at most ${days(w.maxDays!)}`;
}

/**
 * Summarises what a program asks of an upload.
 *
 * @param options.allPurposes the purposes the portal knows, offered when the program names none.
 * @param options.companyName the partner's company name, quoted in the company-name rule.
 * @example
 * summarizeProgram(getExampleProgram("provider-ca-csr")!).headline
 * // "Upload two CSRs, mTLS and signature, each from its own RSA 2048 key."
 */
export function summarizeProgram(program: Program, options: { allPurposes?: readonly string[]; companyName?: string } = {}): ProgramSummary {
  const r = program.rules;
  const s = r.submission;
  const keys = list(r.keyAlgorithms.map(describeKey), "or");
  const purposes = s.csrPurposes.length > 0 ? [...s.csrPurposes] : [...(options.allPurposes ?? ["mtls", "signature"])];
  const providerIssues = program.issuance?.mode === "provider-ca";
  const csrOnly = s.chain === "refused" && s.csr !== "refused";
  const items: ProgramSummaryItem[] = [];
  const commands: ProgramCommand[] = [];

  // What to upload.
  let headline: string;
  if (csrOnly) {
    const count = Math.max(s.csrPurposes.length, 1);
    const word = NUMBER_WORDS[count] ?? String(count);
    headline =
      s.csrPurposes.length > 1
        ? `Upload ${word} CSRs, ${list(s.csrPurposes.map(purposeName))}, each from its own ${keys} key.`
        : `Upload one CSR${s.csrPurposes[0] ? ` for ${purposeName(s.csrPurposes[0])}` : ""}, from its own ${keys} key.`;
    items.push({
      key: "what",
      label: "What to upload",
      text: `${capitalise(word)} certificate signing request${count > 1 ? "s" : ""} (CSR${count > 1 ? "s" : ""}) in one upload${count > 1 ? ", one per purpose, each from a different key" : ""}. No certificate chain: ${providerIssues ? "Certdesk issues the certificates" : "the provider issues the certificates"}.`,
    });
  } else {
    const root = r.root === "required" ? ", its intermediates and the root" : r.root === "refused" ? " and its intermediates, without the root" : " and its intermediates";
    headline = `Upload your client certificate chain: the certificate${root}.`;
    const csr = s.csr === "optional" ? " A CSR for the same key may be added: it proves you hold the key." : s.csr === "required" ? " Add a CSR for the same key." : "";
    items.push({ key: "what", label: "What to upload", text: `One chain, leaf first${r.root === "required" ? ", root last" : ""}.${csr}` });
  }

  // Formats.
  const encodings = list(s.encodings.map((e) => ENCODING_NAMES[e]), "or");
  const archive = s.archive === "required" ? "inside one .zip file" : s.archive === "accepted" ? "as files or inside one .zip" : "as files (no .zip)";
  items.push({
    key: "formats",
    label: "Formats",
    text: `${encodings} ${archive}.${s.encodings.length === 1 && s.encodings[0] === "pem" ? " DER or PKCS#7 files must be converted to PEM first." : ""} Never include a private key.`,
  });

  if (!csrOnly) {
    // Issuer and root.
    const issuer =
      r.issuance === "self-signed"
        ? "Your own self-signed CA."
        : r.issuance === "either"
          ? "Your own (self-signed) CA, or a CA trusted by the program."
          : program.trustAnchors.mode === "public"
            ? "A publicly trusted certificate authority; self-signed chains are refused."
            : "A certificate authority the program trusts; self-signed chains are refused.";
    const refused = r.refusedIssuers.map((i) => i.label);
    items.push({ key: "issuer", label: "Issued by", text: `${issuer}${refused.length ? ` Not accepted: ${list(refused)}.` : ""}` });
    items.push({
      key: "root",
      label: "Root certificate",
      text:
        r.root === "required"
          ? "Include the root certificate: the chain must end with it."
          : r.root === "refused"
            ? "Leave the root certificate out."
            : "The root certificate may be included or left out; the chain must still lead to a trusted root.",
    });
  }

  // Keys.
  const hashes = r.refusedSignatureHashes.length ? ` Signatures with ${list(r.refusedSignatureHashes)} are refused.` : "";
  items.push({ key: "keys", label: "Keys", text: `${capitalise(keys)}${csrOnly && s.csrPurposes.length > 1 ? ", a separate key for each CSR" : ""}.${hashes}` });

  // Validity.
  if (providerIssues) {
    items.push({ key: "validity", label: "Validity", text: `The issued certificates are valid for ${days(program.issuance?.validityDays ?? 365)}.` });
  } else {
    const selfSigned = window(r.leafValidityDays.selfSigned);
    const caIssued = window(r.leafValidityDays.caIssued);
    const parts: string[] = [];
    if (selfSigned && r.issuance !== "ca-issued") parts.push(`self-signed chains ${selfSigned}`);
    if (caIssued && r.issuance !== "self-signed") parts.push(`CA-issued chains ${caIssued}`);
    items.push({
      key: "validity",
      label: "Validity",
      text: parts.length ? `The certificate's whole lifetime: ${list(parts)}. It must be valid today.` : "No lifetime limit from the program; the certificate must be valid today.",
    });
  }

  // Company name.
  const company = options.companyName ? `your company name (${options.companyName})` : "your company name";
  const rootToo = !csrOnly && r.companyName.selfSignedRoot && r.issuance !== "ca-issued";
  const companyRule =
    !csrOnly && r.companyName.leaf
      ? `The common name (CN) of your certificate must contain ${company}${rootToo ? "; so must the root's CN when the chain is self-signed (a public CA's root is exempt)" : ""}.`
      : rootToo
        ? `The root's common name (CN) must contain ${company} when the chain is self-signed.`
        : undefined;
  const csrRule = r.companyName.csr ? `The common name (CN) of each CSR must contain ${company}.` : undefined;
  items.push({ key: "company-name", label: "Company name", text: [companyRule, csrRule].filter(Boolean).join(" ") || "No company-name rule for the common name." });

  if (s.csr !== "refused" && r.csrSubject.required.length > 0) {
    const optional = r.csrSubject.optional.length ? ` (${list(r.csrSubject.optional)} optional)` : "";
    items.push({ key: "csr-subject", label: "CSR subject", text: `Must have ${list(r.csrSubject.required)}${optional}.` });
  }

  // Commands.
  const firstKey = r.keyAlgorithms[0]!;
  if (csrOnly) {
    const fields: Record<string, string> = { C: "FR", ST: "Ile-de-France", L: "Paris", O: "Your Company", OU: "IT", emailAddress: "security@example.com" };
    for (const purpose of s.csrPurposes.length ? s.csrPurposes : ["mtls"]) {
      const subject = r.csrSubject.required
        .map((f) => `/${f}=${f === "CN" ? `Your Company ${purposeName(purpose)}` : (fields[f] ?? "…")}`)
        .join("");
      commands.push({
        label: `The ${purposeName(purpose)} CSR, from its own new key${subject ? " (put your own details in the subject)" : ""}`,
        command: `openssl req -new -newkey ${newKeyOption(firstKey)} -nodes -keyout ${purpose}.key -out ${purpose}.csr${subject ? ` -subj "${subject}"` : ""}`,
      });
    }
  } else {
    const files = r.root === "required" ? "client.pem intermediate.pem root.pem" : "client.pem intermediate.pem";
    commands.push({ label: "Put the chain in one PEM file, leaf first", command: `cat ${files} > chain.pem` });
    if (s.encodings.length === 1 && s.encodings[0] === "pem") {
      commands.push({ label: "Convert a DER certificate to PEM", command: "openssl x509 -inform der -in certificate.cer -out certificate.pem" });
    }
    commands.push({ label: "Look at a certificate's subject, issuer and dates", command: "openssl x509 -in client.pem -noout -subject -issuer -dates" });
  }

  return { headline, items, purposes, commands };
}
