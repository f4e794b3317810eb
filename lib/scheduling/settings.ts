/**
 * A program's scheduling settings. lib/policy's program schema does not (yet) carry them,
 * so they are read here from the stored program definition's optional `scheduling` object,
 * each field falling back to the house default when absent or malformed — a half-written
 * setting must never stop windows from opening.
 *
 * Fields the program schema should gain (all optional, under `scheduling`):
 *   productionLeadBusinessDays, expiryMarginDays, overlapHours, sandboxImmediate, timeZone.
 */
import { desc, eq } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { programs } from "@/lib/db";
import { isValidTimeZone } from "./time";

export type SchedulingSettings = {
  /** A production window must open at least this many business days after approval (time for the partner to prepare). */
  productionLeadBusinessDays: number;
  /** A replacement must be live at least this many days before the certificate it replaces expires. */
  expiryMarginDays: number;
  /** How long the replaced certificate stays trusted next to its successor (004: rotation overlap). */
  overlapHours: number;
  /** Non-production environments may be enabled at once, outside any window. */
  sandboxImmediate: boolean;
  /** The provider's zone: blackout dates and business days are reckoned in it. */
  timeZone: string;
};

export const DEFAULT_SCHEDULING_SETTINGS: SchedulingSettings = {
  productionLeadBusinessDays: 2,
  expiryMarginDays: 7,
  overlapHours: 48,
  sandboxImmediate: true,
  timeZone: "UTC",
};

function int(value: unknown, min: number, max: number): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}

/** Settings from a program definition (any JSON); unknown or invalid fields take the defaults. */
export function schedulingSettingsFrom(definition: unknown): SchedulingSettings {
  const raw = (definition && typeof definition === "object" ? (definition as { scheduling?: unknown }).scheduling : undefined) ?? {};
  const s = (typeof raw === "object" && raw ? raw : {}) as Record<string, unknown>;
  const d = DEFAULT_SCHEDULING_SETTINGS;
  return {
    productionLeadBusinessDays: int(s.productionLeadBusinessDays, 0, 60) ?? d.productionLeadBusinessDays,
    expiryMarginDays: int(s.expiryMarginDays, 0, 365) ?? d.expiryMarginDays,
    overlapHours: int(s.overlapHours, 0, 24 * 90) ?? d.overlapHours,
    sandboxImmediate: typeof s.sandboxImmediate === "boolean" ? s.sandboxImmediate : d.sandboxImmediate,
    timeZone: typeof s.timeZone === "string" && isValidTimeZone(s.timeZone) ? s.timeZone : d.timeZone,
  };
}

/** The settings of the newest stored version of a program (defaults when the program is unknown). */
export async function loadSchedulingSettings(db: Database, programId: string): Promise<SchedulingSettings> {
  const [row] = await db
    .select({ definition: programs.definition })
    .from(programs)
    .where(eq(programs.id, programId))
    .orderBy(desc(programs.version))
    .limit(1);
  return schedulingSettingsFrom(row?.definition);
}
