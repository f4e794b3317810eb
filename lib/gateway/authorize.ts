/**
 * The gateway's per-app authorizer: the decision, pure.
 *
 * A trust store trusts CAs, so API Gateway's TLS layer admits every certificate a trusted CA
 * ever issued (for program `ca-chain`, a public CA's whole customer base). The authorizer
 * closes that gap: a request passes only when the LEAF's SHA-256 fingerprint is in the
 * published `clients.json` of this gateway's program and environment, `active`, or
 * `retiring` with its overlap still running. The backend learns which developer app calls
 * from `principalId` and the context.
 *
 * Pure: no I/O, no clock of its own (`now` comes in), so the Lambda authorizer
 * (`handler.ts`) and the local sandbox gateway (`sandbox.ts`) decide exactly alike.
 */
import { createHash, X509Certificate } from "node:crypto";
import type { ClientEntry, ClientsApp, ClientsJson } from "@/lib/scheduling/publish-truststore";

/** The client certificate as API Gateway hands it to a Lambda authorizer (REST and HTTP APIs alike). */
export type ApiGatewayClientCert = {
  clientCertPem?: string;
  subjectDN?: string;
  issuerDN?: string;
  serialNumber?: string;
  validity?: { notBefore?: string; notAfter?: string };
};

/** Which gateway this is: one per program and environment, as the trust store is published. */
export type GatewayScope = { programId: string; environmentKey: string };

export const DENY_CODES = [
  "no-client-certificate",
  "malformed-certificate",
  "not-yet-valid",
  "expired",
  "no-trust-store",
  "wrong-trust-store",
  "unknown-certificate",
  "overlap-ended",
] as const;
export type DenyCode = (typeof DENY_CODES)[number];

export type AllowContext = {
  organisationId: string;
  appId: string;
  environment: string;
  fingerprintSha256: string;
  programId: string;
  status: "active" | "retiring";
};

export type Decision =
  | { allow: true; principalId: string; context: AllowContext; app: ClientsApp; client: ClientEntry }
  | { allow: false; code: DenyCode; reason: string; subject: string; serialNumber: string };

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END CERTIFICATE-----/;

