/** The partner API described as OpenAPI 3.1 (served at /api/v1/openapi.json). */
import { FINDING_CODES } from "@/lib/pki";
import { MAX_FILES, MAX_REQUEST_BYTES, MAX_UPLOAD_BYTES, PURPOSES } from "../limits";
import { PROBLEM_TITLES, problemType, type ProblemSlug } from "./problem";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ref("Problem") } } });
const jsonBody = (description: string, schema: unknown) => ({ description, content: { "application/json": { schema } } });

const uploadFiles = {
  type: "array",
  items: { type: "string", contentMediaType: "application/octet-stream" },
  minItems: 1,
  maxItems: MAX_FILES,
  description: `PEM, DER, PKCS#7 or CSR files, or one .zip holding them. At most ${MAX_FILES} files and ${MAX_UPLOAD_BYTES} bytes in all.`,
};

const pathParams = [
  { name: "appId", in: "path", required: true, schema: { type: "string", format: "uuid" }, description: "Developer app id (GET /api/v1/apps)." },
  { name: "env", in: "path", required: true, schema: { type: "string" }, description: "Environment key as the app's program names it: sandbox, stage, production…" },
];

/** Issue 10: every token-authenticated call counts against the token and the client address (docs/api.md#rate-limits). */
const rateLimited = {
  ...problem("Over the rate limit of the token or of the client address; retry after `Retry-After` seconds (also `retryAfter` in the body)."),
  headers: {
    "Retry-After": { description: "Seconds until the current window ends.", schema: { type: "integer", minimum: 1 } },
    "RateLimit-Limit": { description: "The limit that was exceeded, per window.", schema: { type: "integer" } },
    "RateLimit-Remaining": { description: "Always 0 on a 429.", schema: { type: "integer" } },
    "RateLimit-Reset": { description: "Seconds until the window ends.", schema: { type: "integer" } },
  },
};

const commonErrors = {
  "401": problem("No token, or an unknown, revoked or expired one (an expired token's problem names it and carries `expiredAt`)."),
  "429": rateLimited,
  "404": problem("No such record, or it belongs to another organisation (never 403: ids cannot be probed)."),
  "500": problem("Unexpected error; `errorId` identifies it for support."),
};

const uploadErrors = {
  "400": problem("No files, too many files, a malformed multipart body or bad fields (`errors` lists them)."),
  "413": problem(`The body is over ${MAX_REQUEST_BYTES} bytes; refused before it is read whole.`),
  "415": problem("Not multipart/form-data."),
};

