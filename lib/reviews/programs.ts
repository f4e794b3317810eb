/** Review settings of programs, read once per request. */
import { findProgram } from "@/lib/submissions/load-program";
import type { Database } from "@/lib/db";

export const DEFAULT_REVIEW_TARGET_DAYS = 2;

/** Each program's review target in business days; unknown programs get the default. */
export async function reviewTargets(db: Database, programIds: Iterable<string>): Promise<Map<string, number>> {
  const targets = new Map<string, number>();
  for (const id of new Set(programIds)) {
    const program = await findProgram(db, id);
    targets.set(id, program?.review.targetBusinessDays ?? DEFAULT_REVIEW_TARGET_DAYS);
  }
  return targets;
}
