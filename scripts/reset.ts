/**
 * `npm run reset`: wipes the local data (database, S3 objects, wrapping key, auth
 * secret). The next `npm start` recreates and reseeds everything. Stop the portal first:
 * PGlite must not be deleted under a running process.
 */
import { ConfigError, loadConfig } from "../lib/config";
import { resetLocalData } from "../lib/embedded";

try {
  const config = loadConfig();
  const { removed } = await resetLocalData(config);
  console.log(
    removed.length === 0
      ? `certdesk: nothing to reset in ${config.dataDir}`
      : `certdesk: removed ${removed.join(", ")} from ${config.dataDir}. \`npm start\` creates fresh demo data.`,
  );
} catch (error) {
  console.error(`certdesk: reset failed: ${error instanceof Error ? error.message : String(error)}`);
  if (!(error instanceof ConfigError) && !(error instanceof Error && error.name === "EmbeddedError")) console.error(error);
  process.exit(1);
}
