/** What every scheduled job receives and is (kept apart from lambda.ts so jobs never import the dispatcher). */

/** The time of this run (jobs take no clock of their own). */
export type JobContext = { now: Date };
export type JobRunner = (context: JobContext) => Promise<unknown>;
