/**
 * One validated configuration for the whole portal, read from the environment.
 *
 * Every missing or invalid variable is named in one message at start, so an
 * operator fixes them all at once instead of one per restart. Runtime code
 * reads settings (and, on AWS, the linked resources' names) only through here.
 */
import path from "node:path";
import { z } from "zod";

export type Mode = "local" | "aws";

export type Config = {
  mode: Mode;
  /** The portal's public origin, e.g. https://certdesk.example-bank.com. */
  publicUrl: string;
  /** Local mode: where the embedded S3 data, PGlite database and wrapping key live. */
  dataDir: string;
  s3: {
    bucket: string;
    region: string;
    /** Set for the embedded S3 server (local mode); absent on AWS. */
    endpoint?: string;
    forcePathStyle: boolean;
  };
  keyring:
    | { kind: "local-aes"; keyFile: string }
    | { kind: "kms"; keyArn: string; region: string };
  database: { kind: "pglite"; dir: string } | { kind: "postgres"; url: string };
  auth: {
    /** Secret for next-auth JWTs. Local mode generates one under dataDir when unset. */
    secret?: string;
    credentials: boolean;
    oidc?: { issuer: string; clientId: string; clientSecret: string };
  };
  email: { from: string; kind: "outbox" | "ses"; region?: string };
  /** Issue 15: hosts (`host` or `host:port`) PKI fetching may reach whatever their address; empty by default. */
  fetch: { allowHosts: string[] };
  /**
   * Issue 10: which proxy in front of the portal may tell us the client's address.
   * "none": the TCP peer is the client (local); "cloudfront": CloudFront's
   * CloudFront-Viewer-Address header. X-Forwarded-For is never trusted.
   */
  trustedProxy: TrustedProxy;
  /** Issue 10: partner API and upload route limits, per token (or signed-in user) and per client IP, per window. */
  rateLimit: { windowSeconds: number; perToken: number; perIp: number };
};

/** Issue 10: the proxies whose client-address header is believed (CERTDESK_TRUSTED_PROXY). */
export const TRUSTED_PROXIES = ["none", "cloudfront"] as const;
export type TrustedProxy = (typeof TRUSTED_PROXIES)[number];

/** Names of the environment variables, shared with `infra/` so the two cannot drift apart. */
export const ENV = {
  mode: "CERTDESK_MODE",
  publicUrl: "CERTDESK_PUBLIC_URL",
  dataDir: "CERTDESK_DATA_DIR",
  s3Bucket: "CERTDESK_S3_BUCKET",
  s3Region: "CERTDESK_S3_REGION",
  s3Endpoint: "CERTDESK_S3_ENDPOINT",
  kmsKeyArn: "CERTDESK_KMS_KEY_ARN",
  databaseUrl: "DATABASE_URL",
  authSecret: "CERTDESK_AUTH_SECRET",
  oidcIssuer: "CERTDESK_OIDC_ISSUER",
  oidcClientId: "CERTDESK_OIDC_CLIENT_ID",
  oidcClientSecret: "CERTDESK_OIDC_CLIENT_SECRET",
  emailFrom: "CERTDESK_EMAIL_FROM",
  fetchAllowHosts: "CERTDESK_FETCH_ALLOW_HOSTS",
  trustedProxy: "CERTDESK_TRUSTED_PROXY",
  rateLimitWindowSeconds: "CERTDESK_RATE_LIMIT_WINDOW_SECONDS",
  rateLimitPerToken: "CERTDESK_RATE_LIMIT_PER_TOKEN",
  rateLimitPerIp: "CERTDESK_RATE_LIMIT_PER_IP",
  awsRegion: "AWS_REGION",
} as const;

export const LOCAL_S3_PORT = 4568;

const url = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" });
const nonEmpty = z.string().trim().min(1, "must not be empty");
/** Issue 15: comma-separated `host` or `host:port` (IPv6 in brackets), lower-cased. */
const allowHosts = z
  .string()
  .transform((v) => v.split(",").map((h) => h.trim().toLowerCase()).filter(Boolean))
  .refine((hs) => hs.every((h) => /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(:\d{1,5})?$/.test(h)), "must be comma-separated host or host:port entries")
  .default([]);

/** Issue 10: the rate limit's settings, the same in both modes (docs/api.md#rate-limits). */
const count = z.coerce.number().int("must be a whole number").min(1, "must be at least 1").max(1_000_000, "must be at most 1000000");
const rateLimitSchema = {
  [ENV.rateLimitWindowSeconds]: z.coerce.number().int("must be a whole number").min(1, "must be at least 1").max(3600, "must be at most 3600").default(60),
  [ENV.rateLimitPerToken]: count.default(600),
  [ENV.rateLimitPerIp]: count.default(1200),
};
const rateLimitFrom = (e: z.infer<z.ZodObject<typeof rateLimitSchema>>): Config["rateLimit"] => ({
  windowSeconds: e[ENV.rateLimitWindowSeconds],
  perToken: e[ENV.rateLimitPerToken],
  perIp: e[ENV.rateLimitPerIp],
});

