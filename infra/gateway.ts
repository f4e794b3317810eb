/**
 * The partner-facing side: where the published trust stores are enforced.
 *
 * Per program and environment listed in CERTDESK_DEPLOY_GATEWAYS, an example HTTP API
 * (API Gateway v2) on a regional custom domain with mutual TLS:
 *
 *   client ──TLS (trust store: s3://<bucket>/truststores/<program>/<env>/current/truststore.pem
 *            at the S3 version the activation job last set)──> custom domain
 *          ──> route GET /whoami, Lambda authorizer (lib/gateway/handler: the leaf's
 *              fingerprint must be active in clients.json) ──> backend (lib/gateway/whoami)
 *
 * - The API's default execute-api endpoint is disabled: a client could otherwise skip the
 *   custom domain, and with it mutual TLS.
 * - `truststoreVersion` is the job's to move (UpdateDomainName after each publish): Pulumi
 *   ignores it, so a deploy never rolls the gateway back to an older trust store.
 * - The jobs role may PATCH exactly these domains (and list domain names, read-only, to find
 *   a domain by its trust store URI); the authorizer may read exactly its scope's objects.
 *
 * And `ActivationTick`: the per-minute trigger (lib/gateway/activation-tick) that starts the
 * activation job when an S3 due marker says so, outside the VPC, never touching the database.
 *
 * A domain can only be created once its trust store object exists (API Gateway reads it at
 * creation): list a program/environment here after its first certificate was activated.
 */
import { GATEWAY_ENV, TICK_ENV } from "../lib/gateway/env";

export const GATEWAY_DEPLOY_ENV = {
  /** `program/environment=host` pairs, comma-separated: `ca-chain/production=api.example-bank.com,ca-chain/sandbox=api.sandbox.example-bank.com`. */
  gateways: "CERTDESK_DEPLOY_GATEWAYS",
  /** A REGIONAL ACM certificate (in the deploy region) covering those hosts; mutual TLS needs a regional endpoint. */
  certificateArn: "CERTDESK_DEPLOY_GATEWAY_CERT_ARN",
} as const;

export type GatewayTarget = { programId: string; environmentKey: string; domainName: string };

