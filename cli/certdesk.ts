/**
 * certdesk CLI: the same engine as the portal, on local files.
 *
 *   npm run -s certdesk -- check client-chain.pem --program self-signed-allowed --company "Acme Payments"
 *
 * Exit status: 0 accepted, 1 rejected, 2 usage error or unreadable file.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { checkUpload, getExampleProgram, parseProgram, EXAMPLE_PROGRAM_IDS, ProgramError, toVerdictJson, type Partner, type Program } from "../lib/policy";
import { ENV } from "../lib/config";
import { memoryResponseCache } from "../lib/pki-fetch/cache";
import { parseAllowHosts } from "../lib/pki-fetch/fetch";
import { pkiFetcher, prepareLiveChecks, type LiveChecks } from "../lib/revocation/live-checks";
import { parseArgs, USAGE } from "./args";
import { renderVerdict } from "./render";

class UsageError extends Error {}

/** `npm run` starts scripts in the package root; INIT_CWD is where the user typed the command. */
const BASE_DIR = process.env.INIT_CWD ?? process.cwd();
const resolvePath = (p: string) => path.resolve(BASE_DIR, p);

async function readInput(file: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(resolvePath(file)));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "permission denied" : "cannot be read";
    throw new UsageError(`${what} "${file}": ${why}`);
  }
}

async function loadProgram(spec: { kind: "id"; id: string } | { kind: "file"; path: string }): Promise<Program> {
  if (spec.kind === "id") {
    const p = getExampleProgram(spec.id);
    if (!p) throw new UsageError(`unknown program "${spec.id}"; known programs: ${EXAMPLE_PROGRAM_IDS.join(", ")} (or use --program-file)`);
    return p;
  }
  const text = new TextDecoder().decode(await readInput(spec.path, "program file"));
  try {
    return parseProgram(text);
  } catch (e) {
    if (e instanceof ProgramError) throw new UsageError(`${spec.path}: ${e.message}`);
    throw e;
  }
}

async function main(argv: string[]): Promise<number> {
  // Issue 12: `certdesk ca init --program <id> --environment <key>` (cli/ca.ts).
  if (argv[0] === "ca") return (await import("./ca")).runCaCommand(argv.slice(1));
  const parsed = parseArgs(argv);
  switch (parsed.kind) {
    case "help":
      process.stdout.write(USAGE + "\n");
      return 0;
    case "error":
      process.stderr.write(`certdesk: ${parsed.message}\n\n${USAGE}\n`);
      return 2;
    case "check":
      break;
  }
  const args = parsed.args;
  let program: Program;
  let files: { name: string; bytes: Uint8Array }[];
  let anchors: string[] | undefined;
  try {
    program = await loadProgram(args.program);
    files = [];
    for (const f of args.files) files.push({ name: path.basename(f), bytes: await readInput(f, "file") });
    if (args.trustAnchorFiles.length) {
      anchors = [];
      for (const f of args.trustAnchorFiles) anchors.push(new TextDecoder().decode(await readInput(f, "trust anchor")));
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`certdesk: ${e.message}\n`);
      return 2;
    }
    throw e;
  }

  const partner: Partner = {};
  if (args.company !== undefined) partner.companyName = args.company;
  if (args.orgId !== undefined) partner.organizationIdentifier = args.orgId;
  if (args.psd2Roles !== undefined) partner.psd2Roles = args.psd2Roles;

  // Online only with --fetch (issue 15): the same SSRF-safe fetcher as the portal, allow-list from the environment.
  let live: LiveChecks | undefined;
  if (args.fetch) {
    const fetch = pkiFetcher({ allowHosts: parseAllowHosts(process.env[ENV.fetchAllowHosts]) });
    live = await prepareLiveChecks({ files, program, ...(anchors ? { trustAnchors: anchors } : {}), fetch, cache: memoryResponseCache(), now: () => new Date() });
  }

  const verdict = await checkUpload({
    files,
    program,
    partner,
    // The CLI is the edge: the clock is read here, never inside the engine.
    at: args.at ?? new Date(),
    ...(anchors ? { trustAnchors: anchors } : {}),
    ...(live ? { statusChecker: live.checker.statusChecker, fetchedIntermediates: live.fetchedIntermediates } : {}),
  });

  if (args.writeCorrected && verdict.correctedPem) await writeFile(resolvePath(args.writeCorrected), verdict.correctedPem);

  if (args.json) {
    process.stdout.write(JSON.stringify(toVerdictJson(verdict), null, 2) + "\n");
  } else {
    const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    process.stdout.write(renderVerdict(verdict, { color }));
    if (args.writeCorrected && verdict.correctedPem) process.stdout.write(`Corrected chain written to ${args.writeCorrected}\n`);
  }
  return verdict.verdict === "accepted" ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // Unexpected: a bug, not the partner's input. Say so without a stack trace on stdout (it may be JSON).
    process.stderr.write(`certdesk: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
