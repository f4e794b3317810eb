/**
 * Certdesk on AWS, assembled in dependency order. `sst.config.ts`'s `run()` imports this.
 *
 *   KMS key ─┬─> S3 bucket (SSE-KMS, policy) ──────────────┐
 *            │   VPC ─> Aurora ─> migrator + invocation ───┼─> portal (Nextjs) ─┐
 *            │   secrets, SES ─────────────────────────────┴─> jobs + crons ────┴─> key policy
 *            └───────────────────────────────────────────────────────────────────────┘
 *
 * The key policy comes last because it names the roles SST creates for the portal and jobs.
 */
import { createDatabase } from "./database";
import { createEmail, createEmailLink } from "./email";
import { runtimeEnvironment } from "./environment";
import { createJobs } from "./jobs";
import { createActivationTick, createPartnerGateways, readGatewaySettings } from "./gateway";
import { createCaKeys, createIssuer } from "./ca";
import { createFilesKey, restrictKeyUse } from "./kms";
import { createMigrator } from "./migrations";
import { createNetwork } from "./network";
import { createSecrets } from "./secrets";
import { readDeploySettings } from "./settings";
import { createFilesBucket } from "./storage";
import { createPortal, portalRoleArn } from "./web";

export async function deploy(env: Record<string, string | undefined> = process.env) {
  if ($dev) {
    // `sst dev` would run the portal locally and skip the deployed roles the key policy names.
    throw new Error("Certdesk does not support `sst dev`: develop with `npm run dev` (embedded runtime), deploy with `sst deploy`.");
  }
  const settings = readDeploySettings({ stage: $app.stage, env });
  const { production } = settings;

  const { key, link: keyLink } = createFilesKey({ production });
  const bucket = createFilesBucket({ production, key });
  const vpc = createNetwork();
  const database = createDatabase({ production, vpc });
  const secrets = createSecrets();
  const email = createEmail({ sender: settings.emailSender });

  const environment = runtimeEnvironment({
    publicUrl: settings.publicUrl,
    emailFrom: settings.emailFrom,
    bucket,
    key,
    database,
    secrets,
  });
  const link = [bucket, keyLink, database, createEmailLink(email), ...Object.values(secrets)];

  const { invocation } = createMigrator({ vpc, link: [database], environment });
  const site = createPortal({ settings, vpc, link, environment, after: [invocation] });
  const jobs = createJobs({ vpc, link, environment });
  // Issue 13: the partner-facing gateways (mTLS on the published trust stores + authorizer)
  // and the per-minute activation tick.
  const gateways = createPartnerGateways({ settings: readGatewaySettings(env), bucket, key, jobs });
  createActivationTick({ bucket, jobs });
  // Issue 12: the CA keys and the issuer, the only role that may sign with them (it also reads CSRs and stores issued chains).
  const issuer = createIssuer({ vpc, link, environment, keys: createCaKeys({ production }) });
  restrictKeyUse({ key, users: [portalRoleArn(site), jobs.fn.nodes.role.arn, issuer.fn.nodes.role.arn, ...gateways.map((g) => g.authorizerFn.nodes.role.arn)] });

  return {
    url: settings.publicUrl,
    bucket: bucket.name,
    kmsKey: key.arn,
    databaseCluster: database.clusterArn,
    databaseSecret: database.secretArn,
  };
}
