import { sql } from "drizzle-orm";
import type { Database } from "./client";

/** One trivial round trip: throws when the database does not answer (the health probe bounds it in time). */
export async function pingDatabase(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}
