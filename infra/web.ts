/**
 * The portal: Next.js on Lambda behind CloudFront, built by OpenNext from `next build`'s
 * standalone output (`output: "standalone"` in next.config.ts). At run time it writes only
 * under `/tmp` (lib/config's aws data dir is `/tmp/certdesk`); everything durable goes to
 * S3 or Aurora.
 */
import { MIGRATIONS_FOLDER } from "./migrations";
import type { DeploySettings } from "./settings";

/** The OpenNext (@opennextjs/aws) version that builds the portal (docs/deploy.md, "SST version"). */
export const OPEN_NEXT_VERSION = "4.1.16";

export function createPortal(options: {
  settings: DeploySettings;
  vpc: unknown;
  link: unknown[];
  environment: Record<string, unknown>;
  /** The deploy's migration run: new code must not go live before its schema. */
  after: unknown[];
}) {
  const { settings } = options;
  return new sst.aws.Nextjs(
    "Web",
    {
      path: ".",
      // Explicit, not SST's default: the OpenNext release that supports Next.js 16.4
      // (@opennextjs/aws 4.1.16: peer next ">=15.5.29 <16 || >=16.4.5"). Bump it with Next.
      openNextVersion: OPEN_NEXT_VERSION,
      vpc: options.vpc,
      link: options.link,
      environment: options.environment,
      domain: settings.certificateArn
        ? { name: settings.domain, dns: false, cert: settings.certificateArn }
        : { name: settings.domain },
      // 60 s is CloudFront's limit: the first request after a day's pause waits ~30 s for Aurora.
      server: { runtime: "nodejs22.x", memory: "1024 MB", timeout: "60 seconds" },
      transform: {
        server: (args: { copyFiles?: { from: string; to: string }[] }) => {
          // lib/db's getDb() re-checks the migrations (a no-op after the deploy's migrator ran)
          // from <cwd>/lib/db/migrations; Next's standalone trace does not copy SQL files.
          args.copyFiles = [...(args.copyFiles ?? []), { from: MIGRATIONS_FOLDER, to: MIGRATIONS_FOLDER }];
        },
      },
    },
    { dependsOn: options.after },
  );
}

/** The portal server function's IAM role ARN, for the KMS key policy. */
export function portalRoleArn(site: { nodes: { server: { apply: (fn: (server: FunctionLike) => unknown) => unknown } } }) {
  return site.nodes.server.apply((server) => server.nodes.role.arn);
}

type FunctionLike = { nodes: { role: { arn: unknown } } };
