/**
 * A program: the declarative, versioned rules one API provider applies to its
 * partners' mTLS submissions. Operators write programs as JSON; nothing here is code
 * an operator must touch. `parseProgram` is the only way a program enters the engine,
 * so every rule the evaluator reads has been validated once, at the boundary.
 */
import { z } from "zod";

const DAY_COUNT = z.number().int().min(0).max(36_500);

/** An environment a partner's certificates are registered for (sandbox, stage, production…). */
export const environmentSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "lower-case letters, digits and dashes"),
  label: z.string().min(1),
  production: z.boolean(),
  /** Reviewer approvals needed before enablement; default 2 in production, else 1. */
  approvals: z.number().int().min(1).max(5).optional(),
});

export const keyAlgorithmSchema = z.discriminatedUnion("algorithm", [
  z.object({
    algorithm: z.literal("RSA"),
    minBits: z.number().int().min(1024),
    /**
     * The size the provider text asks for. A larger key is a KEY_SIZE_UNEXPECTED
     * warning (001's own sample makes 4096-bit keys), a smaller one KEY_TOO_SMALL.
     */
    expectedBits: z.number().int().min(1024).optional(),
  }),
  z.object({
    algorithm: z.literal("EC"),
    curves: z.array(z.enum(["P-256", "P-384", "P-521"])).min(1),
  }),
  z.object({ algorithm: z.literal("Ed25519") }),
]);

export const validityWindowSchema = z
  .object({ minDays: DAY_COUNT.optional(), maxDays: DAY_COUNT.optional() })
  .refine((w) => w.minDays === undefined || w.maxDays === undefined || w.minDays <= w.maxDays, "minDays must not exceed maxDays");

/** A refused issuing CA, matched on any certificate of the chain (subject or issuer organisation, CN, or SPKI). */
export const refusedIssuerSchema = z.object({
  label: z.string().min(1),
  /** Organisation names (O=), compared after normalising case, whitespace and punctuation. */
  organizations: z.array(z.string().min(1)).default([]),
  /** Common names of CA certificates (CN=), same normalisation. */
  commonNames: z.array(z.string().min(1)).default([]),
  /** SHA-256 of the SubjectPublicKeyInfo of CA certificates, hex: survives re-issued CA certificates. */
  spkiSha256: z.array(z.string().regex(/^[0-9a-f]{64}$/)).default([]),
  reason: z.string().min(1),
});

export const CSR_SUBJECT_FIELDS = ["C", "ST", "L", "O", "OU", "CN", "emailAddress"] as const;
export type CsrSubjectField = (typeof CSR_SUBJECT_FIELDS)[number];

