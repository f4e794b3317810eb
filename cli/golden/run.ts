/**
 * Runs `certdesk check … --json` in-process, the way cli/certdesk.ts does (same argument
 * parser, same engine call, same serialisation), so 50+ golden cases take seconds rather
 * than one Node start-up each. cli/golden.test.ts also spawns the real CLI on a few cases
 * and checks it prints the very same bytes, so this runner cannot drift from it unnoticed.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { checkUpload, getExampleProgram, parseProgram, toVerdictJson, type Partner, type Program } from "../../lib/policy";
import { parseArgs } from "../args";

export type CliResult = { code: number; stdout: string };

/** `argv` as typed after `certdesk`; relative paths resolve against `cwd`. */
export async function runCheckJson(argv: readonly string[], cwd: string): Promise<CliResult> {
  const parsed = parseArgs(argv);
  if (parsed.kind !== "check" || !parsed.args.json) throw new Error(`golden case is not a "check … --json" call: ${argv.join(" ")}`);
  const args = parsed.args;
  const read = async (f: string) => new Uint8Array(await readFile(path.resolve(cwd, f)));
  let program: Program;
  if (args.program.kind === "id") {
    const p = getExampleProgram(args.program.id);
    if (!p) throw new Error(`unknown program ${args.program.id}`);
    program = p;
  } else {
    program = parseProgram(new TextDecoder().decode(await read(args.program.path)));
  }
  const files = [];
  for (const f of args.files) files.push({ name: path.basename(f), bytes: await read(f) });
  const anchors: string[] = [];
  for (const f of args.trustAnchorFiles) anchors.push(new TextDecoder().decode(await read(f)));
  const partner: Partner = {};
  if (args.company !== undefined) partner.companyName = args.company;
  if (args.orgId !== undefined) partner.organizationIdentifier = args.orgId;
  if (args.psd2Roles !== undefined) partner.psd2Roles = args.psd2Roles;
  if (!args.at) throw new Error(`golden case without --at: ${argv.join(" ")}`);
  const verdict = await checkUpload({ files, program, partner, at: args.at, ...(anchors.length ? { trustAnchors: anchors } : {}) });
  return { code: verdict.verdict === "accepted" ? 0 : 1, stdout: JSON.stringify(toVerdictJson(verdict), null, 2) + "\n" };
}
