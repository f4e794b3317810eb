/**
 * The one AWS Lambda entry point for Certdesk's scheduled jobs.
 *
 * Each `sst.aws.Cron` in `infra/jobs.ts` invokes this handler with `{ "job": "<name>" }`
 * and the handler dispatches to the job's implementation in `lib/jobs`. A job whose
 * implementation has not been written yet fails loudly with {@link JobNotImplementedError}
 * — a scheduled job that silently "succeeds" while doing nothing would hide that
 * certificates are never activated.
 */
import { getConfig } from "../config";

/** Every job the schedule knows, in the order they were introduced. */
export const JOB_NAMES = ["activate-enablements", "clean-orphaned-objects", "expiry-reminders", "recheck-revocation", "deliver-emails"] as const;
export type JobName = (typeof JOB_NAMES)[number];

// Job modules import these from ./types, never from this dispatcher (which imports them): no cycle.
import type { JobRunner } from "./types";
export type { JobContext, JobRunner } from "./types";

/**
 * Where each job's implementation lives. `load` is absent until the issue that builds the
 * job lands; it then becomes `() => import("./activate-enablements").then((m) => m.run)`.
 */
export type JobEntry = { load?: () => Promise<JobRunner>; plannedIn: string };

export const JOBS: Record<JobName, JobEntry> = {
  "activate-enablements": {
    plannedIn: "lib/jobs/activate-enablements.ts (issue 6: enablement windows)",
    load: () => import("./runner").then((m) => m.runActivation),
  },
  "clean-orphaned-objects": {
    plannedIn: "lib/jobs/clean-orphaned-objects.ts (issue 4: submission persistence)",
    load: () => import("./clean-orphaned-objects").then((m) => m.run),
  },
  "expiry-reminders": {
    plannedIn: "lib/expiry/run-expiry-job.ts (issue 14: expiry and renewal)",
    load: () => import("../expiry/job").then((m) => m.run),
  },
  "deliver-emails": {
    plannedIn: "lib/notifications/deliver-job.ts (issue 14: e-mail leaves on AWS)",
    load: () => import("../notifications/deliver-job").then((m) => m.run),
  },
  "recheck-revocation": {
    plannedIn: "lib/jobs/recheck-revocation.ts (issue 15: live revocation)",
    load: () => import("./recheck-revocation").then((m) => m.run),
  },
};

export class UnknownJobError extends Error {
  constructor(readonly received: unknown) {
    super(`Unknown job ${JSON.stringify(received)}; expected an event {"job": ${JOB_NAMES.map((n) => `"${n}"`).join(" | ")}}`);
    this.name = "UnknownJobError";
  }
}

export class JobNotImplementedError extends Error {
  constructor(
    readonly job: JobName,
    readonly plannedIn: string,
  ) {
    super(`Job "${job}" is scheduled but not implemented yet: it will live in ${plannedIn}. Nothing was done.`);
    this.name = "JobNotImplementedError";
  }
}

export type JobResult = { job: JobName; startedAt: string; result: unknown };

function isJobName(value: unknown): value is JobName {
  return typeof value === "string" && (JOB_NAMES as readonly string[]).includes(value);
}

/**
 * Builds the dispatcher over a job table (the tests pass their own table).
 *
 * @example
 * const run = createJobHandler({ jobs: JOBS, now: () => new Date() });
 * await run({ job: "activate-enablements" });
 */
export function createJobHandler(options: {
  jobs: Record<JobName, JobEntry>;
  now: () => Date;
  /** Validates the configuration before any job touches a resource. */
  checkConfig?: () => void;
}): (event: unknown) => Promise<JobResult> {
  return async (event) => {
    const job = typeof event === "object" && event !== null ? (event as { job?: unknown }).job : undefined;
    if (!isJobName(job)) throw new UnknownJobError(job);
    const entry = options.jobs[job];
    if (!entry.load) throw new JobNotImplementedError(job, entry.plannedIn);
    // A missing setting should name itself here, not surface as a confusing AWS SDK error mid-job.
    options.checkConfig?.();
    const startedAt = options.now();
    const runner = await entry.load();
    const result = await runner({ now: startedAt });
    return { job, startedAt: startedAt.toISOString(), result };
  };
}

/** The Lambda handler named in `infra/jobs.ts` (`lib/jobs/lambda.handler`). */
export const handler = createJobHandler({
  jobs: JOBS,
  now: () => new Date(),
  checkConfig: () => void getConfig(),
});
