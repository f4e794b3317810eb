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
  } = {},
): JobRunnerHandle {
  const intervalMs = options.intervalMs ?? 60_000;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line: string, error?: unknown) => console.error(line, error ?? ""));
  const deps = options.deps ?? (async () => ({ db: await getDb(), storage: getStorage() }));
  let running: Promise<ActivationReport> | null = null;
  let stopped = false;

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
