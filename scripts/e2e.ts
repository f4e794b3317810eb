/**
 * `npm run test:e2e`: Playwright journeys in Debian's Chromium against a portal started
 * for the run, on its own port with its own data dir (wiped first) and S3 port.
 * Extra arguments go to `playwright test` (e.g. a spec path or --grep).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { assertLocalDatabase, E2E_DATA_DIR, E2E_SERVER_ENV } from "../e2e/env";
import { loadConfig } from "../lib/config";
import { resetLocalData } from "../lib/embedded";

assertLocalDatabase();

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.error(`e2e: no Chromium at ${chromium}. On Debian: sudo apt-get install -y chromium (npm test does this for you).`);
  process.exit(1);
}

// Fresh data for every run, through the reset that refuses folders that are not ours.
const config = loadConfig({ ...process.env, ...E2E_SERVER_ENV });
const { removed } = await resetLocalData(config);
if (removed.length > 0) console.log(`e2e: wiped ${E2E_DATA_DIR} (${removed.length} entries)`);

const cli = path.join(process.cwd(), "node_modules", "@playwright", "test", "cli.js");
const result = spawnSync(process.execPath, [cli, "test", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" },
});
process.exit(result.status ?? 1);
