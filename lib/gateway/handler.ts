/**
 * The Lambda authorizer (`lib/gateway/handler.handler`, attached to the partner-facing API in
 * infra/gateway.ts): reads the client certificate from the event, the gateway's
 * `clients.json` from S3 through the version cache, and answers with an IAM policy whose
 * `principalId` is the developer app. Denials are logged with their reason and the
 * certificate's subject and serial only.
 *
 * One function per program and environment; its scope comes from
 * CERTDESK_GATEWAY_PROGRAM / CERTDESK_GATEWAY_ENVIRONMENT and the bucket from
 * CERTDESK_S3_BUCKET. It needs no database and no KMS decrypt beyond the bucket's SSE-KMS.
 */
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { ClientsJson, CurrentPointer } from "@/lib/scheduling/publish-truststore";
import { authorizerResponse, clientCertFromEvent, decideAccess, denialLogLine, type AuthorizerResponse, type GatewayScope } from "./authorize";
import { createClientsCache, truststoreKeys, type ClientsCache, type TruststoreSource } from "./clients-cache";

import { GATEWAY_ENV } from "./env";

export { GATEWAY_ENV };

export function createAuthorizerHandler(options: { scope: GatewayScope; cache: ClientsCache; now?: () => Date; log?: (line: string) => void }): (event: unknown) => Promise<AuthorizerResponse> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line: string) => console.log(line));
  return async (event) => {
    const clients = await options.cache.get();
    const decision = decideAccess({ cert: clientCertFromEvent(event), clients, scope: options.scope, now: now() });
    if (!decision.allow) log(denialLogLine(decision, options.scope));
    return authorizerResponse(decision, event);
  };
}

/** Reads a scope's trust store objects from S3. */
export function s3TruststoreSource(options: { s3: S3Client; bucket: string; scope: GatewayScope }): TruststoreSource {
  const read = async (key: string): Promise<string | null> => {
    try {
      const out = await options.s3.send(new GetObjectCommand({ Bucket: options.bucket, Key: key }));
      return await out.Body!.transformToString();
    } catch (error) {
      const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404) return null;
      throw error;
    }
  };
  return {
    async readPointer() {
      const text = await read(truststoreKeys(options.scope).pointer);
      return text ? (JSON.parse(text) as CurrentPointer) : null;
    },
    async readClients(key) {
      const text = await read(key);
      if (!text) throw new Error(`${key} is missing`);
      return JSON.parse(text) as ClientsJson;
    },
  };
}

let lambdaHandler: ((event: unknown) => Promise<AuthorizerResponse>) | undefined;

/** The Lambda entry point: built once per container, so the cache lives across invocations. */
export async function handler(event: unknown): Promise<AuthorizerResponse> {
  if (!lambdaHandler) {
    const programId = process.env[GATEWAY_ENV.program];
    const environmentKey = process.env[GATEWAY_ENV.environment];
    const bucket = process.env[GATEWAY_ENV.bucket];
    const missing = Object.entries({ [GATEWAY_ENV.program]: programId, [GATEWAY_ENV.environment]: environmentKey, [GATEWAY_ENV.bucket]: bucket })
      .filter(([, v]) => !v)
      .map(([k]) => k);
    // A misconfigured authorizer must not admit anyone: throw, API Gateway answers 500 and nothing passes.
    if (missing.length) throw new Error(`gateway authorizer: ${missing.join(", ")} not set`);
    const scope = { programId: programId!, environmentKey: environmentKey! };
    const cache = createClientsCache({ source: s3TruststoreSource({ s3: new S3Client({}), bucket: bucket!, scope }) });
    lambdaHandler = createAuthorizerHandler({ scope, cache });
  }
  return lambdaHandler(event);
}
