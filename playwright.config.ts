import { defineConfig } from "@playwright/test";
import { assertLocalDatabase, E2E_BASE_URL, E2E_PORT, E2E_SERVER_ENV } from "./e2e/env";

assertLocalDatabase();

/*
 * The e2e portal always runs on its own fresh embedded database (wiped by scripts/e2e.ts),
 * never on DATABASE_URL: a rerun must not meet the previous run's sign-in lockouts, and
 * the PostgreSQL server is exercised by the Vitest database tests (TEST_DATABASE_URL).
 */
const { DATABASE_URL: _ignored, ...inherited } = process.env as Record<string, string>;

/** Debian's Chromium; Playwright never downloads a browser here. */
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
};

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  // Two shared cores and one portal: run the journeys one after another.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // The JSON report feeds the one summary line `npm test` ends with.
  reporter: [["list"], ["json", { outputFile: ".test-results/playwright.json" }]],
  outputDir: "test-results",
  use: {
    baseURL: E2E_BASE_URL,
    browserName: "chromium",
    launchOptions,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: {
    command: "node --import tsx scripts/start.ts",
    url: `http://127.0.0.1:${E2E_PORT}/api/health`,
    env: { ...inherited, ...E2E_SERVER_ENV },
    // The first run builds the portal (1–3 minutes on two cores).
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
