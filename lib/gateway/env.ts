/**
 * Environment names of the gateway's Lambdas (authorizer, activation tick), shared with
 * infra/gateway.ts. Dependency-free on purpose: infra imports it without pulling the runtime.
 * These Lambdas are not the portal: they take these few names, not lib/config's whole set.
 */
export const GATEWAY_ENV = { program: "CERTDESK_GATEWAY_PROGRAM", environment: "CERTDESK_GATEWAY_ENVIRONMENT", bucket: "CERTDESK_S3_BUCKET" } as const;
export const TICK_ENV = { bucket: "CERTDESK_S3_BUCKET", jobsFunction: "CERTDESK_JOBS_FUNCTION" } as const;
