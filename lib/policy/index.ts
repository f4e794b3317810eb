/**
 * lib/policy: programs (declarative rules) and the engine that turns an upload into
 * a coded verdict. The portal, the partner API, the reviewers' view and the CLI all
 * call {@link checkUpload} (or {@link evaluateUpload} when intake already ran).
 */
import { intake } from "../intake";
import type { IntakeLimits, UploadedFile } from "../intake/types";
import { finding } from "./messages";
import { evaluateUpload, type Partner, type Verdict } from "./evaluate";
import type { Program } from "./program";
import type { StatusChecker } from "../pki";
import type { FetchedIntermediate } from "./rules/context";

export { evaluateUpload, EKU_CLIENT_AUTH, type ChainEntry, type ChainRole, type EvaluateOptions, type Partner, type Verdict } from "./evaluate";
export { approvalsRequired, parseProgram, programSchema, ProgramError, CSR_SUBJECT_FIELDS, type Program, type ProgramEnvironment, type ProgramRules, type KeyAlgorithmRule } from "./program";
export { EXAMPLE_PROGRAMS, EXAMPLE_PROGRAM_IDS, EXAMPLE_PROGRAM_RECORDS, getExampleProgram, type ExampleProgramId } from "./programs";
export { cnContainsCompany, foldName } from "./normalize";
export { toVerdictJson, type VerdictJson } from "./verdict-json";
export type { FetchedIntermediate } from "./rules/context";

export type CheckUploadOptions = {
  files: UploadedFile[];
  program: Program;
  partner?: Partner;
  at: Date;
  environment?: string;
  /** Replace the program's trust anchors (PEM or DER). */
  trustAnchors?: readonly (string | Uint8Array)[];
  limits?: Partial<IntakeLimits>;
  crypto?: Crypto;
  crls?: readonly (string | Uint8Array)[];
  statusChecker?: StatusChecker;
  /** Issue 15: intermediates fetched from AIA caIssuers URLs (lib/revocation prepareLiveChecks). */
  fetchedIntermediates?: readonly FetchedIntermediate[];
};

/**
 * The one-call engine: intake + evaluation. Never throws on bad input: every failure,
 * including an unexpected one, comes back as a finding in a rejected verdict.
 *
 * @example
 * const verdict = await checkUpload({
 *   files: [{ name: "client-chain.pem", bytes }],
 *   program: getExampleProgram("self-signed-allowed")!,
 *   partner: { companyName: "Acme Payments" },
 *   at: new Date(),
 * });
 * verdict.verdict; // "accepted" | "rejected"
 */
export async function checkUpload(opts: CheckUploadOptions): Promise<Verdict> {
  try {
    const intakeResult = await intake(opts.files, opts.limits);
    return await evaluateUpload({
      program: opts.program,
      intake: intakeResult,
      at: opts.at,
      ...(opts.partner ? { partner: opts.partner } : {}),
      ...(opts.environment ? { environment: opts.environment } : {}),
      ...(opts.trustAnchors ? { trustAnchors: opts.trustAnchors } : {}),
      ...(opts.crypto ? { crypto: opts.crypto } : {}),
      ...(opts.crls ? { crls: opts.crls } : {}),
      ...(opts.statusChecker ? { statusChecker: opts.statusChecker } : {}),
      ...(opts.fetchedIntermediates?.length ? { fetchedIntermediates: opts.fetchedIntermediates } : {}),
    });
  } catch {
    // Defence in depth: intake and evaluation turn bad input into findings; reaching this
    // means a bug, and the partner still gets a verdict rather than a stack trace.
    return {
      verdict: "rejected",
      findings: [
        finding("FORMAT_UNRECOGNIZED", "error", "The upload could not be evaluated: it is not a certificate, CSR, PKCS#7 or zip Certdesk can read.", {
          fix: "Check the files with: openssl x509 -in <file> -noout -text (or openssl req for a CSR).",
        }),
      ],
      chain: [],
      program: { id: opts.program.id, version: opts.program.version },
      refused: false,
    };
  }
}
