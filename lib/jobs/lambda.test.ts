import { describe, expect, it } from "vitest";
import { createJobHandler, JOB_NAMES, JobNotImplementedError, JOBS, UnknownJobError, type JobEntry, type JobName } from "./lambda";

const NOW = new Date("2026-11-23T10:15:00Z");

function table(overrides: Partial<Record<JobName, JobEntry>>): Record<JobName, JobEntry> {
  return { ...JOBS, ...overrides };
}

describe("jobs Lambda dispatcher", () => {
  it("refuses events without a known job name, naming the ones it knows", async () => {
    const run = createJobHandler({ jobs: JOBS, now: () => NOW });
    for (const event of [{}, { job: "activate" }, null, "activate-enablements", { job: 42 }]) {
      await expect(run(event)).rejects.toBeInstanceOf(UnknownJobError);
    }
    await expect(run({ job: "nope" })).rejects.toThrow(/"activate-enablements" \| "clean-orphaned-objects"/);
  });

  it("fails loudly for a scheduled job whose implementation has not landed, saying where it will live", async () => {
    const run = createJobHandler({
      jobs: table({ "clean-orphaned-objects": { plannedIn: "lib/jobs/clean-orphaned-objects.ts (test)" } }),
      now: () => NOW,
    });
    await expect(run({ job: "clean-orphaned-objects" })).rejects.toBeInstanceOf(JobNotImplementedError);
    await expect(run({ job: "clean-orphaned-objects" })).rejects.toThrow(/"clean-orphaned-objects" is scheduled but not implemented yet: it will live in lib\/jobs\//);
  });

  it("has an implementation for every scheduled job", () => {
    for (const job of JOB_NAMES) expect(JOBS[job].load, job).toBeTypeOf("function");
  });

  it("dispatches activate-enablements to the activation job (issue 6)", async () => {
    const { runActivation } = await import("./runner");
    expect(await JOBS["activate-enablements"].load!()).toBe(runActivation);
  });

  it("dispatches clean-orphaned-objects to the orphan clean-up (issue 4)", async () => {
    const { run } = await import("./clean-orphaned-objects");
    expect(await JOBS["clean-orphaned-objects"].load!()).toBe(run);
  });

  it("runs an implemented job once with the run's time and returns its result", async () => {
    const calls: Date[] = [];
    const run = createJobHandler({
      jobs: table({
        "activate-enablements": {
          plannedIn: "test",
          load: async () => async ({ now }) => {
            calls.push(now);
            return { activated: 2 };
          },
        },
      }),
      now: () => NOW,
    });
    await expect(run({ job: "activate-enablements" })).resolves.toEqual({
      job: "activate-enablements",
      startedAt: "2026-11-23T10:15:00.000Z",
      result: { activated: 2 },
    });
    expect(calls).toEqual([NOW]);
  });

  it("checks the configuration before loading a job, so a missing setting names itself", async () => {
    let loaded = false;
    const run = createJobHandler({
      jobs: table({ "clean-orphaned-objects": { plannedIn: "test", load: async () => ((loaded = true), async () => null) } }),
      now: () => NOW,
      checkConfig: () => {
        throw new Error("CERTDESK_S3_BUCKET: is required but not set");
      },
    });
    await expect(run({ job: "clean-orphaned-objects" })).rejects.toThrow(/CERTDESK_S3_BUCKET/);
    expect(loaded).toBe(false);
  });

  it("propagates a job's failure so the scheduler records the run as failed", async () => {
    const run = createJobHandler({
      jobs: table({
        "activate-enablements": {
          plannedIn: "test",
          load: async () => async () => {
            throw new Error("S3 PutObject denied");
          },
        },
      }),
      now: () => NOW,
    });
    await expect(run({ job: "activate-enablements" })).rejects.toThrow("S3 PutObject denied");
  });
});