const SCOPE = /^[a-z0-9][a-z0-9-]{0,62}$/;
const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Reads the gateway list; every malformed entry is named in one error. Empty: no gateways. */
export function readGatewaySettings(env: Record<string, string | undefined>): { targets: GatewayTarget[]; certificateArn?: string } {
  const raw = env[GATEWAY_DEPLOY_ENV.gateways]?.trim() ?? "";
  const certificateArn = env[GATEWAY_DEPLOY_ENV.certificateArn]?.trim() || undefined;
  if (!raw) return { targets: [] };
  const problems: string[] = [];
  const targets: GatewayTarget[] = [];
  for (const entry of raw.split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^/=\s]+)\/([^/=\s]+)=(\S+)$/.exec(entry);
    if (!m || !SCOPE.test(m[1]!) || !SCOPE.test(m[2]!) || !HOST.test(m[3]!.toLowerCase())) {
      problems.push(`${GATEWAY_DEPLOY_ENV.gateways}: "${entry}" is not program/environment=host`);
      continue;
    }
    targets.push({ programId: m[1]!, environmentKey: m[2]!, domainName: m[3]!.toLowerCase() });
  }
  if (!certificateArn || !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/.test(certificateArn)) {
    problems.push(`${GATEWAY_DEPLOY_ENV.certificateArn}: must be a regional ACM certificate ARN for the gateway hosts`);
  }
  if (problems.length) throw new Error(`Gateway deploy settings are invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return { targets, certificateArn };
}

function pascal(text: string): string {
  return text.replace(/(^|[-_/])([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

export function truststoreObjectKey(target: Pick<GatewayTarget, "programId" | "environmentKey">): string {
  return `truststores/${target.programId}/${target.environmentKey}/current/truststore.pem`;
}

export function createPartnerGateways(options: {
  settings: { targets: GatewayTarget[]; certificateArn?: string };
  bucket: { name: unknown; arn: unknown };
  key: { arn: unknown };
  jobs: { fn: { nodes: { role: { name: unknown } } } };
}) {
  const { bucket, key, settings } = options;
  const region = aws.getRegionOutput({}).name;
  const partition = aws.getPartitionOutput({}).partition;
  const gateways = settings.targets.map((target) => {
    const suffix = pascal(`${target.programId}-${target.environmentKey}`);
    const authorizerFn = new sst.aws.Function(`GatewayAuthorizer${suffix}`, {
      handler: "lib/gateway/handler.handler",
      runtime: "nodejs22.x",
      memory: "256 MB",
      timeout: "10 seconds",
      environment: { [GATEWAY_ENV.program]: target.programId, [GATEWAY_ENV.environment]: target.environmentKey, [GATEWAY_ENV.bucket]: bucket.name },
      permissions: [
        // Its own scope's pointer and clients.json only; the bucket is SSE-KMS, hence Decrypt.
        { actions: ["s3:GetObject"], resources: [$interpolate`${bucket.arn}/truststores/${target.programId}/${target.environmentKey}/*`] },
        { actions: ["kms:Decrypt"], resources: [key.arn] },
      ],
    });
    const backend = new sst.aws.Function(`GatewayWhoami${suffix}`, { handler: "lib/gateway/whoami.handler", runtime: "nodejs22.x", memory: "128 MB", timeout: "5 seconds" });

    const api = new aws.apigatewayv2.Api(`GatewayApi${suffix}`, {
      name: $interpolate`certdesk-${$app.stage}-${target.programId}-${target.environmentKey}`,
      protocolType: "HTTP",
      // Only the custom domain (with mutual TLS) may reach the API.
      disableExecuteApiEndpoint: true,
    });
    const authorizer = new aws.apigatewayv2.Authorizer(`GatewayAuthorizerAttachment${suffix}`, {
      apiId: api.id,
      name: "certdesk-client-certificate",
      authorizerType: "REQUEST",
      authorizerUri: authorizerFn.nodes.function.invokeArn,
      authorizerPayloadFormatVersion: "2.0",
      // IAM-policy responses carry principalId (the developer app) to the backend.
      enableSimpleResponses: false,
      // Never cache: the identity is the client certificate, which is not an identity source.
      authorizerResultTtlInSeconds: 0,
      identitySources: [],
    });
    new aws.lambda.Permission(`GatewayAuthorizerInvoke${suffix}`, {
      action: "lambda:InvokeFunction",
      function: authorizerFn.name,
      principal: "apigateway.amazonaws.com",
      sourceArn: $interpolate`${api.executionArn}/authorizers/${authorizer.id}`,
    });
    const integration = new aws.apigatewayv2.Integration(`GatewayIntegration${suffix}`, {
      apiId: api.id,
      integrationType: "AWS_PROXY",
      integrationUri: backend.arn,
      payloadFormatVersion: "2.0",
    });
    new aws.lambda.Permission(`GatewayWhoamiInvoke${suffix}`, {
      action: "lambda:InvokeFunction",
      function: backend.name,
      principal: "apigateway.amazonaws.com",
      sourceArn: $interpolate`${api.executionArn}/*/*/whoami`,
    });
    const route = new aws.apigatewayv2.Route(`GatewayRoute${suffix}`, {
      apiId: api.id,
      routeKey: "GET /whoami",
      target: $interpolate`integrations/${integration.id}`,
      authorizationType: "CUSTOM",
      authorizerId: authorizer.id,
    });
    const stage = new aws.apigatewayv2.Stage(`GatewayStage${suffix}`, { apiId: api.id, name: "$default", autoDeploy: true }, { dependsOn: [route] });
    const domain = new aws.apigatewayv2.DomainName(
      `GatewayDomain${suffix}`,
      {
        domainName: target.domainName,
        domainNameConfiguration: { certificateArn: settings.certificateArn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" },
        mutualTlsAuthentication: { truststoreUri: $interpolate`s3://${bucket.name}/${truststoreObjectKey(target)}` },
      },
      // The activation job moves truststoreVersion after each publish; a deploy must not undo it.
      { ignoreChanges: ["mutualTlsAuthentication.truststoreVersion"] },
    );
    new aws.apigatewayv2.ApiMapping(`GatewayMapping${suffix}`, { apiId: api.id, domainName: domain.id, stage: stage.id });
    return { target, api, domain, authorizerFn, backend };
  });

  if (gateways.length) {
    new aws.iam.RolePolicy("JobsGatewayTruststoreUpdate", {
      role: options.jobs.fn.nodes.role.name,
      policy: $jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "PointTheseDomainsAtNewTruststoreVersions",
            Effect: "Allow",
            Action: ["apigateway:PATCH"],
            Resource: gateways.map((g) => $interpolate`arn:${partition}:apigateway:${region}::/domainnames/${g.target.domainName}`),
          },
          {
            Sid: "FindADomainByItsTruststoreUri",
            Effect: "Allow",
            Action: ["apigateway:GET"],
            Resource: [$interpolate`arn:${partition}:apigateway:${region}::/domainnames`],
          },
        ],
      }),
    });
  }
  return gateways;
}

/** The per-minute tick: outside the VPC (no NAT, no database), reads S3 due markers, invokes the jobs Lambda. */
export function createActivationTick(options: { bucket: { name: unknown; arn: unknown }; jobs: { fn: { name: unknown; arn: unknown } } }) {
  const { bucket, jobs } = options;
  const fn = new sst.aws.Function("ActivationTick", {
    handler: "lib/gateway/activation-tick.handler",
    runtime: "nodejs22.x",
    memory: "128 MB",
    timeout: "10 seconds",
    environment: { [TICK_ENV.bucket]: bucket.name, [TICK_ENV.jobsFunction]: jobs.fn.name },
    permissions: [
      { actions: ["s3:ListBucket"], resources: [bucket.arn] },
      { actions: ["lambda:InvokeFunction"], resources: [jobs.fn.arn] },
    ],
  });
  // A plain EventBridge rule, not sst.aws.Cron: the crons in infra/jobs.ts are one per job name.
  const rule = new aws.cloudwatch.EventRule("ActivationTickEveryMinute", { scheduleExpression: "rate(1 minute)" });
  new aws.cloudwatch.EventTarget("ActivationTickTarget", { rule: rule.name, arn: fn.arn });
  new aws.lambda.Permission("ActivationTickInvoke", { action: "lambda:InvokeFunction", function: fn.name, principal: "events.amazonaws.com", sourceArn: rule.arn });
  return { fn, rule };
}
