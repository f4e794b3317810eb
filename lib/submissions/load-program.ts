/**
 * The program an app is checked against: the newest stored version of its program
 * (operators may have edited it), else the shipped example of that id.
 */
import { desc, eq } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { programs } from "@/lib/db";
import { getExampleProgram, parseProgram, ProgramError, type Program } from "@/lib/policy";
import { AppError } from "@/lib/auth/app-error";

/** The program by id, or null when neither the database nor the examples know it. */
export async function findProgram(db: Database, programId: string): Promise<Program | null> {
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(programId)) return null;
  const [row] = await db
    .select({ definition: programs.definition })
    .from(programs)
    .where(eq(programs.id, programId))
    .orderBy(desc(programs.version))
    .limit(1);
  if (row) {
    try {
      return parseProgram(row.definition);
    } catch (error) {
      // A stored program that no longer validates is an operator's problem; say so in the log.
      if (!(error instanceof ProgramError)) throw error;
      console.error(`program ${programId}: stored definition is invalid; using the shipped example if any`, error.message);
    }
  }
  return getExampleProgram(programId) ?? null;
}

/** The program of an app; an app pointing at a program nobody knows cannot take uploads. */
export async function loadProgramForApp(db: Database, programId: string): Promise<Program> {
  const program = await findProgram(db, programId);
  if (!program) throw new AppError("UNAVAILABLE", `This app's program "${programId}" is not configured; contact developer support.`);
  return program;
}
