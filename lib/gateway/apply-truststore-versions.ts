/**
 * After the activation job publishes, point each API Gateway domain at the trust store
 * version just written, and record what API Gateway said (its truststoreWarnings) on the
 * version row, where support sees it (Enablements page).
 *
 * Works from the rows, not from this run's publications: a version published by a
 * revocation (in the portal, outside the job) or one whose update failed is applied at the
 * job's next run. Only the newest version of a scope is applied; older pending ones are
 * marked superseded. Every change is conditional on the row's status, so two job runs at
 * once apply a version once (a second identical UpdateDomainName would be harmless anyway).
 */
import { and, eq, inArray, max } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { truststoreVersions } from "@/lib/db";
import type { GatewayTruststoreUpdater } from "./updater-types";

export type GatewayApplyReport = {
  applied: { programId: string; environmentKey: string; version: number; domainName: string; warnings: string[] }[];
  skipped: { programId: string; environmentKey: string; version: number; reason: string }[];
  failed: { programId: string; environmentKey: string; version: number }[];
};

export async function applyTruststoreVersions(deps: { db: Database; updater: GatewayTruststoreUpdater; now: Date; log?: (line: string, error?: unknown) => void }): Promise<GatewayApplyReport> {
  const { db, updater, now } = deps;
  const log = deps.log ?? ((line: string, error?: unknown) => console.error(line, error ?? ""));
  const report: GatewayApplyReport = { applied: [], skipped: [], failed: [] };
  const waiting = await db
    .select({ id: truststoreVersions.id, programId: truststoreVersions.programId, environmentKey: truststoreVersions.environmentKey, version: truststoreVersions.version, s3VersionId: truststoreVersions.s3VersionId })
    .from(truststoreVersions)
    .where(inArray(truststoreVersions.gatewayStatus, ["pending", "failed"]));
  if (waiting.length === 0) return report;
  const newest = new Map<string, number>();
  for (const r of await db
    .select({ programId: truststoreVersions.programId, environmentKey: truststoreVersions.environmentKey, last: max(truststoreVersions.version) })
    .from(truststoreVersions)
    .groupBy(truststoreVersions.programId, truststoreVersions.environmentKey)) {
    newest.set(`${r.programId}/${r.environmentKey}`, r.last ?? 0);
  }
  const stillWaiting = and(inArray(truststoreVersions.gatewayStatus, ["pending", "failed"]));
  for (const row of waiting) {
    const last = newest.get(`${row.programId}/${row.environmentKey}`) ?? row.version;
    const scope = { programId: row.programId, environmentKey: row.environmentKey };
    if (row.version < last || !row.s3VersionId) {
      const reason = row.version < last ? `superseded by v${last} before it reached the gateway` : "no S3 VersionId recorded";
      await db.update(truststoreVersions).set({ gatewayStatus: "skipped", gatewayDetail: reason, gatewayUpdatedAt: now }).where(and(eq(truststoreVersions.id, row.id), stillWaiting));
      report.skipped.push({ ...scope, version: row.version, reason });
      continue;
    }
    try {
      const result = await updater.update({ scope, versionId: row.s3VersionId });
      if (result.domainName === null) {
        await db.update(truststoreVersions).set({ gatewayStatus: "skipped", gatewayDetail: result.reason, gatewayUpdatedAt: now }).where(and(eq(truststoreVersions.id, row.id), stillWaiting));
        report.skipped.push({ ...scope, version: row.version, reason: result.reason });
        continue;
      }
      await db
        .update(truststoreVersions)
        .set({ gatewayStatus: "applied", gatewayWarnings: result.warnings, gatewayDetail: `${result.domainName} now reads truststore version ${result.truststoreVersion}`, gatewayUpdatedAt: now })
        .where(and(eq(truststoreVersions.id, row.id), stillWaiting));
      if (result.warnings.length) log(`gateway: ${result.domainName} accepted ${row.programId}/${row.environmentKey} v${row.version} with warnings: ${result.warnings.join("; ")}`);
      report.applied.push({ ...scope, version: row.version, domainName: result.domainName, warnings: result.warnings });
    } catch (error) {
      // The published objects are right; the gateway is behind. The next run retries.
      const e = error as { name?: string; message?: string };
      const detail = `API Gateway update failed (${e.name ?? "Error"}: ${String(e.message ?? "").slice(0, 300)}); retried at the next run`;
      log(`gateway: updating ${row.programId}/${row.environmentKey} v${row.version} failed; retried next run`, error);
      await db.update(truststoreVersions).set({ gatewayStatus: "failed", gatewayDetail: detail, gatewayUpdatedAt: now }).where(and(eq(truststoreVersions.id, row.id), stillWaiting));
      report.failed.push({ ...scope, version: row.version });
    }
  }
  return report;
}
