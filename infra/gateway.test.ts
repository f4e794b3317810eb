/**
 * The partner-facing gateway and the activation tick, evaluated with SST's globals replaced
 * by recording fakes (infra/testing): mutual TLS on the published trust store, the
 * authorizer attached, the jobs role allowed to update exactly these domains.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateSstConfig, only, TEST_DEPLOY_ENV, token, type Recorded } from "./testing/sst-fakes";
import { readGatewaySettings } from "./gateway";

const GATEWAY_ENV = {
  ...TEST_DEPLOY_ENV,
  CERTDESK_DEPLOY_GATEWAYS: "ca-chain/production=api.example-bank.com, ca-chain/sandbox=api.sandbox.example-bank.com",
  CERTDESK_DEPLOY_GATEWAY_CERT_ARN: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
};

let resources: Recorded[];
beforeAll(async () => {
  resources = (await evaluateSstConfig({ stage: "production", env: GATEWAY_ENV })).resources;
});

const of = (type: string) => resources.filter((r) => r.type === type);

describe("the partner-facing gateway per program and environment", () => {
  it("is an HTTP API per listed scope, reachable only through its custom domain", () => {
    const apis = of("aws.apigatewayv2.Api");
    expect(apis.map((a) => a.name).sort()).toEqual(["GatewayApiCaChainProduction", "GatewayApiCaChainSandbox"]);
    for (const api of apis) expect(api.args).toMatchObject({ protocolType: "HTTP", disableExecuteApiEndpoint: true });
  });

  it("has a regional custom domain whose mutual-TLS trust store URI is the published current/truststore.pem, its version left to the job", () => {
    const domain = only(resources, "aws.apigatewayv2.DomainName", "GatewayDomainCaChainProduction");
    expect(domain.args).toEqual({
      domainName: "api.example-bank.com",
      domainNameConfiguration: { certificateArn: GATEWAY_ENV.CERTDESK_DEPLOY_GATEWAY_CERT_ARN, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" },
      mutualTlsAuthentication: { truststoreUri: `s3://${token("Files.name")}/truststores/ca-chain/production/current/truststore.pem` },
    });
    expect(domain.opts.ignoreChanges).toEqual(["mutualTlsAuthentication.truststoreVersion"]);
    const mapping = of("aws.apigatewayv2.ApiMapping").find((m) => m.name === "GatewayMappingCaChainProduction")!;
    expect(mapping.args).toMatchObject({ apiId: token("GatewayApiCaChainProduction.id"), domainName: token("GatewayDomainCaChainProduction.id") });
  });

  it("attaches the Lambda authorizer (REQUEST, payload 2.0, IAM-policy responses, never cached) to the route", () => {
    const authorizer = only(resources, "aws.apigatewayv2.Authorizer", "GatewayAuthorizerAttachmentCaChainProduction");
    expect(authorizer.args).toMatchObject({
      apiId: token("GatewayApiCaChainProduction.id"),
      authorizerType: "REQUEST",
      authorizerUri: token("GatewayAuthorizerCaChainProduction.function.invokeArn"),
      authorizerPayloadFormatVersion: "2.0",
      enableSimpleResponses: false,
      authorizerResultTtlInSeconds: 0,
    });
    const route = only(resources, "aws.apigatewayv2.Route", "GatewayRouteCaChainProduction");
    expect(route.args).toMatchObject({ routeKey: "GET /whoami", authorizationType: "CUSTOM", authorizerId: token("GatewayAuthorizerAttachmentCaChainProduction.id") });
    const fn = only(resources, "sst.aws.Function", "GatewayAuthorizerCaChainProduction");
    expect(fn.args.handler).toBe("lib/gateway/handler.handler");
    expect(fn.args.environment).toEqual({ CERTDESK_GATEWAY_PROGRAM: "ca-chain", CERTDESK_GATEWAY_ENVIRONMENT: "production", CERTDESK_S3_BUCKET: token("Files.name") });
    // It reads its own scope's objects only.
    expect(fn.args.permissions).toEqual([
      { actions: ["s3:GetObject"], resources: [`${token("Files.arn")}/truststores/ca-chain/production/*`] },
      { actions: ["kms:Decrypt"], resources: [token("FilesKey.arn")] },
    ]);
    const invoke = of("aws.lambda.Permission").find((p) => p.name === "GatewayAuthorizerInvokeCaChainProduction")!;
    expect(invoke.args).toMatchObject({ principal: "apigateway.amazonaws.com", function: token("GatewayAuthorizerCaChainProduction.name") });
  });

  it("lets the jobs role update exactly these domains (and list domain names, read-only)", () => {
    const policy = only(resources, "aws.iam.RolePolicy", "JobsGatewayTruststoreUpdate");
    expect(policy.args.role).toBe(token("Jobs.role.name"));
    const doc = JSON.parse(policy.args.policy) as { Statement: { Action: string[]; Resource: string[]; Effect: string }[] };
    const patch = doc.Statement.filter((s) => s.Action.some((a) => a !== "apigateway:GET"));
    expect(patch).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Action: ["apigateway:PATCH"],
        Resource: ["api.example-bank.com", "api.sandbox.example-bank.com"].map((d) => `arn:{{getPartitionOutput.partition}}:apigateway:{{getRegionOutput.name}}::/domainnames/${d}`),
      }),
    ]);
    const get = doc.Statement.find((s) => s.Action.includes("apigateway:GET"))!;
    expect(get.Action).toEqual(["apigateway:GET"]);
    expect(get.Resource).toEqual(["arn:{{getPartitionOutput.partition}}:apigateway:{{getRegionOutput.name}}::/domainnames"]);
  });

  it("names the authorizers' roles in the key policy (the trust store objects are SSE-KMS)", () => {
    const policy = JSON.parse(only(resources, "aws.kms.KeyPolicy", "FilesKeyPolicy").args.policy) as { Statement: { Principal?: { AWS?: unknown } }[] };
    expect(JSON.stringify(policy)).toContain(token("GatewayAuthorizerCaChainProduction.role.arn"));
  });
});

describe("the per-minute activation tick", () => {
  it("runs every minute outside the VPC, lists the due markers and may invoke only the jobs function", () => {
    const tick = only(resources, "sst.aws.Function", "ActivationTick");
    expect(tick.args.handler).toBe("lib/gateway/activation-tick.handler");
    expect(tick.args.vpc).toBeUndefined();
    expect(tick.args.environment).toEqual({ CERTDESK_S3_BUCKET: token("Files.name"), CERTDESK_JOBS_FUNCTION: token("Jobs.name") });
    expect(tick.args.permissions).toEqual([
      { actions: ["s3:ListBucket"], resources: [token("Files.arn")] },
      { actions: ["lambda:InvokeFunction"], resources: [token("Jobs.arn")] },
    ]);
    expect(only(resources, "aws.cloudwatch.EventRule", "ActivationTickEveryMinute").args).toEqual({ scheduleExpression: "rate(1 minute)" });
    expect(only(resources, "aws.cloudwatch.EventTarget", "ActivationTickTarget").args).toEqual({ rule: token("ActivationTickEveryMinute.name"), arn: token("ActivationTick.arn") });
  });
});

describe("gateway deploy settings", () => {
  it("are optional (no gateway), and otherwise checked entry by entry", () => {
    expect(readGatewaySettings({})).toEqual({ targets: [] });
    expect(() => readGatewaySettings({ CERTDESK_DEPLOY_GATEWAYS: "ca-chain=api.example.com" })).toThrow(/"ca-chain=api.example.com" is not program\/environment=host[\s\S]*CERTDESK_DEPLOY_GATEWAY_CERT_ARN/);
  });
});

describe("SST version", () => {
  it("pins sst exactly and builds the portal with an explicit OpenNext version", async () => {
    const pkg = (await import("../package.json", { with: { type: "json" } })).default as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies.sst).toMatch(/^\d+\.\d+\.\d+$/);
    expect(only(resources, "sst.aws.Nextjs", "Web").args.openNextVersion).toBe("4.1.16");
  });
});