export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Certdesk partner API",
      version: "1.0.0",
      description:
        "Check and submit mTLS client certificate chains and CSRs for your developer apps. Authenticate with an organisation API token: `Authorization: Bearer certdesk_…`. Errors are RFC 9457 problem details. See docs/api.md.",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    paths: {
      "/api/v1/apps": {
        get: {
          operationId: "listApps",
          summary: "Your organisation's developer apps with their environments",
          responses: { "200": jsonBody("The apps.", { type: "object", properties: { apps: { type: "array", items: ref("App") } }, required: ["apps"] }), ...commonErrors },
        },
      },
      "/api/v1/preflight": {
        post: {
          operationId: "preflight",
          summary: "Check an upload against a program; nothing is stored",
          description: "The body is exactly the object `certdesk check --json` prints. The status mirrors the CLI's exit code: 200 accepted, 422 rejected.",
          requestBody: {
            required: true,
            content: {
              "multipart/form-data": {
                schema: {
                  type: "object",
                  required: ["files", "program"],
                  properties: {
                    files: uploadFiles,
                    program: { type: "string", description: "Program id, e.g. ca-chain, self-signed-allowed, s2s-zip, provider-ca-csr." },
                    company: { type: "string", description: "Company name the CN must contain; defaults to your organisation's." },
                  },
                },
              },
            },
          },
          responses: {
            "200": jsonBody("Accepted verdict.", ref("Verdict")),
            "422": jsonBody("Rejected verdict (errors in findings).", ref("Verdict")),
            "404": problem("Unknown program."),
            ...uploadErrors,
            "401": commonErrors["401"],
            "500": commonErrors["500"],
          },
        },
      },
      "/api/v1/apps/{appId}/environments/{env}/submissions": {
        post: {
          operationId: "createSubmission",
          summary: "Upload a chain or CSR and send it for review",
          parameters: [
            ...pathParams,
            { name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", minLength: 8, maxLength: 200 }, description: "The same key (per organisation) always answers with the same submission." },
          ],
          requestBody: {
            required: true,
            content: {
              "multipart/form-data": {
                schema: {
                  type: "object",
                  required: ["files"],
                  properties: {
                    files: uploadFiles,
                    purpose: { type: "string", enum: [...PURPOSES], default: "mtls" },
                    draft: { type: "string", enum: ["true", "false"], default: "false", description: "true: keep as a draft instead of sending for review (stored as `rejected` when the verdict has errors; a new draft supersedes the earlier one, which stays readable as `superseded`)." },
                  },
                },
              },
            },
          },
          responses: {
            "201": jsonBody("Stored: `in_review`; with draft=true a `draft`, or `rejected` when the verdict has errors (kept, with its own URL).", ref("SubmissionCreated")),
            "200": jsonBody("Idempotency-Key replay: the submission made the first time (header Idempotent-Replayed: true).", ref("SubmissionCreated")),
            "409": problem("A submission for this app, environment and purpose is in review: withdraw it first. Or the Idempotency-Key was used for another app."),
            "422": problem("The verdict has errors (`verdict-rejected`) or the upload was refused (`upload-refused`, e.g. a private key); `verdict` holds the findings. Nothing was stored."),
            ...uploadErrors,
            ...commonErrors,
          },
        },
      },
      "/api/v1/submissions/{id}": {
        get: {
          operationId: "getSubmission",
          summary: "A submission's status, findings and certificate metadata (never file contents)",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          responses: { "200": jsonBody("The submission.", ref("Submission")), ...commonErrors },
        },
      },
      "/api/v1/submissions/{id}/withdraw": {
        post: {
          operationId: "withdrawSubmission",
          summary: "Withdraw a submission in review (or discard a draft)",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          responses: {
            "200": jsonBody("Withdrawn.", { type: "object", properties: { id: { type: "string", format: "uuid" }, status: { type: "string", const: "withdrawn" } } }),
            "409": problem("Not a draft or in review any more."),
            ...commonErrors,
          },
        },
      },
      "/api/v1/apps/{appId}/environments/{env}/certificate": {
        get: {
          operationId: "getActiveCertificate",
          summary: "The certificate active for an app's environment",
          parameters: pathParams,
          responses: { "200": jsonBody("The active leaf and its chain.", ref("ActiveCertificate")), "404": problem("No such app or environment, or no active certificate."), "401": commonErrors["401"], "429": rateLimited, "500": commonErrors["500"] },
        },
      },
      // Issue 14: certificate metadata with expiry states (lib/expiry/certificates.ts).
      "/api/v1/certificates": {
        get: {
          operationId: "listCertificates",
          summary: "Your organisation's leaf certificates with their expiry state, soonest expiry first (metadata only)",
          parameters: [{ name: "state", in: "query", required: false, schema: { type: "string", enum: ["ok", "warning", "urgent", "expired"] }, description: "Only certificates in this expiry state." }],
          responses: {
            "200": jsonBody("The certificates.", { type: "object", required: ["certificates"], properties: { certificates: { type: "array", items: ref("Certificate") } } }),
            "400": problem("Unknown `state`."),
            ...commonErrors,
          },
        },
      },
      "/api/v1/certificates/{id}": {
        get: {
          operationId: "getCertificate",
          summary: "One of your organisation's certificates",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          responses: { "200": jsonBody("The certificate.", ref("Certificate")), ...commonErrors },
        },
      },
      "/api/v1/certificates.ics": {
        get: {
          operationId: "certificatesCalendar",
          summary: "iCalendar feed of your live certificates' expiry dates and renewal deadlines",
          description: "Authenticate with `Authorization: Bearer …`, or with `?token=…` for calendar applications that cannot send headers (create a token for the calendar alone and revoke it when unused).",
          parameters: [{ name: "token", in: "query", required: false, schema: { type: "string" }, description: "API token, when no Authorization header can be sent." }],
          responses: { "200": { description: "RFC 5545 calendar.", content: { "text/calendar": { schema: { type: "string" } } } }, "401": commonErrors["401"], "429": rateLimited, "500": commonErrors["500"] },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "Organisation API token, `certdesk_…`, created under API tokens in the portal." } },
      schemas: {
        Certificate: {
          type: "object",
          description: "A leaf certificate's metadata (never key material).",
          required: ["id", "appId", "environment", "purpose", "subject", "issuer", "serialNumber", "fingerprintSha256", "notBefore", "notAfter", "status", "expiry", "successorId", "remindersSent"],
          properties: {
            id: { type: "string", format: "uuid" },
            appId: { type: "string", format: "uuid" },
            environment: { type: "string", description: "Environment key: sandbox, stage, production…" },
            purpose: { type: "string", enum: ["mtls", "signature"] },
            subject: { type: "string" },
            issuer: { type: "string" },
            serialNumber: { type: "string" },
            fingerprintSha256: { type: "string", description: "SHA-256 of the DER certificate, hex." },
            notBefore: { type: "string", format: "date-time" },
            notAfter: { type: "string", format: "date-time" },
            status: { type: "string", enum: ["approved", "scheduled", "active", "retiring", "retired", "revoked", "expired"] },
            expiry: {
              type: "object",
              required: ["state", "daysLeft"],
              properties: {
                state: { type: "string", enum: ["ok", "warning", "urgent", "expired"], description: "warning and urgent thresholds come from the program (004: 90 and 30 days)." },
                daysLeft: { type: "integer", description: "Whole days until not-after, rounded up; 0 or negative once expired." },
              },
            },
            successorId: { type: ["string", "null"], format: "uuid", description: "The leaf of the submission renewing this certificate (in review, approved, scheduled or active)." },
            remindersSent: { type: "array", items: { type: "object", required: ["days", "sentAt"], properties: { days: { type: "integer" }, sentAt: { type: "string", format: "date-time" } } } },
          },
        },
        Problem: {
          type: "object",
          required: ["type", "title", "status", "detail"],
          properties: {
            type: { type: "string", enum: (Object.keys(PROBLEM_TITLES) as ProblemSlug[]).map(problemType) },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
            instance: { type: "string" },
            errors: { type: "array", items: { type: "object", properties: { field: { type: "string" }, message: { type: "string" } } } },
            verdict: ref("Verdict"),
            errorId: { type: "string" },
          },
        },
        Finding: {
          type: "object",
          required: ["code", "severity", "message"],
          properties: {
            code: { type: "string", enum: [...FINDING_CODES] },
            severity: { type: "string", enum: ["error", "warning", "info"] },
            certificate: { type: ["object", "null"], properties: { position: { type: "integer" }, subject: { type: "string" }, source: { type: "string" } } },
            message: { type: "string" },
            fix: { type: ["string", "null"] },
          },
        },
        ChainEntry: {
          type: "object",
          required: ["role", "kind", "position", "source", "subject", "details"],
          properties: {
            role: { type: "string", enum: ["leaf", "intermediate", "root", "csr", "unrelated"] },
            kind: { type: "string", enum: ["certificate", "csr"] },
            position: { type: ["integer", "null"] },
            source: { type: ["string", "null"] },
            subject: { type: "string" },
            purpose: { type: "string" },
            daysRemaining: { type: "integer" },
            details: { type: "object", description: "Everything inspection reported: issuer, serialNumber, notBefore, notAfter, publicKey, fingerprintSha256, spkiSha256…" },
          },
        },
        Verdict: {
          type: "object",
          required: ["verdict", "findings", "chain"],
          properties: {
            verdict: { type: "string", enum: ["accepted", "rejected"] },
            findings: { type: "array", items: ref("Finding") },
            chain: { type: "array", items: ref("ChainEntry") },
            correctedPem: { type: "string", description: "Leaf-first PEM chain, when order or duplicates were the only structural faults." },
          },
        },
        App: {
          type: "object",
          properties: {
            id: { type: "string", format: "uuid" },
            name: { type: "string" },
            programId: { type: "string" },
            organisation: { type: "object", properties: { id: { type: "string" }, name: { type: "string" } } },
            environments: { type: "array", items: { type: "object", properties: { key: { type: "string" }, label: { type: "string" }, production: { type: "boolean" } } } },
          },
        },
        SubmissionCreated: {
          type: "object",
          required: ["id", "status", "verdict"],
          properties: {
            id: { type: "string", format: "uuid" },
            status: { type: "string", enum: ["draft", "in_review", "rejected"] },
            verdict: ref("Verdict"),
            links: { type: "object", properties: { self: { type: "string" } } },
          },
        },
        CertificateMetadata: {
          type: "object",
          properties: {
            position: { type: "integer" },
            role: { type: "string", enum: ["leaf", "intermediate", "root"] },
            subject: { type: "string" },
            issuer: { type: "string" },
            serialNumber: { type: "string" },
            notBefore: { type: "string", format: "date-time" },
            notAfter: { type: "string", format: "date-time" },
            fingerprintSha256: { type: "string" },
            spkiSha256: { type: "string" },
            keyAlgorithm: { type: "string" },
            keySize: { type: ["integer", "null"] },
            status: { type: "string" },
          },
        },
        Submission: {
          type: "object",
          properties: {
            id: { type: "string", format: "uuid" },
            status: {
              type: "string",
              enum: ["draft", "in_review", "changes_requested", "approved", "rejected", "scheduled", "active", "retired", "revoked", "withdrawn", "superseded"],
              description: "`rejected`: by the checks at upload (submittedAt null) or by the reviewers. `superseded`: a draft a newer upload took the place of; kept, never sent.",
            },
            verdict: { type: "string", enum: ["accepted", "rejected"] },
            kind: { type: "string", enum: ["chain", "csr"] },
            purpose: { type: "string", enum: [...PURPOSES] },
            program: { type: "object", properties: { id: { type: "string" }, version: { type: "integer" } } },
            app: { type: "object", properties: { id: { type: "string" }, name: { type: "string" } } },
            environment: { type: "object", properties: { key: { type: "string" }, label: { type: "string" }, production: { type: "boolean" } } },
            createdAt: { type: "string", format: "date-time" },
            submittedAt: { type: ["string", "null"], format: "date-time" },
            decidedAt: { type: ["string", "null"], format: "date-time" },
            findings: { type: "array", items: ref("Finding") },
            certificates: {
              type: "array",
              description:
                "A chain submission: metadata of its certificates. A CSR submission under a program where Certdesk is the CA (issue 12): the certificates Certdesk issued, one per purpose — an empty list until issued.",
              items: { oneOf: [ref("CertificateMetadata"), ref("IssuedCertificate")] },
            },
            files: { type: "array", items: { type: "object", properties: { id: { type: "string" }, kind: { type: "string" }, name: { type: "string" }, size: { type: "integer" }, sha256: { type: "string" } } } },
            reviews: { type: "array", items: { type: "object", properties: { decision: { type: "string" }, comment: { type: ["string", "null"] }, createdAt: { type: "string", format: "date-time" } } } },
            timeline: { type: "array", items: { type: "object", properties: { at: { type: "string", format: "date-time" }, action: { type: "string" }, label: { type: "string" } } } },
          },
        },
        IssuedCertificate: {
          type: "object",
          description: "A certificate Certdesk's CA signed for one of the submission's CSRs (public data: certificates, not keys).",
          required: ["purpose", "serialNumber", "notBefore", "notAfter", "fingerprintSha256", "pem", "chainPem"],
          properties: {
            purpose: { type: "string", enum: ["mtls", "signature"] },
            serialNumber: { type: "string", description: "Lower-case hex, 159 random bits." },
            notBefore: { type: "string", format: "date-time" },
            notAfter: { type: "string", format: "date-time" },
            fingerprintSha256: { type: "string", description: "SHA-256 of the certificate's DER, lower-case hex." },
            pem: { type: "string", description: "The certificate, PEM." },
            chainPem: { type: "string", description: "The certificate, the issuing CA and the root, PEM." },
            status: { type: "string", enum: ["issued", "revoked"] },
          },
        },
        ActiveCertificate: {
          type: "object",
          properties: {
            app: { type: "object", properties: { id: { type: "string" }, name: { type: "string" } } },
            environment: { type: "object", properties: { key: { type: "string" }, label: { type: "string" } } },
            certificate: ref("CertificateMetadata"),
            chain: { type: "array", items: ref("CertificateMetadata") },
          },
        },
      },
    },
  };
}
