/**
 * Local mode runs the scheduled jobs in-process: `scripts/start.ts` calls
 * `startJobRunner()` once the portal is up. Runs never overlap in one process (a slow run
 * delays the next tick instead of stacking), and the activation job is itself safe to run
 * concurrently, so a second process doing the same is harmless.
 */
import { getDb } from "@/lib/db";
import { getConfig } from "@/lib/config";
import { getStorage } from "@/lib/storage";
import { activateEnablements, type ActivationDeps, type ActivationReport } from "./activate-enablements";
import { runCaJobs } from "@/lib/ca/jobs";
import { runExpiryJob } from "@/lib/expiry/run-expiry-job";
import { recheckRevocation } from "./recheck-revocation";

export type JobRunnerHandle = {
  /** Resolves when the run in progress (if any) has finished. */
  stop(): Promise<void>;
  /** Runs once now (tests, "run now" buttons); resolves with the report. */
  runOnce(): Promise<ActivationReport>;
};

export function startJobRunner(
  options: {
    intervalMs?: number;
    now?: () => Date;
    /** Injected for tests; default: the process-wide database and storage. */
    deps?: () => Promise<Omit<ActivationDeps, "now">>;
    log?: (line: string, error?: unknown) => void;
    /** Issue 10: local mode's orphan clean-up, run on every tick after the other jobs (scripts/start.ts passes it). */
    cleanOrphans?: (now: Date) => Promise<{ scanned: number; deleted: number; failed: number }>;
  } = {},
): JobRunnerHandle {
  const intervalMs = options.intervalMs ?? 60_000;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line: string, error?: unknown) => console.error(line, error ?? ""));
  const deps = options.deps ?? (async () => ({ db: await getDb(), storage: getStorage() }));
  let running: Promise<ActivationReport> | null = null;
  let stopped = false;
  // Issue 15: the revocation re-check is daily here too (at start, then every 24 h).
  let lastRecheck: Date | undefined;

  const runOnce = (): Promise<ActivationReport> => {
    running ??= (async () => {
      try {
        const d = await deps();
        const at = now();
        const report = await activateEnablements({ ...d, now: at, log });
        // Issue 14: locally the expiry job runs on every tick (it is idempotent; on AWS it is daily).
        await runExpiryJob({ db: d.db, now: at }).catch((error: unknown) => log("jobs: expiry-reminders failed; retried next run", error));
        // Issue 12: pending issuances and due CRLs (a revocation reaches the CRL within a minute).
        await runCaJobs({ db: d.db, storage: d.storage, now: at }).catch((error: unknown) => log("jobs: CA issuance/CRL failed; retried next run", error));
        if (!lastRecheck || at.getTime() - lastRecheck.getTime() >= 24 * 3_600_000) {
          lastRecheck = at;
          await recheckRevocation({ db: d.db, storage: d.storage, now: at, log }).then(
            (r) => (r.revoked.length ? console.log(`jobs: recheck-revocation checked ${r.checked}; revoked by their CA: ${r.revoked.map((x) => `${x.subject} (${x.action})`).join(", ")}`) : undefined),
            (error: unknown) => log("jobs: recheck-revocation failed; retried tomorrow", error),
          );
        }
        if (options.cleanOrphans) {
          await options.cleanOrphans(at).then(
            (r) => (r.deleted || r.failed ? console.log(`jobs: clean-orphaned-objects removed ${r.deleted} of ${r.scanned} stored objects${r.failed ? `, ${r.failed} failed` : ""}`) : undefined),
            (error: unknown) => log("jobs: clean-orphaned-objects failed; retried next run", error),
          );
        }
        return report;
      } finally {
        running = null;
      }
    })();
    return running;
  };

  const tick = () => {
    if (stopped || running) return;
    runOnce().then(
      (report) => {
        if (report.activated.length || report.retired || report.expired || report.published.length) {
          console.log(
            `jobs: activated ${report.activated.length}, retired ${report.retired}, expired ${report.expired}, published ${report.published.map((p) => `${p.programId}/${p.environmentKey} v${p.version}`).join(", ") || "nothing"}`,
          );
        }
      },
      // A failing run must not stop the runner: the next tick retries.
      (error) => log("jobs: activate-enablements failed; retrying next minute", error),
    );
  };

  const timer = setInterval(tick, intervalMs);
  // The runner never keeps the process alive on its own.
  timer.unref?.();
  tick();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
    runOnce,
  };
}

/** The Lambda dispatcher's entry (lib/jobs/lambda.ts). */
export async function runActivation({ now }: { now: Date }): Promise<ActivationReport> {
  // Issue 13: on AWS each publication is pushed to the API Gateway domain that reads it.
  const config = getConfig();
  const gateway =
    config.mode === "aws"
      ? await import("@/lib/gateway/truststore-updater").then(async (m) => {
          const { ApiGatewayV2Client } = await import("@aws-sdk/client-apigatewayv2");
          return m.createApiGatewayTruststoreUpdater({ client: new ApiGatewayV2Client({ region: config.s3.region }), bucket: config.s3.bucket });
        })
      : null;
  return activateEnablements({ db: await getDb(), storage: getStorage(), now, gateway });
}
