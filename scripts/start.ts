/**
 * `npm start` (and `npm run dev` with --dev): the whole portal in ONE process on a laptop
 * or in CI — local wrapping key and auth secret, embedded S3 (s3rver), embedded
 * PostgreSQL (PGlite), migrations, demo seed, a production build when the sources are
 * newer than it, then Next on http://localhost:3000.
 *
 * One process on purpose: PGlite allows one opener per data dir, and the Next bundle
 * shares this process's database through lib/db's globalThis singleton.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";

const dev = process.argv.includes("--dev");
/** Serve the existing build even if sources are newer (tests that start extra portals beside a fresh build). */
const noBuild = process.argv.includes("--no-build");
// Before Next is imported: it reads NODE_ENV at load time.
(process.env as Record<string, string>).NODE_ENV = dev ? "development" : "production";
process.env.NEXT_TELEMETRY_DISABLED = "1";

const port = Number.parseInt(process.env.PORT ?? "3000", 10);
const cwd = process.cwd();

function log(line: string) {
  console.log(`certdesk: ${line}`);
}

/** Newest modification time of the sources a build depends on (tests excluded). */
function newestSourceMtime(): number {
  let newest = 0;
  const skip = new Set(["node_modules", ".next", ".git", "testing", "test-results"]);
  const visit = (p: string) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const entry of readdirSync(p)) if (!skip.has(entry)) visit(path.join(p, entry));
      return;
    }
    if (/\.test\.tsx?$/.test(p)) return;
    newest = Math.max(newest, st.mtimeMs);
  };
  for (const entry of ["app", "lib", "public", "proxy.ts", "next.config.ts", "tsconfig.json", "package.json", "package-lock.json"]) {
    visit(path.join(cwd, entry));
  }
  return newest;
}