/** The first certificate of a PEM text, parsed; null when there is none or it does not parse. */
export function parseLeafPem(pem: string): X509Certificate | null {
  // API Gateway may hand the PEM URL-encoded in some integrations; accept both.
  const text = pem.includes("%0A") || pem.includes("%2B") ? safeDecode(pem) : pem;
  const match = PEM_BLOCK.exec(text);
  if (!match) return null;
  try {
    return new X509Certificate(Buffer.from(match[1]!.replace(/\s+/g, ""), "base64"));
  } catch {
    return null;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** SHA-256 of the certificate's DER, lower-case hex without colons (the form clients.json uses). */
export function fingerprintSha256(cert: X509Certificate): string {
  return createHash("sha256").update(cert.raw).digest("hex");
}

/**
 * Decides whether a client certificate may call this gateway.
 *
 * @example
 * const d = decideAccess({ cert: event.requestContext.identity.clientCert, clients, scope: { programId: "ca-chain", environmentKey: "production" }, now: new Date() });
 * if (d.allow) console.log(d.principalId); // the developer app's id
 */
export function decideAccess(input: { cert: ApiGatewayClientCert | null | undefined; clients: ClientsJson | null; scope: GatewayScope; now: Date }): Decision {
  const { cert: given, clients, scope, now } = input;
  const subject = given?.subjectDN ?? "";
  const serialNumber = given?.serialNumber ?? "";
  const deny = (code: DenyCode, reason: string, who: { subject: string; serialNumber: string } = { subject, serialNumber }): Decision => ({ allow: false, code, reason, ...who });

  if (!given?.clientCertPem) return deny("no-client-certificate", "no client certificate was presented");
  const cert = parseLeafPem(given.clientCertPem);
  if (!cert) return deny("malformed-certificate", "the client certificate is not a readable PEM certificate");
  // What goes in the log: the certificate's own subject and serial (not the event's, which a
  // misconfigured integration could leave empty), and nothing more.
  const who = { subject: subject || cert.subject.replace(/\n/g, ", "), serialNumber: serialNumber || cert.serialNumber };

  // TLS has checked the dates already; checking again keeps the decision right even when the
  // certificate reaches us some other way (a test, the sandbox with a long-lived session).
  if (Date.parse(cert.validFrom) > now.getTime()) return deny("not-yet-valid", `the certificate is not valid before ${new Date(cert.validFrom).toISOString()}`, who);
  if (Date.parse(cert.validTo) <= now.getTime()) return deny("expired", `the certificate expired ${new Date(cert.validTo).toISOString()}`, who);

  // Fail closed: without the allow-list nothing is admitted, whatever the trust store says.
  if (!clients) return deny("no-trust-store", "no clients.json has been published for this gateway", who);
  if (clients.programId !== scope.programId || clients.environmentKey !== scope.environmentKey) {
    return deny("wrong-trust-store", `clients.json is for ${clients.programId}/${clients.environmentKey}, this gateway serves ${scope.programId}/${scope.environmentKey}`, who);
  }

  const fingerprint = fingerprintSha256(cert);
  for (const app of clients.apps) {
    const client = app.clients.find((c) => c.fingerprintSha256.toLowerCase() === fingerprint);
    if (!client) continue;
    if (Date.parse(client.notAfter) <= now.getTime()) return deny("expired", `the certificate expired ${client.notAfter}`, who);
    if (client.status === "retiring" && (!client.retiresAt || Date.parse(client.retiresAt) <= now.getTime())) {
      return deny("overlap-ended", `the certificate was replaced and its overlap ended ${client.retiresAt ?? "(no end recorded)"}`, who);
    }
    if (client.status !== "active" && client.status !== "retiring") return deny("unknown-certificate", `the certificate is ${String(client.status)}`, who);
    return {
      allow: true,
      principalId: app.appId,
      context: { organisationId: app.organisationId, appId: app.appId, environment: clients.environmentKey, fingerprintSha256: fingerprint, programId: clients.programId, status: client.status },
      app,
      client,
    };
  }
  return deny("unknown-certificate", `the certificate is not enabled for any app in ${scope.programId}/${scope.environmentKey}`, who);
}

/** The client certificate of a Lambda authorizer event: REST (`identity.clientCert`) or HTTP API (`authentication.clientCert`). */
export function clientCertFromEvent(event: unknown): ApiGatewayClientCert | null {
  const rc = (event as { requestContext?: { identity?: { clientCert?: unknown }; authentication?: { clientCert?: unknown } } } | null)?.requestContext;
  const cert = rc?.identity?.clientCert ?? rc?.authentication?.clientCert;
  return cert && typeof cert === "object" ? (cert as ApiGatewayClientCert) : null;
}

export type AuthorizerResponse = {
  principalId: string;
  policyDocument: { Version: "2012-10-17"; Statement: { Action: "execute-api:Invoke"; Effect: "Allow" | "Deny"; Resource: string }[] };
  context?: Record<string, string>;
};

/**
 * The IAM-policy response both API types accept (REST; HTTP API with payload 2.0 and simple
 * responses off), so `principalId` reaches the backend. A Deny answers 403 at the gateway.
 */
export function authorizerResponse(decision: Decision, event: unknown): AuthorizerResponse {
  const e = event as { methodArn?: string; routeArn?: string } | null;
  const resource = e?.methodArn ?? e?.routeArn ?? "*";
  if (!decision.allow) {
    return { principalId: "denied", policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Deny", Resource: resource }] } };
  }
  return {
    principalId: decision.principalId,
    policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: resource }] },
    context: { ...decision.context },
  };
}

/** The log line for a denial: the code, the reason, the certificate's subject and serial — nothing more. */
export function denialLogLine(decision: Extract<Decision, { allow: false }>, scope: GatewayScope): string {
  return JSON.stringify({ msg: "gateway: denied", scope: `${scope.programId}/${scope.environmentKey}`, code: decision.code, reason: decision.reason, subject: decision.subject, serialNumber: decision.serialNumber });
}
