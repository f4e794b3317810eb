/**
 * Certdesk's records. The same committed SQL migrations (lib/db/migrations)
 * run on PGlite (local, unit tests) and on a PostgreSQL server (CI, Aurora).
 *
 * Status and role columns are `text` with a TypeScript union rather than
 * Postgres enums: adding a state is then a code change, not a migration that
 * must be ordered against running Lambdas.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const id = () => uuid("id").primaryKey().defaultRandom();
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const tstz = (name: string) => timestamp(name, { withTimezone: true });

export const ROLES = ["partner", "reviewer", "support", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** A partner company, or the provider's own organisation (kind "provider") whose staff review and schedule. */
export const organisations = pgTable("organisations", {
  id: id(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  kind: text("kind", { enum: ["partner", "provider"] }).notNull().default("partner"),
  /** The legal name certificates' CNs must contain (SUBJECT_COMPANY_NAME). */
  companyName: text("company_name").notNull(),
  /** PSD2 organisationIdentifier, e.g. PSDLT-LB-123456. */
  organizationIdentifier: text("organization_identifier"),
  psd2Roles: jsonb("psd2_roles").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  createdAt: createdAt(),
});

export const users = pgTable(
  "users",
  {
    id: id(),
    /** Stored lower-cased; compared lower-cased. */
    email: text("email").notNull().unique(),
    name: text("name").notNull(),
    /** scrypt hash for local credentials sign-in; null for OIDC-only users. */
    passwordHash: text("password_hash"),
    disabled: boolean("disabled").notNull().default(false),
    lastSignInAt: tstz("last_sign_in_at"),
    /**
     * Issue 10: bumped on sign-out, password change, role change and deactivation (by
     * database triggers, migration 10_session_version_triggers); a session minted under
     * an older version is refused on its next request.
     */
    sessionVersion: integer("session_version").notNull().default(0),
    createdAt: createdAt(),
  },
  // Sign-in and OIDC matching look e-mails up lower-cased; a mixed-case row would be a
  // second account for the same person (or one nobody can sign in to).
  (t) => [check("users_email_lower_case", sql`${t.email} = lower(${t.email})`)],
);

export const memberships = pgTable(
  "memberships",
  {
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    organisationId: uuid("organisation_id").notNull().references(() => organisations.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.organisationId, t.role] })],
);

/** A versioned program (lib/policy): the partner rules a developer app is checked against. */
export const programs = pgTable(
  "programs",
  {
    id: text("id").notNull(),
    version: integer("version").notNull(),
    name: text("name").notNull(),
    /** The program as lib/policy's schema parses it. */
    definition: jsonb("definition").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.id, t.version] })],
);