function buildIsStale(): string | null {
  const buildId = path.join(cwd, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return "no build yet";
  return statSync(buildId).mtimeMs < newestSourceMtime() ? "sources changed since the last build" : null;
}

function runBuild(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(cwd, "node_modules", "next", "dist", "bin", "next"), "build"], {
      cwd,
      stdio: "inherit",
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build exited with code ${code}`))));
  });
}

async function main() {
  const { ConfigError, loadConfig, ENV } = await import("../lib/config");
  if (!process.env[ENV.publicUrl] && (process.env[ENV.mode] ?? "local") === "local") {
    process.env[ENV.publicUrl] = `http://localhost:${port}`;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  if (config.mode !== "local") {
    console.error("certdesk: `npm start` runs the embedded local runtime; in aws mode the portal runs on Lambda (see docs/architecture.md).");
    process.exit(1);
  }

  const embedded = await import("../lib/embedded");
  const { keyFile, created } = await embedded.ensureLocalKey(config);
  log(created ? `created a new local wrapping key in ${path.relative(cwd, keyFile)}` : `using the local wrapping key in ${path.relative(cwd, keyFile)}`);
  const secret = await embedded.ensureAuthSecret(config);
  // The Next bundle reads its configuration from the environment (its own copy of lib/config).
  process.env[ENV.authSecret] ??= secret;
  process.env.NEXTAUTH_URL ??= config.publicUrl;

  // Issue 10: a crash (kill -9, power loss) in the middle of an upload can leave objects
  // without readable metadata, which make s3rver answer 500; repaired before it starts.
  const s3Dir = path.join(config.dataDir, "s3");
  const repair = await embedded.repairEmbeddedS3({ directory: s3Dir, quarantineRoot: path.join(config.dataDir, "s3-quarantine"), now: new Date() });
  log(embedded.describeS3Repair(repair, (p) => path.relative(cwd, p)));
  const s3 = await embedded.startEmbeddedS3(config);
  log(`embedded S3 on ${s3.endpoint} (data in ${path.relative(cwd, s3.directory)})`);

  const { getDb, closeDb } = await import("../lib/db");
  const { seedDemo, DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_API_TOKEN } = await import("../lib/db/seed");
  const { EXAMPLE_PROGRAM_RECORDS } = await import("../lib/policy/programs");
  log(config.database.kind === "pglite" ? `embedded PostgreSQL (PGlite) in ${path.relative(cwd, config.database.dir)}` : "PostgreSQL server from DATABASE_URL");
  const db = await getDb();
  const seeded = await seedDemo(db, {
    programs: EXAMPLE_PROGRAM_RECORDS,
  });
  log(`demo data ready (${seeded.organisations} organisations, ${seeded.users} users, ${seeded.apps} apps, ${seeded.programs} programs)`);
  // Issue 12: a root and issuing CA for each environment of the demo programs Certdesk issues for (idempotent).
  const { initDemoAuthorities } = await import("../lib/ca/init-demo");
  const cas = await initDemoAuthorities({ db, config });
  if (cas.created.length) log(`certificate authorities created: ${cas.created.join(", ")}`);

  if (!dev) {
    const stale = buildIsStale();
    if (stale && noBuild && stale !== "no build yet") {
      log(`serving the existing build (--no-build) although ${stale}`);
    } else if (stale) {
      log(`building the portal (${stale}); this takes a minute or two…`);
      await runBuild();
    }
  }

  const { default: next } = await import("next");
  const app = next({ dev, dir: cwd, hostname: "localhost", port });
  const handle = app.getRequestHandler();
  await app.prepare();

  const { rejectMalformedRequest } = await import("../lib/http/raw-request");
  let acceptingSince = new Date();
  const server: Server = createServer((req, res) => {
    // Issue 10: a path Next cannot percent-decode is the client's 400, not Next's bare 500.
    if (rejectMalformedRequest(req, res)) return;
    // Issue 10: the client's address for sign-in throttling and the audit trail is the TCP
    // peer (lib/auth/client-ip, CERTDESK_TRUSTED_PROXY=none). Always overwritten, so a
    // client cannot send its own; X-Forwarded-For is never believed.
    req.headers["x-certdesk-socket-address"] = req.socket.remoteAddress ?? "";
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`port ${port} is in use: stop the other process or set PORT`) : error),
    );
    // Loopback only: the demo accounts share a published password.
    // Objects stored before this moment cannot belong to an upload of this process (issue 10).
    acceptingSince = new Date();
    server.listen(port, "127.0.0.1", () => resolve());
  });

  // The sandbox mTLS gateway: what API Gateway + the authorizer do on AWS, on the published trust stores.
  const { startSandboxGateway, sandboxGatewayPort, whoamiCurlCommand } = await import("../lib/gateway/sandbox");
  const { getStorage } = await import("../lib/storage");
  const gateway = await startSandboxGateway({ storage: getStorage(), dataDir: config.dataDir, port: sandboxGatewayPort() });
  const gatewayCa = path.relative(cwd, gateway.caFile) || gateway.caFile;

  console.log(
    [
      "",
      `  Certdesk is running${dev ? " (development, hot reload)" : ""}: ${config.publicUrl}`,
      "",
      `  Demo accounts (password: ${DEMO_PASSWORD})`,
      ...DEMO_ACCOUNTS.map((a) => `    ${a.email.padEnd(26)} ${a.role.padEnd(9)} ${a.organisation}`),
      "",
      `  Demo API token (Acme): ${DEMO_API_TOKEN}`,
      `  Health: ${config.publicUrl}/api/health`,
      `  Sandbox mTLS gateway: https://localhost:${gateway.port}/whoami (its server CA: ${gatewayCa})`,
      `    ${whoamiCurlCommand({ port: gateway.port, caFile: gatewayCa })}`,
      `  Data: ${path.relative(cwd, config.dataDir) || "."} (kept across restarts; \`npm run reset\` wipes it)`,
      "",
    ].join("\n"),
  );

  // Local mode runs the activation job in-process every minute (on AWS a scheduled function does).
  const { startJobRunner } = await import("../lib/jobs/runner");
  // Issue 10: the orphan clean-up runs here too; its first run removes what a crash left behind.
  const { runLocal: cleanOrphansLocally } = await import("../lib/jobs/clean-orphaned-objects");
  const jobs = startJobRunner({ intervalMs: 60_000, cleanOrphans: (now) => cleanOrphansLocally({ now, acceptingSince }) });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down…`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await app.close?.().catch(() => undefined);
    await gateway.close().catch((error: unknown) => console.error("certdesk: stopping the sandbox gateway failed:", error));
    await jobs.stop().catch((error: unknown) => console.error("certdesk: stopping the job runner failed:", error));
    await closeDb().catch((error: unknown) => console.error("certdesk: closing the database failed:", error));
    await s3.stop().catch((error: unknown) => console.error("certdesk: stopping S3 failed:", error));
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(`certdesk: could not start: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof Error && error.name !== "EmbeddedError" && error.name !== "ConfigError") console.error(error);
  process.exit(1);
});