const localSchema = z.object({
  [ENV.mode]: z.literal("local"),
  [ENV.publicUrl]: url.default("http://localhost:3000"),
  [ENV.dataDir]: nonEmpty.default(".certdesk"),
  [ENV.s3Bucket]: nonEmpty.default("certdesk-local"),
  [ENV.s3Region]: nonEmpty.default("us-east-1"),
  [ENV.s3Endpoint]: url.default(`http://127.0.0.1:${LOCAL_S3_PORT}`),
  [ENV.databaseUrl]: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL (leave unset for the embedded database)")
    .optional(),
  [ENV.authSecret]: z.string().min(32, "must be at least 32 characters").optional(),
  [ENV.emailFrom]: nonEmpty.default("Certdesk <certdesk@localhost>"),
  [ENV.fetchAllowHosts]: allowHosts,
  [ENV.trustedProxy]: z.enum(TRUSTED_PROXIES).default("none"),
  ...rateLimitSchema,
});

const awsSchema = z.object({
  [ENV.mode]: z.literal("aws"),
  [ENV.publicUrl]: url,
  [ENV.s3Bucket]: nonEmpty,
  [ENV.awsRegion]: nonEmpty,
  // A key ARN, not an alias: the Encryption SDK decrypts only with the key ARN that
  // GenerateDataKey recorded in each object, so an alias would encrypt but never decrypt.
  [ENV.kmsKeyArn]: z
    .string()
    .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, "must be a KMS key ARN (…:key/<id>; an alias ARN cannot decrypt)"),
  [ENV.databaseUrl]: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL"),
  [ENV.authSecret]: z.string().min(32, "must be at least 32 characters"),
  [ENV.oidcIssuer]: url,
  [ENV.oidcClientId]: nonEmpty,
  [ENV.oidcClientSecret]: nonEmpty,
  [ENV.emailFrom]: nonEmpty,
  [ENV.fetchAllowHosts]: allowHosts,
  [ENV.trustedProxy]: z.enum(TRUSTED_PROXIES).default("cloudfront"),
  ...rateLimitSchema,
});

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Certdesk configuration is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Reads and validates the configuration.
 *
 * @example
 * const config = loadConfig(process.env); // local defaults when CERTDESK_MODE is unset
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const mode = env[ENV.mode]?.trim() || "local";
  if (mode !== "local" && mode !== "aws") {
    throw new ConfigError([`${ENV.mode}: must be "local" or "aws", got "${mode}"`]);
  }
  // An empty variable (`FOO=` in a .env file or a compose file) means "not set": the local
  // default applies, and in aws mode it is reported as missing rather than as malformed.
  const input: Record<string, string | undefined> = { [ENV.mode]: mode };
  for (const name of Object.values(ENV)) {
    const value = env[name];
    if (name !== ENV.mode && value !== undefined && value.trim() !== "") input[name] = value;
  }
  if (mode === "local") {
    const parsed = localSchema.safeParse(input);
    if (!parsed.success) throw new ConfigError(describe(parsed.error));
    const e = parsed.data;
    const dataDir = path.resolve(cwd, e[ENV.dataDir]);
    const databaseUrl = e[ENV.databaseUrl];
    return {
      mode,
      publicUrl: e[ENV.publicUrl],
      dataDir,
      s3: { bucket: e[ENV.s3Bucket], region: e[ENV.s3Region], endpoint: e[ENV.s3Endpoint], forcePathStyle: true },
      keyring: { kind: "local-aes", keyFile: path.join(dataDir, "wrapping-key") },
      database: databaseUrl
        ? { kind: "postgres", url: databaseUrl }
        : { kind: "pglite", dir: path.join(dataDir, "db") },
      auth: { secret: e[ENV.authSecret], credentials: true },
      email: { from: e[ENV.emailFrom], kind: "outbox" },
      fetch: { allowHosts: e[ENV.fetchAllowHosts] },
      trustedProxy: e[ENV.trustedProxy],
      rateLimit: rateLimitFrom(e),
    };
  }
  const parsed = awsSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(describe(parsed.error));
  const e = parsed.data;
  const region = e[ENV.awsRegion];
  return {
    mode,
    publicUrl: e[ENV.publicUrl],
    // Lambda's only writable place; nothing persistent is kept there.
    dataDir: "/tmp/certdesk",
    s3: { bucket: e[ENV.s3Bucket], region, forcePathStyle: false },
    keyring: { kind: "kms", keyArn: e[ENV.kmsKeyArn], region },
    database: { kind: "postgres", url: e[ENV.databaseUrl] },
    auth: {
      secret: e[ENV.authSecret],
      // Demo passwords must never work on a deployed portal.
      credentials: false,
      oidc: { issuer: e[ENV.oidcIssuer], clientId: e[ENV.oidcClientId], clientSecret: e[ENV.oidcClientSecret] },
    },
    email: { from: e[ENV.emailFrom], kind: "ses", region },
    fetch: { allowHosts: e[ENV.fetchAllowHosts] },
    trustedProxy: e[ENV.trustedProxy],
    rateLimit: rateLimitFrom(e),
  };
}

function describe(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const name = issue.path.join(".") || "(environment)";
    const missing = issue.code === "invalid_type" && issue.input === undefined;
    return missing ? `${name}: is required but not set` : `${name}: ${issue.message}`;
  });
}

let cached: Config | undefined;

/** The process-wide configuration, validated once. */
export function getConfig(): Config {
  cached ??= loadConfig();
  return cached;
}
