/** The seam between the activation job and API Gateway (implementation: truststore-updater.ts). Type-only and SDK-free, so the job's imports stay light. */
import type { GatewayScope } from "./authorize";

export type TruststoreUpdate = { scope: GatewayScope; versionId: string };
export type TruststoreUpdateResult = { domainName: string; truststoreVersion: string; warnings: string[] } | { domainName: null; reason: string };
export type GatewayTruststoreUpdater = { update(input: TruststoreUpdate): Promise<TruststoreUpdateResult> };