const rulesSchema = z.object({
  submission: z.object({
    /** A certificate chain: required (000, 001, 002), optional, or refused (003, where the provider is the CA). */
    chain: z.enum(["required", "optional", "refused"]),
    /** CSRs: 003 requires them; 000 accepts one as proof the partner holds the leaf's key. */
    csr: z.enum(["required", "optional", "refused"]),
    /** Named CSRs the program needs, one per purpose, each with its own key (003: mtls, signature). */
    csrPurposes: z.array(z.string().regex(/^[a-z0-9-]+$/)).default([]),
    /** Encodings accepted. PEM only → DER/PKCS#7 give FORMAT_NOT_PEM with the conversion command. */
    encodings: z.array(z.enum(["pem", "der", "pkcs7"])).min(1),
    /** Whether a .zip archive is accepted, required (FORMAT_NOT_ACCEPTED without one) or refused. */
    archive: z.enum(["accepted", "required", "refused"]),
  }),
  issuance: z.enum(["ca-issued", "self-signed", "either"]),
  root: z.enum(["required", "optional", "refused"]),
  /** Algorithms allowed for the leaf's and the CSRs' keys; anything else is KEY_ALGORITHM_NOT_ALLOWED. */
  keyAlgorithms: z.array(keyAlgorithmSchema).min(1),
  /** RSA floor for every CA certificate of the path (issuers are not held to the leaf's expected size). */
  issuerMinRsaBits: z.number().int().min(1024).default(2048),
  /** Signature hashes refused on uploaded certificates and CSRs (a root's own self-signature is not checked). */
  refusedSignatureHashes: z.array(z.enum(["MD5", "SHA-1"])).default(["MD5", "SHA-1"]),
  /** Total lifetime of the leaf, by how it was issued. */
  leafValidityDays: z
    .object({ selfSigned: validityWindowSchema.optional(), caIssued: validityWindowSchema.optional() })
    .default({}),
  /** LEAF_EXPIRES_SOON thresholds (004: 90 days warning, 30 urgent). */
  expiryWarningDays: z
    .object({ warning: DAY_COUNT, urgent: DAY_COUNT })
    .refine((e) => e.urgent <= e.warning, "urgent must not exceed warning")
    .default({ warning: 90, urgent: 30 }),
  /** Which certificates' CN must contain the partner's company name (001: leaf, and the root of a self-signed chain). */
  companyName: z.object({ leaf: z.boolean(), selfSignedRoot: z.boolean(), csr: z.boolean().default(false) }),
  /** clientAuth (1.3.6.1.5.5.7.3.2) in the leaf's EKU: required if an EKU is present, required outright, or not checked. */
  eku: z.enum(["client-auth-if-present", "client-auth-required", "not-checked"]),
  /** The leaf's keyUsage, when present, must include digitalSignature (the TLS client signs the handshake). */
  requireDigitalSignature: z.boolean().default(true),
  /**
   * Certificate policies (RFC 5280 §6.1): when set, the path must be valid for one of these policy OIDs
   * (they are the user-initial-policy-set, with initial-explicit-policy on), else POLICY_NOT_ACCEPTED.
   * Absent (every example program): any policy, and only the CAs' own policy constraints apply.
   */
  acceptablePolicies: z.array(z.string().regex(/^[0-2](\.(0|[1-9][0-9]*))+$/, "a dotted OID, e.g. 2.23.140.1.2.2")).min(1).optional(),
  refusedIssuers: z.array(refusedIssuerSchema).default([]),
  psd2: z.object({
    /**
     * `when-partner-has-roles`: a partner configured with PSD2 roles must present a QWAC carrying them
     * (001, 002: "To access PSD2 Open Banking APIs … eIDAS PSD2 certificate with proper TPP roles").
     */
    qwac: z.enum(["never", "when-partner-has-roles", "always"]),
  }),
  csrSubject: z.object({
    required: z.array(z.enum(CSR_SUBJECT_FIELDS)).default([]),
    optional: z.array(z.enum(CSR_SUBJECT_FIELDS)).default([]),
  }),
  /** `required`: a certificate whose status cannot be learned is REVOCATION_UNKNOWN (warning, for the reviewer). */
  revocation: z.enum(["required", "if-available", "not-checked"]),
  /** How long before expiry the partner must coordinate renewal (000, 003: 30 days). */
  renewalLeadDays: DAY_COUNT,
  /** Same key or certificate in two environments (001/002 recommend separation; 003 requires it). */
  keyReuseAcrossEnvironments: z.enum(["allowed", "warning", "error"]),
});

