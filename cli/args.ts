/** Argument parsing for the certdesk CLI, apart from I/O so it is testable on its own. */

export const USAGE = `Usage:
  npm run -s certdesk -- check <file>... (--program <id> | --program-file <path>) [options]

Checks certificate chains, CSRs, PKCS#7 or .zip uploads against a program's rules,
exactly as the portal does.

Options:
  --program <id>           an example program: ca-chain, self-signed-allowed, s2s-zip, provider-ca-csr
  --program-file <path>    a program JSON file (see docs/programs.md)
  --company <name>         the partner's company name (company-name rule)
  --org-id <id>            the partner's organisation identifier (PSD2), e.g. PSDLT-BOL-123456
  --psd2-roles <roles>     PSD2 roles the partner needs, comma-separated: PSP_AS,PSP_PI,PSP_AI,PSP_IC
  --at <ISO time>          evaluate at this time instead of now, e.g. 2026-06-01T00:00:00Z
  --trust-anchor <file>    trust this root (PEM) instead of the program's anchors; repeatable
  --write-corrected <path> write the corrected chain there when Certdesk can offer one
  --json                   print exactly one JSON object { verdict, findings, chain, correctedPem? }
  --fetch                  go online: check revocation (OCSP, CRL) and fetch missing intermediates
                           (AIA caIssuers); off by default, so a check never touches the network
  -h, --help               show this help

Exit status: 0 accepted, 1 rejected, 2 usage error or unreadable file.`;

export type CheckArgs = {
  command: "check";
  files: string[];
  program: { kind: "id"; id: string } | { kind: "file"; path: string };
  company?: string;
  orgId?: string;
  psd2Roles?: string[];
  at?: Date;
  trustAnchorFiles: string[];
  writeCorrected?: string;
  json: boolean;
  /** Issue 15: fetch OCSP/CRL answers and AIA intermediates (never without this flag). */
  fetch: boolean;
};

export type ParsedArgs = { kind: "help" } | { kind: "check"; args: CheckArgs } | { kind: "error"; message: string };

const VALUE_OPTIONS = new Set(["--program", "--program-file", "--company", "--org-id", "--psd2-roles", "--at", "--trust-anchor", "--write-corrected"]);

/**
 * Parses `check <file>... --program <id> …`. Accepts `--opt value` and `--opt=value`.
 *
 * @example
 * parseArgs(["check", "chain.pem", "--program", "ca-chain", "--json"]);
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.length === 0) return { kind: "error", message: "no command given" };
  if (argv.includes("--help") || argv.includes("-h") || argv[0] === "help") return { kind: "help" };
  const [command, ...rest] = argv;
  if (command !== "check") return { kind: "error", message: `unknown command "${command}" (the only command is "check")` };

  const files: string[] = [];
  const values = new Map<string, string[]>();
  let json = false;
  let fetch = false;
  let onlyFiles = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (onlyFiles) {
      files.push(a);
      continue;
    }
    if (a === "--") {
      onlyFiles = true;
      continue;
    }
    if (a === "--json") {
      json = true;
      continue;
    }
    if (a === "--fetch") {
      fetch = true;
      continue;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq > 0 ? a.slice(0, eq) : a;
      if (!VALUE_OPTIONS.has(name)) return { kind: "error", message: `unknown option "${name}"` };
      let value: string | undefined;
      if (eq > 0) value = a.slice(eq + 1);
      else {
        value = rest[i + 1];
        i++;
      }
      if (value === undefined || value === "") return { kind: "error", message: `${name} needs a value` };
      values.set(name, [...(values.get(name) ?? []), value]);
      continue;
    }
    files.push(a);
  }

  if (files.length === 0) return { kind: "error", message: "no file given: name at least one certificate, CSR, PKCS#7 or .zip file" };
  const id = values.get("--program");
  const programFile = values.get("--program-file");
  if ((id ? 1 : 0) + (programFile ? 1 : 0) !== 1) return { kind: "error", message: "give exactly one of --program <id> or --program-file <path>" };
  for (const single of ["--program", "--program-file", "--company", "--org-id", "--psd2-roles", "--at", "--write-corrected"]) {
    if ((values.get(single)?.length ?? 0) > 1) return { kind: "error", message: `${single} given more than once` };
  }

  const args: CheckArgs = {
    command: "check",
    files,
    program: id ? { kind: "id", id: id[0]! } : { kind: "file", path: programFile![0]! },
    trustAnchorFiles: values.get("--trust-anchor") ?? [],
    json,
    fetch,
  };
  const company = values.get("--company")?.[0];
  if (company !== undefined) args.company = company;
  const orgId = values.get("--org-id")?.[0];
  if (orgId !== undefined) args.orgId = orgId;
  const roles = values.get("--psd2-roles")?.[0];
  if (roles !== undefined) {
    const list = roles.split(",").map((r) => r.trim().toUpperCase()).filter(Boolean);
    const bad = list.filter((r) => !["PSP_AS", "PSP_PI", "PSP_AI", "PSP_IC"].includes(r));
    if (bad.length) return { kind: "error", message: `unknown PSD2 role ${bad.join(", ")} (expected PSP_AS, PSP_PI, PSP_AI, PSP_IC)` };
    args.psd2Roles = list;
  }
  const at = values.get("--at")?.[0];
  if (at !== undefined) {
    // Only full ISO dates: "06/01/2026" means different days in different countries.
    const d = new Date(at);
    if (!/^\d{4}-\d{2}-\d{2}/.test(at) || Number.isNaN(d.getTime())) return { kind: "error", message: `--at "${at}" is not an ISO time (e.g. 2026-06-01T00:00:00Z)` };
    args.at = d;
  }
  const out = values.get("--write-corrected")?.[0];
  if (out !== undefined) args.writeCorrected = out;
  return { kind: "check", args };
}
