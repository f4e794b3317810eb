/**
 * The e2e portal's own environment: its own port, data dir and S3 port, so a test run
 * never touches the developer's demo data (and can run while `npm start` does).
 */
export const E2E_PORT = Number.parseInt(process.env.E2E_PORT ?? "3100", 10);
export const E2E_S3_PORT = Number.parseInt(process.env.E2E_S3_PORT ?? "4578", 10);
export const E2E_DATA_DIR = ".certdesk-e2e";
/** The e2e portal's sandbox mTLS gateway: not the developer's 8443. */
export const E2E_GATEWAY_PORT = Number.parseInt(process.env.E2E_GATEWAY_PORT ?? "8453", 10);
export const E2E_BASE_URL = `http://localhost:${E2E_PORT}`;

export const E2E_SERVER_ENV: Record<string, string> = {
  CERTDESK_MODE: "local",
  CERTDESK_DATA_DIR: E2E_DATA_DIR,
  CERTDESK_S3_ENDPOINT: `http://127.0.0.1:${E2E_S3_PORT}`,
  CERTDESK_PUBLIC_URL: E2E_BASE_URL,
  PORT: String(E2E_PORT),
  CERTDESK_GATEWAY_PORT: String(E2E_GATEWAY_PORT),
  NEXT_TELEMETRY_DISABLED: "1",
};

/**
 * Refuses to run browser tests against anything but an embedded or loopback database
 * (dub's assert-local-database): the tests sign in, fail sign-ins on purpose and write
 * audit events, which must never land in a shared or production database.
 */
export function assertLocalDatabase(env: Record<string, string | undefined> = process.env): void {
  if (env.CERTDESK_MODE && env.CERTDESK_MODE !== "local") {
    throw new Error(`e2e: refusing to run with CERTDESK_MODE=${env.CERTDESK_MODE}; the browser tests run only in local mode.`);
  }
  const url = env.DATABASE_URL;
  if (!url) return; // embedded PGlite
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new Error("e2e: DATABASE_URL is not a URL; refusing to run.");
  }
  if (!["localhost", "127.0.0.1", "::1", "[::1]"].includes(host)) {
    throw new Error(`e2e: refusing to run against the non-local database host "${host}". Unset DATABASE_URL to use the embedded one.`);
  }
}
