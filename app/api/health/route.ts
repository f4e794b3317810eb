import { getDb } from "@/lib/db";
import { pingDatabase } from "@/lib/db/health";
import { getStorage } from "@/lib/storage";

export const dynamic = "force-dynamic";

type Check = { ok: boolean; detail: string };

/** Each check is bounded, so a hung dependency makes the probe report "down" instead of hang. */
async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A fixed, secret-free description of a failure: error texts can hold URLs with passwords. */
function failed(what: string, error: unknown): Check {
  const timedOut = error instanceof Error && error.message.includes("did not answer");
  console.error(`health: ${what} check failed:`, error instanceof Error ? error.message : error);
  return { ok: false, detail: timedOut ? `${what} did not answer in time` : `${what} is unavailable` };
}

async function checkDatabase(): Promise<Check> {
  try {
    // Opening may include Aurora resuming from zero capacity (15–30 s); a query on an open pool is quick.
    const db = await withTimeout(getDb(), 45_000, "database");
    await withTimeout(pingDatabase(db), 5_000, "database");
    return { ok: true, detail: "reachable, migrations applied" };
  } catch (error) {
    return failed("database", error);
  }
}

async function checkStorage(): Promise<{ storage: Check; keyring: Check }> {
  try {
    const health = await withTimeout(getStorage().health(), 10_000, "storage");
    return { storage: health.bucket, keyring: health.keyring };
  } catch (error) {
    const down = failed("storage", error);
    return { storage: down, keyring: { ok: false, detail: "not checked: storage is unavailable" } };
  }
}

/** GET /api/health: 200 when everything answers, 503 when anything is down. */
export async function GET() {
  const [database, { storage, keyring }] = await Promise.all([checkDatabase(), checkStorage()]);
  const ok = database.ok && storage.ok && keyring.ok;
  return Response.json(
    { status: ok ? "ok" : "degraded", database, storage, keyring },
    { status: ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
