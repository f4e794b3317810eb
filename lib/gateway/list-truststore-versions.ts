/**
 * For support's Enablements page: each gateway's newest trust store version, and what API
 * Gateway said when the job pointed the domain at it (applied, skipped with why, failed and
 * retried, and its truststoreWarnings — certificates API Gateway could not use, whose
 * partners' calls will fail in the TLS handshake). Support and admin only; refusals audited.
 */
import { and, desc, eq, inArray, max } from "drizzle-orm";
import { truststoreVersions, type Database } from "@/lib/db";
import { requireScheduler, type Actor } from "@/lib/scheduling/access";

export type GatewayTruststoreView = {
  programId: string;
  environmentKey: string;
  version: number;
  cause: string;
  publishedAt: Date;
  gatewayStatus: "pending" | "applied" | "skipped" | "failed" | null;
  gatewayDetail: string | null;
  gatewayWarnings: string[];
  gatewayUpdatedAt: Date | null;
};

export async function listGatewayTruststores(db: Database, input: { actor: Actor; now: Date }): Promise<GatewayTruststoreView[]> {
  await requireScheduler(db, input.actor, "gateway.list-truststores", input.now);
  const newest = db
    .select({ programId: truststoreVersions.programId, environmentKey: truststoreVersions.environmentKey, version: max(truststoreVersions.version).as("last_version") })
    .from(truststoreVersions)
    .groupBy(truststoreVersions.programId, truststoreVersions.environmentKey)
    .as("newest");
  const rows = await db
    .select({
      programId: truststoreVersions.programId,
      environmentKey: truststoreVersions.environmentKey,
      version: truststoreVersions.version,
      cause: truststoreVersions.cause,
      publishedAt: truststoreVersions.createdAt,
      gatewayStatus: truststoreVersions.gatewayStatus,
      gatewayDetail: truststoreVersions.gatewayDetail,
      gatewayWarnings: truststoreVersions.gatewayWarnings,
      gatewayUpdatedAt: truststoreVersions.gatewayUpdatedAt,
    })
    .from(truststoreVersions)
    .innerJoin(newest, and(eq(newest.programId, truststoreVersions.programId), eq(newest.environmentKey, truststoreVersions.environmentKey), eq(newest.version, truststoreVersions.version)))
    .orderBy(desc(truststoreVersions.createdAt))
    .limit(200);
  // Warnings of an applied version stay relevant until a newer one is applied: show the newest
  // applied version's warnings when the newest version is still on its way.
  const waiting = rows.filter((r) => r.gatewayStatus === "pending" || r.gatewayStatus === "failed");
  const lastApplied = new Map<string, string[]>();
  if (waiting.length) {
    const applied = await db
      .select({ programId: truststoreVersions.programId, environmentKey: truststoreVersions.environmentKey, warnings: truststoreVersions.gatewayWarnings })
      .from(truststoreVersions)
      .where(and(eq(truststoreVersions.gatewayStatus, "applied"), inArray(truststoreVersions.programId, [...new Set(waiting.map((w) => w.programId))])))
      .orderBy(desc(truststoreVersions.version));
    for (const a of applied) {
      const key = `${a.programId}/${a.environmentKey}`;
      if (!lastApplied.has(key)) lastApplied.set(key, a.warnings ?? []);
    }
  }
  return rows.map((r) => ({
    ...r,
    gatewayWarnings: r.gatewayWarnings ?? (waiting.includes(r) ? (lastApplied.get(`${r.programId}/${r.environmentKey}`) ?? []) : []),
  }));
}
