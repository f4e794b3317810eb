/**
 * Aurora PostgreSQL Serverless v2 that scales to zero: with no connection for
 * `pauseAfter` it pauses and costs only storage; the next connection resumes it
 * (about 15 s, 30 s after a day's pause).
 *
 * The portal reaches it with the `pg` driver inside the VPC (`DATABASE_URL`, TLS verified).
 * The RDS Data API is also enabled, for operators only: it lets `aws rds-data
 * execute-statement` bootstrap the first admin without a tunnel (docs/deploy.md).
 */

/** Backups: the point-in-time-restore window, in days (35 is Aurora's maximum). */
export function backupRetentionDays(production: boolean): number {
  return production ? 35 : 1;
}

export function createDatabase(options: { production: boolean; vpc: unknown }) {
  const { production, vpc } = options;
  const finalSnapshotIdentifier = `certdesk-${$app.stage}-final`;
  return new sst.aws.Aurora("Database", {
    engine: "postgres",
    database: "certdesk",
    vpc,
    dataApi: true,
    scaling: { min: "0 ACU", max: production ? "8 ACU" : "2 ACU", pauseAfter: "5 minutes" },
    transform: {
      cluster: (args: Record<string, unknown>) => {
        args.storageEncrypted = true;
        args.backupRetentionPeriod = backupRetentionDays(production);
        args.preferredBackupWindow = "02:00-03:00";
        args.copyTagsToSnapshot = true;
        // SST skips the final snapshot by default; production keeps one and refuses deletion.
        args.deletionProtection = production;
        args.skipFinalSnapshot = !production;
        if (production) args.finalSnapshotIdentifier = finalSnapshotIdentifier;
      },
    },
  });
}

/**
 * The `pg` connection string. `sslmode=verify-full` makes node-postgres verify the server
 * certificate against Node's trust store plus `NODE_EXTRA_CA_CERTS` (the RDS CAs, see
 * `environment.ts`), so a machine in the path cannot impersonate the database. The password
 * SST generates is alphanumeric, so it needs no URL escaping.
 */
export function databaseUrl(database: {
  username: unknown;
  password: unknown;
  host: unknown;
  port: unknown;
  database: unknown;
}): unknown {
  return $interpolate`postgres://${database.username}:${database.password}@${database.host}:${database.port}/${database.database}?sslmode=verify-full`;
}
