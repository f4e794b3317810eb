/**
 * API Gateway Lambda-authorizer events as AWS sends them (trimmed to what matters, field
 * names and nesting as in the AWS documentation's examples), for the authorizer's tests.
 *
 * REST API, REQUEST authorizer: `requestContext.identity.clientCert`, `methodArn`.
 * HTTP API, payload 2.0:        `requestContext.authentication.clientCert`, `routeArn`.
 */
import type { X509Certificate } from "@peculiar/x509";

export type CertLike = { pem: string; cert: X509Certificate };

function clientCert(c: CertLike) {
  return {
    clientCertPem: c.pem,
    subjectDN: c.cert.subject,
    issuerDN: c.cert.issuer,
    serialNumber: c.cert.serialNumber,
    validity: { notBefore: c.cert.notBefore.toUTCString(), notAfter: c.cert.notAfter.toUTCString() },
  };
}

export function restAuthorizerEvent(c: CertLike | null) {
  return {
    type: "REQUEST",
    methodArn: "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/GET/whoami",
    resource: "/whoami",
    path: "/whoami",
    httpMethod: "GET",
    headers: { Host: "api.sandbox.example-bank.com" },
    requestContext: {
      accountId: "123456789012",
      apiId: "abcdef1234",
      domainName: "api.sandbox.example-bank.com",
      httpMethod: "GET",
      identity: { sourceIp: "203.0.113.7", userAgent: "curl/8.5.0", ...(c ? { clientCert: clientCert(c) } : {}) },
      path: "/whoami",
      requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
      resourcePath: "/whoami",
      stage: "prod",
    },
  };
}

export function httpApiAuthorizerEvent(c: CertLike | null) {
  return {
    version: "2.0",
    type: "REQUEST",
    routeArn: "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/$default/GET/whoami",
    identitySource: [],
    routeKey: "GET /whoami",
    rawPath: "/whoami",
    rawQueryString: "",
    headers: { host: "api.sandbox.example-bank.com" },
    requestContext: {
      accountId: "123456789012",
      apiId: "abcdef1234",
      ...(c ? { authentication: { clientCert: clientCert(c) } } : {}),
      domainName: "api.sandbox.example-bank.com",
      http: { method: "GET", path: "/whoami", protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "curl/8.5.0" },
      requestId: "id",
      routeKey: "GET /whoami",
      stage: "$default",
    },
  };
}
