/**
 * Test stand-ins at the wire, so the code under test uses the REAL AWS SDK clients:
 * - an API Gateway v2 endpoint (GetDomainNames, UpdateDomainName) answering like AWS
 *   (REST-JSON, lower-camel-case members), recording every call;
 * - a versioned-bucket shim for the embedded S3 server: s3rver sends no `x-amz-version-id`,
 *   so the shim adds one to each PutObject response, as a versioned S3 bucket does, and
 *   remembers which version each key got.
 */
import { randomBytes } from "node:crypto";
import { ApiGatewayV2Client } from "@aws-sdk/client-apigatewayv2";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { Config } from "@/lib/config";
import { EMBEDDED_S3_CREDENTIALS } from "@/lib/embedded/constants";

type WireRequest = { method: string; path: string; headers: Record<string, string>; body?: unknown; query?: Record<string, unknown> };
type WireResponse = { statusCode: number; headers: Record<string, string>; body: Uint8Array };

export type FakeDomain = { domainName: string; truststoreUri: string; truststoreVersion?: string; warnings?: string[] };
export type FakeApiGateway = {
  client: ApiGatewayV2Client;
  domains: FakeDomain[];
  calls: { operation: "GetDomainNames" | "UpdateDomainName"; domainName?: string; body?: unknown }[];
  /** The next n UpdateDomainName calls fail with TooManyRequestsException. */
  failNext(n: number): void;
};

function json(statusCode: number, body: unknown, extra: Record<string, string> = {}): WireResponse {
  return { statusCode, headers: { "content-type": "application/json", ...extra }, body: new TextEncoder().encode(JSON.stringify(body)) };
}

function bodyText(body: unknown): string {
  if (body === undefined || body === null) return "";
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  return String(body);
}

export function createFakeApiGateway(domains: FakeDomain[], region = "eu-west-1"): FakeApiGateway {
  const calls: FakeApiGateway["calls"] = [];
  let failures = 0;
  const view = (d: FakeDomain) => ({
    domainName: d.domainName,
    mutualTlsAuthentication: { truststoreUri: d.truststoreUri, ...(d.truststoreVersion ? { truststoreVersion: d.truststoreVersion } : {}), ...(d.warnings?.length ? { truststoreWarnings: d.warnings } : {}) },
  });
  async function handle(request: WireRequest): Promise<{ response: WireResponse }> {
    if (request.method === "GET" && request.path === "/v2/domainnames") {
      calls.push({ operation: "GetDomainNames" });
      return { response: json(200, { items: domains.map(view) }) };
    }
    const m = /^\/v2\/domainnames\/([^/]+)$/.exec(request.path);
    if (m && request.method === "PATCH") {
      const name = decodeURIComponent(m[1]!);
      const body = JSON.parse(bodyText(request.body) || "{}") as { mutualTlsAuthentication?: { truststoreUri?: string; truststoreVersion?: string } };
      calls.push({ operation: "UpdateDomainName", domainName: name, body });
      if (failures > 0) {
        failures--;
        return { response: json(429, { message: "Too Many Requests" }, { "x-amzn-errortype": "TooManyRequestsException" }) };
      }
      const d = domains.find((x) => x.domainName === name);
      if (!d) return { response: json(404, { message: `Invalid domain name identifier specified` }, { "x-amzn-errortype": "NotFoundException" }) };
      if (body.mutualTlsAuthentication?.truststoreUri && body.mutualTlsAuthentication.truststoreUri !== d.truststoreUri) {
        return { response: json(400, { message: "truststoreUri mismatch" }, { "x-amzn-errortype": "BadRequestException" }) };
      }
      d.truststoreVersion = body.mutualTlsAuthentication?.truststoreVersion;
      return { response: json(200, view(d)) };
    }
    return { response: json(404, { message: `fake API Gateway: no route ${request.method} ${request.path}` }, { "x-amzn-errortype": "NotFoundException" }) };
  }
  const client = new ApiGatewayV2Client({ region, credentials: { accessKeyId: "TEST", secretAccessKey: "TEST" }, requestHandler: { handle } as never, maxAttempts: 1 });
  return { client, domains, calls, failNext: (n) => (failures = n) };
}

/** An S3 client for the embedded server that behaves like a versioned bucket (VersionId on every put). */
export function createVersionedS3Client(config: Config): { s3: S3Client; versions: Map<string, string[]> } {
  const inner = new NodeHttpHandler();
  const versions = new Map<string, string[]>();
  const handler = {
    metadata: inner.metadata,
    destroy: () => inner.destroy(),
    async handle(request: WireRequest & { query?: Record<string, unknown> }, options?: unknown) {
      const out = await inner.handle(request as never, options as never);
      if (request.method === "PUT" && out.response.statusCode === 200) {
        const key = decodeURIComponent(request.path.split("/").slice(2).join("/"));
        const versionId = randomBytes(16).toString("base64url");
        versions.set(key, [...(versions.get(key) ?? []), versionId]);
        out.response.headers["x-amz-version-id"] = versionId;
      }
      return out;
    },
  };
  const s3 = new S3Client({
    region: config.s3.region,
    endpoint: config.s3.endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    credentials: EMBEDDED_S3_CREDENTIALS,
    requestHandler: handler as never,
  });
  return { s3, versions };
}
