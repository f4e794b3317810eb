/**
 * Deploy-time settings: what differs between one provider's installation and another's,
 * read from the deployer's environment when `sst deploy` evaluates the config.
 *
 * These are not the portal's runtime variables (those are built in `environment.ts`
 * from `lib/config`'s `ENV` names); they say where the portal lives and who sends its
 * e-mail. Values that are secret, or that differ per stage and should not sit in a CI
 * file, are `sst.Secret`s instead (`secrets.ts`).
 */

export const DEPLOY_ENV = {
  /** The portal's host name, e.g. `certdesk.example-bank.com`. Required: OIDC needs a stable redirect URL. */
  domain: "CERTDESK_DEPLOY_DOMAIN",
  /** ACM certificate ARN (us-east-1) for the domain when its DNS is not in Route 53. */
  certificateArn: "CERTDESK_DEPLOY_CERT_ARN",
  /** SES sender: a domain (`example-bank.com`, recommended) or one address. */
  emailSender: "CERTDESK_DEPLOY_EMAIL_SENDER",
} as const;

export type DeploySettings = {
  stage: string;
  production: boolean;
  domain: string;
  certificateArn?: string;
  emailSender: string;
  /** The `From:` header the portal uses; an address at the sender domain. */
  emailFrom: string;
  publicUrl: string;
};

/** Only this stage is protected from `sst remove` and keeps its data when resources are replaced. */
export const PRODUCTION_STAGE = "production";

export function isProduction(stage: string | undefined): boolean {
  return stage === PRODUCTION_STAGE;
}

const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ADDRESS = /^[^\s@<>]+@([a-z0-9.-]+)$/i;

/**
 * Reads and checks the settings, naming every missing or malformed one in one error so
 * a first deploy fails before it creates anything.
 *
 * @example
 * readDeploySettings({ stage: $app.stage, env: process.env });
 */
export function readDeploySettings(options: {
  stage: string;
  env: Record<string, string | undefined>;
}): DeploySettings {
  const { env, stage } = options;
  const problems: string[] = [];
  const domain = env[DEPLOY_ENV.domain]?.trim().toLowerCase() ?? "";
  const emailSender = env[DEPLOY_ENV.emailSender]?.trim() ?? "";
  const certificateArn = env[DEPLOY_ENV.certificateArn]?.trim() || undefined;
  if (!HOST.test(domain)) problems.push(`${DEPLOY_ENV.domain}: must be the portal's host name, got "${domain}"`);
  const senderIsAddress = ADDRESS.test(emailSender);
  if (!senderIsAddress && !HOST.test(emailSender.toLowerCase())) {
    problems.push(`${DEPLOY_ENV.emailSender}: must be a domain or an e-mail address, got "${emailSender}"`);
  }
  if (certificateArn && !/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/.+$/.test(certificateArn)) {
    // CloudFront only accepts certificates from us-east-1.
    problems.push(`${DEPLOY_ENV.certificateArn}: must be an ACM certificate ARN in us-east-1`);
  }
  if (problems.length > 0) {
    throw new Error(`Certdesk deploy settings are invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  return {
    stage,
    production: isProduction(stage),
    domain,
    certificateArn,
    emailSender,
    emailFrom: senderIsAddress ? `Certdesk <${emailSender}>` : `Certdesk <no-reply@${emailSender.toLowerCase()}>`,
    publicUrl: `https://${domain}`,
  };
}
