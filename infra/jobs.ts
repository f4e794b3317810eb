/**
 * Scheduled jobs: one Lambda (`lib/jobs/lambda.ts`) dispatching by job name, and one
 * EventBridge schedule per job that invokes it with `{ "job": "<name>" }`.
 *
 * One function means one jobs role for the KMS key policy to name. Jobs whose
 * implementation has not landed yet fail loudly on every run (JobNotImplementedError in
 * the function's logs and error metrics) rather than pretend to succeed.
 */
import type { JobName } from "../lib/jobs/lambda";
import { BUNDLE_EXTERNALS } from "./environment";

/**
 * When each job runs (EventBridge expressions, UTC). Keyed by `JobName`, so adding a job
 * to lib/jobs without a schedule does not compile.
 *
 * Activation is started on time by the per-minute `ActivationTick` (infra/gateway.ts), which
 * reads S3 due markers and wakes the database only when a window, an overlap's end or an
 * expiry is due (issue 13). Its cron here is a daily backstop, at the same minute as the
 * expiry reminders so the database wakes once for both (docs/deploy.md).
 */
export const JOB_SCHEDULES: Record<JobName, `cron(${string})` | `rate(${string})`> = {
  "activate-enablements": "cron(0 7 * * ? *)",
  "clean-orphaned-objects": "cron(30 3 * * ? *)",
  // Daily (issue 14): reminders, expiry notices and the support and reviewer digests, at the
  // start of the working day in Europe; a quarter hour, so the database wakes once for both.
  "expiry-reminders": "cron(0 7 * * ? *)",
  // Issue 14: the outbox goes out through SES hourly in European working hours (15 database
  // wakes a weekday, ~$2/month at 0.5 ACU) and at the end of each expiry run; in-app
  // notifications are immediate. Every 15 minutes would keep Aurora up a third of the day.
  "deliver-emails": "cron(10 6-20 ? * MON-FRI *)",
  // Daily (issue 15): every live certificate's OCSP/CRL status, before the working day.
  "recheck-revocation": "cron(30 6 * * ? *)",
};

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

export function createJobs(options: { vpc: unknown; link: unknown[]; environment: Record<string, unknown> }) {
  const fn = new sst.aws.Function("Jobs", {
    handler: "lib/jobs/lambda.handler",
    runtime: "nodejs22.x",
    timeout: "5 minutes",
    memory: "512 MB",
    vpc: options.vpc,
    link: options.link,
    environment: options.environment,
    // Jobs are idempotent and the next scheduled run catches up; async retries would only
    // multiply a failure (and its alarms) within the same minute.
    retries: 0,
    nodejs: { esbuild: { external: BUNDLE_EXTERNALS } },
  });
  const crons = (Object.keys(JOB_SCHEDULES) as JobName[]).map(
    (job) =>
      new sst.aws.Cron(`Job${pascal(job)}`, {
        schedule: JOB_SCHEDULES[job],
        function: fn.arn,
        event: { job },
      }),
  );
  return { fn, crons };
}
