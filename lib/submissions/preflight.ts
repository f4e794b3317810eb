/**
 * A dry run: the engine's verdict for a program, with nothing stored and no records
 * consulted beyond the caller's organisation (its company name is the default).
 */
import type { Database } from "@/lib/db";
import { AppError } from "@/lib/auth/app-error";
import { checkUpload, EXAMPLE_PROGRAM_IDS, type Partner } from "@/lib/policy";
import type { UploadedFile } from "@/lib/intake";
import type { ApiPrincipal } from "@/lib/auth/api-tokens";
import { liveFetcher, partnerOf, type LiveOption } from "./check-upload-for-app";
import { dbResponseCache } from "@/lib/pki-fetch/cache";
import { prepareLiveChecks } from "@/lib/revocation/live-checks";
import { validateUpload } from "./create-submission";
import { findProgram } from "./load-program";
import { toVerdictJson, type VerdictJson } from "@/lib/policy/verdict-json";

export async function preflight(
  deps: { db: Database; now?: () => Date; live?: LiveOption },
  input: { principal: ApiPrincipal; files: UploadedFile[]; programId: string | null; company?: string | null },
): Promise<VerdictJson> {
  validateUpload({ files: input.files });
  if (!input.programId) throw new AppError("INVALID_INPUT", `Name the program to check against in the "program" field (for example ${EXAMPLE_PROGRAM_IDS.join(", ")}).`);
  const program = await findProgram(deps.db, input.programId);
  if (!program) throw new AppError("NOT_FOUND", `Unknown program "${input.programId.slice(0, 64)}". Known programs include: ${EXAMPLE_PROGRAM_IDS.join(", ")}.`);
  const partner: Partner = await partnerOf(deps.db, input.principal.organisationId);
  const company = input.company?.trim();
  if (company) partner.companyName = company.slice(0, 200);
  const at = deps.now?.() ?? new Date();
  // Issue 15: like an upload, a preflight goes online (AIA intermediates, OCSP/CRL) before the engine.
  const fetch = liveFetcher(deps.live);
  const live = fetch ? await prepareLiveChecks({ files: input.files, program, fetch, cache: dbResponseCache(deps.db), now: () => at }) : undefined;
  const verdict = await checkUpload({
    files: input.files,
    program,
    partner,
    at,
    ...(live ? { statusChecker: live.checker.statusChecker, fetchedIntermediates: live.fetchedIntermediates } : {}),
  });
  return toVerdictJson(verdict);
}