export const programSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "lower-case letters, digits and dashes"),
  version: z.number().int().min(1),
  name: z.string().min(1),
  description: z.string().min(1),
  /** The provider text the program reproduces. */
  source: z.object({ provider: z.string().min(1), document: z.string().min(1) }),
  /** Every choice made where the texts disagree, or a text and its own sample do. */
  notes: z.array(z.string()).default([]),
  rules: rulesSchema,
  environments: z.array(environmentSchema).min(1),
  /** Trust anchors: the public roots Node ships, replaced by or extended with the program's own PEMs. */
  trustAnchors: z
    .object({ mode: z.enum(["public", "replace", "extend"]), pems: z.array(z.string()).default([]) })
    .refine((t) => t.mode === "public" || t.pems.length > 0, "replace/extend need at least one PEM")
    .default({ mode: "public", pems: [] }),
  review: z
    .object({ targetBusinessDays: z.number().int().min(1).max(30).default(2) })
    .default({ targetBusinessDays: 2 }),
  /**
   * Expiry reminders (issue 14; lib/expiry): days before not-after at which the owning
   * organisation's partners are reminded, and the threshold from which a certificate is
   * `urgent` (004: 90 days warning, 30 urgent). A threshold longer than half a
   * certificate's whole validity is skipped for that certificate.
   */
  expiry: z
    .object({
      reminderDays: z
        .array(z.number().int().min(1).max(3_650))
        .max(10)
        .refine((d) => new Set(d).size === d.length, "reminderDays must not repeat a day")
        .default([90, 30]),
      urgentDays: z.number().int().min(0).max(3_650).default(30),
      /** A renewal (or CSR) whose key equals the certificate it replaces: KEY_REUSED at this severity (003: distinct keys → error). */
      keyReuse: z.enum(["warning", "error"]).default("warning"),
    })
    .default({ reminderDays: [90, 30], urgentDays: 30, keyReuse: "warning" }),
  /**
   * Who issues the partners' certificates (issue 12): their own CA ("partner", the default),
   * or Certdesk as the provider's CA ("provider-ca", 003: the partner sends CSRs, the provider
   * signs them). `"provider-ca"` alone is accepted as shorthand. validityDays: the issued
   * certificates' lifetime (003's sample certificate runs one year).
   */
  issuance: z
    .preprocess(
      (v) => (typeof v === "string" ? { mode: v } : v),
      z.object({
        mode: z.enum(["partner", "provider-ca"]).default("partner"),
        validityDays: z.number().int().min(1).max(825).default(365),
      }),
    )
    .optional(),
  /**
   * Issue 15: what the daily re-check (lib/jobs/recheck-revocation) does with a live certificate
   * its CA revoked: `remove` it from the trust store at once (the revocation flow, reason
   * "revoked by its CA"), or only `alert` the partner and support.
   */
  revocation: z.object({ onRevoked: z.enum(["remove", "alert"]).default("remove") }).default({ onRevoked: "remove" }),
  /** Enablement windows (lib/scheduling reads these; each falls back to the house default there). */
  scheduling: z
    .object({
      /** A production window opens at least this many business days after approval. */
      productionLeadBusinessDays: z.number().int().min(0).max(60).optional(),
      /** A replacement must be live at least this many days before the certificate it replaces expires. */
      expiryMarginDays: z.number().int().min(0).max(365).optional(),
      /** How long a replaced certificate stays trusted beside its successor (004: rotation overlap). */
      overlapHours: z.number().int().min(0).max(24 * 90).optional(),
      /** Non-production environments may be enabled at once, outside any window. */
      sandboxImmediate: z.boolean().optional(),
      /** IANA zone the provider reckons business days and blackout dates in, e.g. Europe/Vilnius. */
      timeZone: z.string().min(1).optional(),
    })
    .optional(),
});

export type Program = z.infer<typeof programSchema>;
export type ProgramRules = Program["rules"];
export type ProgramEnvironment = z.infer<typeof environmentSchema>;
export type KeyAlgorithmRule = z.infer<typeof keyAlgorithmSchema>;

/** A program that failed validation; `message` lists every bad field. */
export class ProgramError extends Error {
  override readonly name = "ProgramError";
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(message);
  }
}

/**
 * Validates operator-written JSON (text or parsed) into a {@link Program}.
 * Throws {@link ProgramError} naming every bad field at once, so an operator fixes them in one pass.
 *
 * @example
 * const program = parseProgram(await readFile("programs/acme.json", "utf8"));
 */
export function parseProgram(json: unknown): Program {
  let value = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new ProgramError(`program is not valid JSON: ${(e as Error).message}`, [{ path: "(root)", message: "not JSON" }]);
    }
  }
  const result = programSchema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.length ? i.path.join(".") : "(root)", message: i.message }));
  const id = typeof value === "object" && value && "id" in value ? ` "${String((value as { id: unknown }).id)}"` : "";
  throw new ProgramError(
    `program${id} is invalid (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
      issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n"),
    issues,
  );
}

/**
 * Reviewer approvals needed for an environment of the program: the environment's own
 * setting, else 2 in production and 1 elsewhere (four eyes where an error costs most).
 *
 * @example
 * approvalsRequired(program, "production") // 2
 */
export function approvalsRequired(program: Program, environmentId: string): number {
  const env = program.environments.find((e) => e.id === environmentId);
  if (!env) return 2;
  return env.approvals ?? (env.production ? 2 : 1);
}
