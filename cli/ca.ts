/**
 * `certdesk ca init`: creates the root and issuing CA of one environment of a program whose
 * issuance is provider-ca (idempotent: an existing CA is reported, never replaced).
 *
 *   npm run -s certdesk -- ca init --program provider-ca-csr --environment sandbox
 *
 * Exit status: 0 created or already there, 1 failure (database, storage, KMS), 2 usage error.
 * Local mode with the embedded database: run it while the portal is stopped (the embedded
 * database has one opener; `npm start` creates the demo programs' CAs itself).
 */
import { ConfigError, loadConfig, type Config } from "../lib/config";

export const CA_USAGE = `Usage:
  npm run -s certdesk -- ca init --program <id> --environment <key> [--json]

Creates the root and issuing CA of one environment of a program whose issuance is
provider-ca (Certdesk signs the partners' CSRs). Idempotent: an existing CA is reported.

Exit status: 0 ok (created or already there), 1 failure, 2 usage error.`;

export type CaArgs = { programId: string; environmentKey: string; json: boolean };

export function parseCaArgs(argv: readonly string[]): { kind: "help" } | { kind: "init"; args: CaArgs } | { kind: "error"; message: string } {
  if (argv.length === 0 || argv.includes("-h") || argv.includes("--help")) return argv.length === 0 ? { kind: "error", message: "missing subcommand (init)" } : { kind: "help" };
  const [sub, ...rest] = argv;
  if (sub !== "init") return { kind: "error", message: `unknown ca subcommand "${sub}" (expected: init)` };
  const values: Record<string, string> = {};
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "--json") {
      json = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name !== "--program" && name !== "--environment") return { kind: "error", message: `unknown option "${arg}"` };
    const value = eq > 0 ? arg.slice(eq + 1) : rest[++i];
    if (value === undefined || value === "" || value.startsWith("--")) return { kind: "error", message: `${name} needs a value` };
    if (values[name] !== undefined) return { kind: "error", message: `${name} given twice` };
    values[name] = value;
  }
  const programId = values["--program"];
  const environmentKey = values["--environment"];
  if (!programId) return { kind: "error", message: "--program <id> is required" };
  if (!environmentKey) return { kind: "error", message: "--environment <key> is required" };
  const id = /^[a-z0-9][a-z0-9-]{0,63}$/;
  if (!id.test(programId)) return { kind: "error", message: `--program "${programId.slice(0, 64)}" is not a program id (lower-case letters, digits, dashes)` };
  if (!id.test(environmentKey)) return { kind: "error", message: `--environment "${environmentKey.slice(0, 64)}" is not an environment key (lower-case letters, digits, dashes)` };
  return { kind: "init", args: { programId, environmentKey, json } };
}

async function openStorage(config: Config): Promise<{ storage: import("../lib/storage").Storage; stop(): Promise<void> }> {
  const { createStorage } = await import("../lib/storage");
  if (config.mode !== "local") return { storage: createStorage(config), stop: async () => undefined };
  const embedded = await import("../lib/embedded");
  await embedded.ensureLocalKey(config);
  const localKey = () => embedded.readLocalKey((config.keyring as { keyFile: string }).keyFile);
  try {
    const s3 = await embedded.startEmbeddedS3(config);
    return { storage: createStorage(config, { localKey }), stop: () => s3.stop() };
  } catch (error) {
    // The portal's own S3 server is up: with a PostgreSQL server that is fine (two openers are);
    // with the embedded database it means the portal holds it.
    if (config.database.kind === "postgres") return { storage: createStorage(config, { localKey }), stop: async () => undefined };
    throw new CliFailure(
      `${error instanceof Error ? error.message : "the embedded S3 server did not start"}\n` +
        "The portal seems to be running, and it holds the embedded database. Stop it first (npm start creates the demo programs' CAs itself), or use a PostgreSQL server (DATABASE_URL).",
    );
  }
}

class CliFailure extends Error {}

/** Runs `certdesk ca …`; returns the exit status. */
export async function runCaCommand(argv: readonly string[], io: { out: (s: string) => void; err: (s: string) => void } = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): Promise<number> {
  const parsed = parseCaArgs(argv);
  if (parsed.kind === "help") {
    io.out(`${CA_USAGE}\n`);
    return 0;
  }
  if (parsed.kind === "error") {
    io.err(`certdesk ca: ${parsed.message}\n\n${CA_USAGE}\n`);
    return 2;
  }
  const { programId, environmentKey, json } = parsed.args;
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`certdesk ca: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const { CaError, initCertificateAuthority } = await import("../lib/ca/authority");
  const { caDeps } = await import("../lib/ca/runtime");
  const { openDatabase, migrateDatabase } = await import("../lib/db");
  let storage: Awaited<ReturnType<typeof openStorage>> | undefined;
  let database: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    storage = await openStorage(config);
    database = await openDatabase(config.database);
    if (config.mode === "local") await migrateDatabase(database.db);
    const { created, authority } = await initCertificateAuthority(caDeps(config, { db: database.db, storage: storage.storage }), { programId, environmentKey });
    const { X509Certificate } = await import("@peculiar/x509");
    const root = new X509Certificate(authority.rootPem);
    const issuing = new X509Certificate(authority.issuingPem);
    const base = `${config.publicUrl.replace(/\/+$/, "")}/pki/${programId}/${environmentKey}`;
    const summary = {
      created,
      programId,
      environmentKey,
      keySpec: authority.keySpec,
      root: { subject: root.subject, serialNumber: root.serialNumber.toLowerCase(), notAfter: root.notAfter.toISOString() },
      issuing: { subject: issuing.subject, serialNumber: issuing.serialNumber.toLowerCase(), notAfter: issuing.notAfter.toISOString() },
      caPemUrl: `${base}/ca.pem`,
      crlUrl: `${base}/crl`,
    };
    if (json) io.out(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      io.out(
        `${created ? "Created" : "Already there:"} the CA of ${programId} / ${environmentKey} (${authority.keySpec})\n` +
          `  root     ${summary.root.subject}  (until ${summary.root.notAfter.slice(0, 10)})\n` +
          `  issuing  ${summary.issuing.subject}  (until ${summary.issuing.notAfter.slice(0, 10)})\n` +
          `  CA certificates: ${summary.caPemUrl}\n  CRL:             ${summary.crlUrl}\n`,
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof CaError && error.code !== "not-initialised") {
      io.err(`certdesk ca: ${error.message}\n`);
      return 2;
    }
    // Never a stack trace, and never key material: messages name files and key ids at most.
    io.err(`certdesk ca: ${error instanceof Error ? error.message : "failed"}\n`);
    return 1;
  } finally {
    await database?.close().catch(() => undefined);
    await storage?.stop().catch(() => undefined);
  }
}
