/** Human-readable rendering of a verdict for the terminal. */
import type { Finding, Severity } from "../lib/pki/findings";
import type { ChainEntry, Verdict } from "../lib/policy";

export type Style = { color: boolean };

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, dim: 2, bold: 1 } as const;

function paint(style: Style, color: keyof typeof CODES, text: string): string {
  return style.color ? `\x1b[${CODES[color]}m${text}\x1b[0m` : text;
}

const SEVERITY_TITLE: Record<Severity, string> = { error: "Errors", warning: "Warnings", info: "Info" };
const SEVERITY_MARK: Record<Severity, string> = { error: "✗", warning: "!", info: "i" };
const SEVERITY_COLOR: Record<Severity, keyof typeof CODES> = { error: "red", warning: "yellow", info: "blue" };

function indent(text: string, pad: string): string {
  return text
    .split("\n")
    .map((l) => pad + l)
    .join("\n");
}

function where(f: Finding): string {
  const c = f.certificate;
  if (!c) return "";
  const parts: string[] = [];
  if (c.position >= 0) parts.push(`#${c.position}`);
  if (c.subject) parts.push(c.subject);
  if (c.source) parts.push(`(${c.source})`);
  return parts.join(" ");
}

function fmtKey(details: Record<string, unknown>): string {
  const k = details.publicKey as { algorithm?: string; size?: number; curve?: string } | undefined;
  if (!k) return "?";
  if (k.algorithm === "EC") return `EC ${k.curve ?? `${k.size}-bit`}`;
  return `${k.algorithm} ${k.size ? `${k.size}-bit` : ""}`.trim();
}

function colonHex(hex: unknown): string {
  return typeof hex === "string" ? hex.toUpperCase().replace(/(..)(?!$)/g, "$1:") : "?";
}

function entryLines(e: ChainEntry, style: Style): string[] {
  const d = e.details;
  const head = `${paint(style, "bold", `[${e.role}${e.purpose ? `: ${e.purpose}` : ""}]`)} ${e.position === null ? "from the trust store" : `#${e.position} ${e.source ?? ""}`}`;
  const lines = [head, `    Subject:   ${e.subject || "(empty)"}`];
  if (e.kind === "certificate") {
    const days = e.daysRemaining ?? 0;
    const left = days < 0 ? paint(style, "red", `expired ${-days} days ago`) : days <= 30 ? paint(style, "red", `${days} days left`) : days <= 90 ? paint(style, "yellow", `${days} days left`) : `${days} days left`;
    lines.push(`    Issuer:    ${String(d.issuer ?? "?")}`);
    lines.push(`    Valid:     ${String(d.notBefore ?? "?").slice(0, 10)} → ${String(d.notAfter ?? "?").slice(0, 10)} (${left})`);
    const sig = d.signatureAlgorithm as { name?: string } | undefined;
    lines.push(`    Key:       ${fmtKey(d)}; signed with ${sig?.name ?? "?"}`);
    lines.push(`    SHA-256:   ${colonHex(d.fingerprintSha256)}`);
  } else {
    const sigOk = d.signatureValid === true ? "signature valid" : paint(style, "red", "signature INVALID");
    lines.push(`    Key:       ${fmtKey(d)}; ${sigOk}`);
    lines.push(`    Key SHA-256: ${colonHex(d.spkiSha256)}`);
  }
  return lines;
}

/**
 * The verdict for a terminal: verdict line, findings grouped by severity, then the chain leaf → root.
 *
 * @example
 * process.stdout.write(renderVerdict(verdict, { color: process.stdout.isTTY }));
 */
export function renderVerdict(verdict: Verdict, style: Style): string {
  const out: string[] = [];
  const count = (s: Severity) => verdict.findings.filter((f) => f.severity === s).length;
  const summary = `${count("error")} error(s), ${count("warning")} warning(s), ${count("info")} info`;
  const head = verdict.verdict === "accepted" ? paint(style, "green", "ACCEPTED") : paint(style, "red", "REJECTED");
  out.push(`${paint(style, "bold", head)} under program ${verdict.program.id} v${verdict.program.version} — ${summary}`);

  for (const severity of ["error", "warning", "info"] as const) {
    const group = verdict.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    out.push("", paint(style, "bold", `${SEVERITY_TITLE[severity]} (${group.length})`));
    for (const f of group) {
      out.push(`  ${paint(style, SEVERITY_COLOR[severity], `${SEVERITY_MARK[severity]} ${f.code}`)}${where(f) ? `  ${paint(style, "dim", where(f))}` : ""}`);
      out.push(indent(f.message, "    "));
      if (f.fix) out.push(indent(`Fix: ${f.fix}`, "    "));
    }
  }

  const certs = verdict.chain.filter((e) => e.kind === "certificate");
  const csrs = verdict.chain.filter((e) => e.kind === "csr");
  if (certs.length) {
    out.push("", paint(style, "bold", "Chain (leaf → root)"));
    for (const e of certs) out.push(...entryLines(e, style).map((l) => `  ${l}`));
  }
  if (csrs.length) {
    out.push("", paint(style, "bold", "Certificate signing requests"));
    for (const e of csrs) out.push(...entryLines(e, style).map((l) => `  ${l}`));
  }
  if (verdict.correctedPem) {
    out.push("", `A corrected chain file is available (leaf first${verdict.correctedPem.split("BEGIN CERTIFICATE").length - 1 > 1 ? ", then each issuer" : ""}); write it with --write-corrected <path>, or see "correctedPem" in --json.`);
  }
  return out.join("\n") + "\n";
}