export const developerApps = pgTable(
  "developer_apps",
  {
    id: id(),
    organisationId: uuid("organisation_id").notNull().references(() => organisations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    programId: text("program_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("developer_apps_org_name").on(t.organisationId, t.name)],
);

/** One of an app's environments, keyed as its program names them (sandbox, stage, production…). */
export const environments = pgTable(
  "environments",
  {
    id: id(),
    appId: uuid("app_id").notNull().references(() => developerApps.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    label: text("label").notNull(),
    production: boolean("production").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("environments_app_key").on(t.appId, t.key)],
);

export const SUBMISSION_STATUSES = [
  "draft",
  "in_review",
  "changes_requested",
  "approved",
  "rejected",
  "scheduled",
  "active",
  "retired",
  "revoked",
  "withdrawn",
  /** Issue 16: a draft a newer upload for the same app, environment and purpose took the place of (kept, never deleted). */
  "superseded",
] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export const submissions = pgTable(
  "submissions",
  {
    id: id(),
    organisationId: uuid("organisation_id").notNull().references(() => organisations.id),
    appId: uuid("app_id").notNull().references(() => developerApps.id),
    environmentId: uuid("environment_id").notNull().references(() => environments.id),
    /** mtls, or signature (003 asks for a CSR per purpose). */
    purpose: text("purpose", { enum: ["mtls", "signature"] }).notNull().default("mtls"),
    kind: text("kind", { enum: ["chain", "csr"] }).notNull(),
    status: text("status", { enum: SUBMISSION_STATUSES }).notNull(),
    verdict: text("verdict", { enum: ["accepted", "rejected"] }).notNull(),
    programId: text("program_id").notNull(),
    programVersion: integer("program_version").notNull(),
    createdBy: uuid("created_by").references(() => users.id),
    /** Client-chosen key so a double click or retry makes one submission. */
    idempotencyKey: text("idempotency_key"),
    /** The submission this one answers after "changes requested". */
    supersedesId: uuid("supersedes_id"),
    /** Issue 14 (renewal): the live leaf certificate this submission renews; its successor once active. */
    replacesCertificateId: uuid("replaces_certificate_id"),
    approvalsRequired: integer("approvals_required").notNull().default(1),
    /** Optimistic-concurrency counter: every state change increments it. */
    version: integer("version").notNull().default(0),
    leafFingerprint: text("leaf_fingerprint"),
    leafSpkiSha256: text("leaf_spki_sha256"),
    leafSubject: text("leaf_subject"),
    leafNotAfter: tstz("leaf_not_after"),
    submittedAt: tstz("submitted_at"),
    decidedAt: tstz("decided_at"),
    createdAt: createdAt(),
    updatedAt: tstz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("submissions_org_idempotency").on(t.organisationId, t.idempotencyKey),
    index("submissions_queue").on(t.status, t.submittedAt),
    index("submissions_app_env").on(t.appId, t.environmentId, t.purpose),
    index("submissions_spki").on(t.leafSpkiSha256),
  ],
);

export const submissionFiles = pgTable(
  "submission_files",
  {
    id: id(),
    submissionId: uuid("submission_id").notNull().references(() => submissions.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["original", "normalised-chain", "csr", "issued-chain"] }).notNull(),
    /** The partner's file name, shown in the UI; never part of the object key. */
    name: text("name").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    objectKey: text("object_key").notNull().unique(),
    createdAt: createdAt(),
  },
  (t) => [index("submission_files_submission").on(t.submissionId)],
);

export const findings = pgTable(
  "findings",
  {
    id: id(),
    submissionId: uuid("submission_id").notNull().references(() => submissions.id, { onDelete: "cascade" }),
    code: text("code").notNull(),
    severity: text("severity", { enum: ["error", "warning", "info"] }).notNull(),
    position: integer("position"),
    subject: text("subject"),
    message: text("message").notNull(),
    fix: text("fix"),
    acknowledgedBy: uuid("acknowledged_by").references(() => users.id),
    acknowledgedAt: tstz("acknowledged_at"),
    acknowledgement: text("acknowledgement"),
  },
  (t) => [index("findings_submission").on(t.submissionId)],
);

export const reviews = pgTable(
  "reviews",
  {
    id: id(),
    submissionId: uuid("submission_id").notNull().references(() => submissions.id, { onDelete: "cascade" }),
    reviewerId: uuid("reviewer_id").notNull().references(() => users.id),
    decision: text("decision", { enum: ["approve", "request_changes", "reject"] }).notNull(),
    comment: text("comment"),
    createdAt: createdAt(),
  },
  (t) => [
    index("reviews_submission").on(t.submissionId),
    // Four-eyes: one approval per reviewer per submission, enforced by the database too.
    uniqueIndex("reviews_one_approval_per_reviewer").on(t.submissionId, t.reviewerId).where(sql`decision = 'approve'`),
  ],
);

export const CERTIFICATE_STATUSES = ["pending", "approved", "scheduled", "active", "retiring", "retired", "revoked", "expired"] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

/** Metadata of each certificate of a submission's chain (the bytes are in S3, encrypted). */
export const certificates = pgTable(
  "certificates",
  {
    id: id(),
    submissionId: uuid("submission_id").notNull().references(() => submissions.id, { onDelete: "cascade" }),
    organisationId: uuid("organisation_id").notNull().references(() => organisations.id),
    appId: uuid("app_id").notNull().references(() => developerApps.id),
    environmentId: uuid("environment_id").notNull().references(() => environments.id),
    position: integer("position").notNull(),
    role: text("role", { enum: ["leaf", "intermediate", "root"] }).notNull(),
    subject: text("subject").notNull(),
    issuer: text("issuer").notNull(),
    serialNumber: text("serial_number").notNull(),
    notBefore: tstz("not_before").notNull(),
    notAfter: tstz("not_after").notNull(),
    fingerprintSha256: text("fingerprint_sha256").notNull(),
    spkiSha256: text("spki_sha256").notNull(),
    keyAlgorithm: text("key_algorithm").notNull(),
    keySize: integer("key_size"),
    /** Public certificate, PEM: the trust-store publisher needs it without decrypting originals. */
    pem: text("pem").notNull(),
    status: text("status", { enum: CERTIFICATE_STATUSES }).notNull().default("pending"),
    activatedAt: tstz("activated_at"),
    retiresAt: tstz("retires_at"),
    retiredAt: tstz("retired_at"),
    revokedAt: tstz("revoked_at"),
    revocationReason: text("revocation_reason"),
    createdAt: createdAt(),
  },
  (t) => [
    index("certificates_spki").on(t.spkiSha256),
    index("certificates_fingerprint").on(t.fingerprintSha256),
    index("certificates_app_env_status").on(t.appId, t.environmentId, t.status),
  ],
);

/** Recurring enablement windows of one environment key (sandbox, production…) of a program. */
export const windowRecurrences = pgTable("window_recurrences", {
  id: id(),
  programId: text("program_id").notNull(),
  environmentKey: text("environment_key").notNull(),
  /** ISO weekdays, 1 = Monday. */
  weekdays: jsonb("weekdays").$type<number[]>().notNull(),
  /** Local wall-clock start, "HH:MM", in timeZone. */
  startTime: text("start_time").notNull(),
  durationMinutes: integer("duration_minutes").notNull(),
  timeZone: text("time_zone").notNull(),
  capacity: integer("capacity").notNull(),
  active: boolean("active").notNull().default(true),
  createdBy: uuid("created_by").references(() => users.id),
  createdAt: createdAt(),
});

export const enablementWindows = pgTable(
  "enablement_windows",
  {
    id: id(),
    programId: text("program_id").notNull(),
    environmentKey: text("environment_key").notNull(),
    recurrenceId: uuid("recurrence_id").references(() => windowRecurrences.id),
    startsAt: tstz("starts_at").notNull(),
    endsAt: tstz("ends_at").notNull(),
    capacity: integer("capacity").notNull(),
    status: text("status", { enum: ["planned", "open", "closed", "cancelled"] }).notNull().default("planned"),
    cancelReason: text("cancel_reason"),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("enablement_windows_env_start").on(t.programId, t.environmentKey, t.startsAt)],
);

export const blackoutDates = pgTable("blackout_dates", {
  id: id(),
  programId: text("program_id").notNull(),
  environmentKey: text("environment_key"),
  /** ISO date, YYYY-MM-DD, in the provider's time zone. */
  date: text("date").notNull(),
  reason: text("reason").notNull(),
  createdAt: createdAt(),
});

export const enablements = pgTable(
  "enablements",
  {
    id: id(),
    submissionId: uuid("submission_id").notNull().references(() => submissions.id),
    windowId: uuid("window_id").references(() => enablementWindows.id),
    /** The active certificate this one replaces, retired after the overlap. */
    replacesCertificateId: uuid("replaces_certificate_id").references(() => certificates.id),
    status: text("status", { enum: ["scheduled", "active", "cancelled", "failed"] }).notNull(),
    scheduledBy: uuid("scheduled_by").references(() => users.id),
    reason: text("reason"),
    activatedAt: tstz("activated_at"),
    createdAt: createdAt(),
  },
  (t) => [index("enablements_window").on(t.windowId, t.status)],
);

/** Every published version of an environment's gateway trust store. */
export const truststoreVersions = pgTable(
  "truststore_versions",
  {
    id: id(),
    programId: text("program_id").notNull(),
    environmentKey: text("environment_key").notNull(),
    version: integer("version").notNull(),
    truststoreKey: text("truststore_key").notNull(),
    clientsKey: text("clients_key").notNull(),
    cause: text("cause").notNull(),
    // Issue 13 (gateway): the S3 VersionId of the `current/truststore.pem` this version wrote
    // (null where the bucket is not versioned, e.g. the embedded s3rver), and what happened
    // when the job pointed the API Gateway domain's truststoreVersion at it.
    s3VersionId: text("s3_version_id"),
    gatewayStatus: text("gateway_status", { enum: ["pending", "applied", "skipped", "failed"] }),
    gatewayWarnings: jsonb("gateway_warnings").$type<string[]>(),
    gatewayDetail: text("gateway_detail"),
    gatewayUpdatedAt: tstz("gateway_updated_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("truststore_versions_env_version").on(t.programId, t.environmentKey, t.version)],
);

export const notifications = pgTable(
  "notifications",
  {
    id: id(),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    link: text("link"),
    readAt: tstz("read_at"),
    createdAt: createdAt(),
  },
  (t) => [index("notifications_user").on(t.userId, t.readAt)],
);

/** E-mails as sent (SES) or, locally, kept for the admin outbox page. */
export const emailOutbox = pgTable("email_outbox", {
  id: id(),
  to: text("to").notNull(),
  subject: text("subject").notNull(),
  text: text("text").notNull(),
  html: text("html"),
  sentAt: tstz("sent_at"),
  providerMessageId: text("provider_message_id"),
  // Issue 14: delivery with retries and backoff; a row that exhausted its attempts has failedAt.
  attempts: integer("attempts").notNull().default(0),
  nextAttemptAt: tstz("next_attempt_at"),
  lastError: text("last_error"),
  failedAt: tstz("failed_at"),
  /** Attachments (e.g. the window's .ics), base64 content. */
  attachments: jsonb("attachments").$type<{ filename: string; contentType: string; contentBase64: string }[]>(),
  createdAt: createdAt(),
});

/** Append-only; each event carries the hash of the one before (lib/audit verifies the chain). */
export const auditEvents = pgTable(
  "audit_events",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey(),
    at: tstz("at").notNull(),
    actorUserId: uuid("actor_user_id"),
    actorEmail: text("actor_email"),
    role: text("role"),
    organisationId: uuid("organisation_id"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    outcome: text("outcome", { enum: ["success", "refused", "failure"] }).notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    index("audit_events_org_at").on(t.organisationId, t.at),
    index("audit_events_action").on(t.action),
    index("audit_events_target").on(t.targetType, t.targetId),
  ],
);

export const apiTokens = pgTable("api_tokens", {
  id: id(),
  organisationId: uuid("organisation_id").notNull().references(() => organisations.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  /** SHA-256 of the token; the token itself is shown once and never stored. */
  tokenHash: text("token_hash").notNull().unique(),
  /** First characters, to tell tokens apart in the UI. */
  prefix: text("prefix").notNull(),
  createdBy: uuid("created_by").references(() => users.id),
  lastUsedAt: tstz("last_used_at"),
  revokedAt: tstz("revoked_at"),
  /** Issue 16: optional expiry chosen at creation; the API refuses the token from this instant. */
  expiresAt: tstz("expires_at"),
  createdAt: createdAt(),
});

/** Sign-in attempts, for rate limiting that works across serverless instances. */
export const signInAttempts = pgTable(
  "sign_in_attempts",
  {
    id: id(),
    /** Lower-cased e-mail or client IP. */
    key: text("key").notNull(),
    succeeded: boolean("succeeded").notNull(),
    at: tstz("at").notNull().defaultNow(),
  },
  (t) => [index("sign_in_attempts_key_at").on(t.key, t.at)],
);

// ── Issue 10: partner API and upload rate limit ───────────────────────────────────────

/**
 * One fixed-window counter per key (`token:<id>`, `user:<id>`, `ip:<address>`), shared by
 * every instance. lib/rate-limit bumps it with ONE upsert per request, so concurrent
 * requests can neither lose a count nor both see the last free slot.
 */
export const rateLimitCounters = pgTable("rate_limit_counters", {
  key: text("key").primaryKey(),
  windowStart: tstz("window_start").notNull(),
  count: integer("count").notNull(),
});

// ── Issue 14: expiry reminders and digests ────────────────────────────────────────────

/**
 * One row per certificate and reminder threshold (days before not-after; 0 = the
 * "expired" notice). Written in the same transaction as the notification: the unique
 * index is what makes concurrent expiry jobs send each reminder exactly once.
 */
export const certificateReminders = pgTable(
  "certificate_reminders",
  {
    id: id(),
    certificateId: uuid("certificate_id").notNull().references(() => certificates.id, { onDelete: "cascade" }),
    days: integer("days").notNull(),
    sentAt: tstz("sent_at").notNull(),
    recipients: integer("recipients").notNull().default(0),
  },
  (t) => [uniqueIndex("certificate_reminders_cert_days").on(t.certificateId, t.days)],
);

/** A digest (support's urgent-expiry digest, reviewers' queue digest) sent once per kind and period. */
export const notificationDigests = pgTable(
  "notification_digests",
  {
    kind: text("kind").notNull(),
    /** The period it covers, e.g. "2026-11-28" (UTC day). */
    period: text("period").notNull(),
    items: integer("items").notNull(),
    sentAt: tstz("sent_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.period] })],
);

// ── Issue 15: live revocation checking and PKI fetching ───────────────────────────────

/**
 * Fetched CRLs, OCSP responses and AIA certificates (lib/pki-fetch), kept until the
 * answer's own nextUpdate and at most 24 h. The body is base64 text (small: ≤ 1 MiB).
 */
export const pkiFetchCache = pgTable(
  "pki_fetch_cache",
  {
    key: text("key").primaryKey(),
    body: text("body").notNull(),
    fetchedAt: tstz("fetched_at").notNull(),
    expiresAt: tstz("expires_at").notNull(),
  },
  (t) => [index("pki_fetch_cache_expires").on(t.expiresAt)],
);

export const REVOCATION_CHECK_STATUSES = ["good", "revoked", "unknown"] as const;

/**
 * Each live revocation check of a submission's leaf (at upload and by the daily re-check):
 * what the CA said, where it was asked, and when. The reviewer's page shows the latest.
 */
export const revocationChecks = pgTable(
  "revocation_checks",
  {
    id: id(),
    submissionId: uuid("submission_id").notNull().references(() => submissions.id, { onDelete: "cascade" }),
    fingerprintSha256: text("fingerprint_sha256").notNull(),
    status: text("status", { enum: REVOCATION_CHECK_STATUSES }).notNull(),
    source: text("source", { enum: ["ocsp", "crl", "none"] }).notNull(),
    url: text("url"),
    why: text("why"),
    detail: text("detail").notNull(),
    revokedAt: tstz("revoked_at"),
    reason: text("reason"),
    trigger: text("trigger", { enum: ["upload", "daily"] }).notNull(),
    checkedAt: tstz("checked_at").notNull(),
  },
  (t) => [index("revocation_checks_submission").on(t.submissionId, t.checkedAt)],
);

// ---- issue 12: Certdesk as the issuing CA (lib/ca) ----

/** A root and an issuing CA for one environment of a `provider-ca` program. Keys live in KMS (aws) or the data dir (local). */
export const certificateAuthorities = pgTable(
  "certificate_authorities",
  {
    id: id(),
    programId: text("program_id").notNull(),
    environmentKey: text("environment_key").notNull(),
    /** RSA_2048 | ECC_NIST_P256 (KMS key spec names). */
    keySpec: text("key_spec").notNull(),
    /** Where each key is: "kms:<arn>" or "local:<file>" — a reference, never key material. */
    rootKeyRef: text("root_key_ref").notNull(),
    issuingKeyRef: text("issuing_key_ref").notNull(),
    rootPem: text("root_pem").notNull(),
    issuingPem: text("issuing_pem").notNull(),
    /** The number of the newest published CRL (0: none yet). Only ever increases. */
    crlNumber: integer("crl_number").notNull().default(0),
    crlThisUpdate: tstz("crl_this_update"),
    /** Set by a revocation, cleared when the CRL carrying it is published. */
    crlStale: boolean("crl_stale").notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("certificate_authorities_scope").on(t.programId, t.environmentKey)],
);

export const ISSUED_CERTIFICATE_STATUSES = ["issued", "revoked"] as const;

/** Every certificate the CA signed for a partner (both purposes of a CSR submission). */
export const issuedCertificates = pgTable(
  "issued_certificates",
  {
    id: id(),
    authorityId: uuid("authority_id").notNull().references(() => certificateAuthorities.id),
    submissionId: uuid("submission_id").notNull().references(() => submissions.id, { onDelete: "cascade" }),
    organisationId: uuid("organisation_id").notNull().references(() => organisations.id),
    appId: uuid("app_id").notNull().references(() => developerApps.id),
    environmentId: uuid("environment_id").notNull().references(() => environments.id),
    purpose: text("purpose", { enum: ["mtls", "signature"] }).notNull(),
    /** Lower-case hex, as in the certificate. */
    serialNumber: text("serial_number").notNull(),
    subject: text("subject").notNull(),
    notBefore: tstz("not_before").notNull(),
    notAfter: tstz("not_after").notNull(),
    fingerprintSha256: text("fingerprint_sha256").notNull(),
    spkiSha256: text("spki_sha256").notNull(),
    pem: text("pem").notNull(),
    /** Leaf, issuing CA, root. */
    chainPem: text("chain_pem").notNull(),
    status: text("status", { enum: ISSUED_CERTIFICATE_STATUSES }).notNull().default("issued"),
    revokedAt: tstz("revoked_at"),
    /** RFC 5280 CRLReason code. */
    crlReason: integer("crl_reason"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("issued_certificates_serial").on(t.authorityId, t.serialNumber),
    uniqueIndex("issued_certificates_submission_purpose").on(t.submissionId, t.purpose),
    index("issued_certificates_spki").on(t.spkiSha256),
  ],
);

/** The issuance of an approved CSR submission: pending → issued, or blocked by the self-check. */
export const caIssuances = pgTable("ca_issuances", {
  submissionId: uuid("submission_id")
    .primaryKey()
    .references(() => submissions.id, { onDelete: "cascade" }),
  status: text("status", { enum: ["pending", "issued", "blocked"] }).notNull(),
  /** The engine's verdict on each issued chain before release: { purpose: { verdict, codes } }. */
  selfCheck: jsonb("self_check").$type<Record<string, { verdict: string; codes: string[] }>>(),
  detail: text("detail"),
  attempts: integer("attempts").notNull().default(0),
  createdAt: createdAt(),
  updatedAt: tstz("updated_at").notNull().defaultNow(),
});

// ── Issue 10 (security hardening): server-side sessions ─────────────────────────────
/**
 * One row per signed-in session (the JWT carries only its id, `sid`). Checked on every
 * request by lib/auth/sessions: ended, idle over 30 minutes, older than 8 hours, or
 * minted under an older users.session_version → refused, so a JWT replayed after
 * sign-out no longer works.
 */
export const authSessions = pgTable(
  "auth_sessions",
  {
    id: id(),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    /** users.session_version when the session started. */
    sessionVersion: integer("session_version").notNull(),
    createdAt: tstz("created_at").notNull(),
    lastSeenAt: tstz("last_seen_at").notNull(),
    endedAt: tstz("ended_at"),
    /** sign-out | idle | absolute | version */
    endReason: text("end_reason"),
  },
  (t) => [index("auth_sessions_user").on(t.userId)],
);
