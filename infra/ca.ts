/**
 * Certdesk as the issuing CA (issue 12): one asymmetric KMS key per CA (a root and an issuing
 * CA for each environment of every program whose issuance is provider-ca), and the issuer
 * function — the ONLY role that may call kms:Sign on them.
 *
 * Threat: a compromised portal (the internet-facing function) minting client certificates the
 * gateway trusts. The portal's role therefore never gains kms:Sign: it records approvals, and
 * the issuer, which takes no requests from the internet, signs. Each key's policy (not just
 * IAM) says so, and the account root administers the keys without being able to sign.
 */
import { EXAMPLE_PROGRAMS } from "../lib/policy/programs";
import { KEY_ADMIN_ACTIONS } from "./kms";
import { BUNDLE_EXTERNALS } from "./environment";

/** What the issuer does with a CA key; nothing else may sign. */
export const CA_SIGN_ACTIONS = ["kms:Sign", "kms:GetPublicKey", "kms:DescribeKey"] as const;

/** Key spec of every CA key (docs/ca.md: why RSA 2048). Keep equal to lib/ca's DEFAULT_CA_KEY_SPEC. */
export const CA_KEY_SPEC = "RSA_2048";

/** The env var naming the keys to the issuer: lib/ca/keys.ts CA_KEYS_ENV. */
export const CA_KEYS_VARIABLE = "CERTDESK_CA_KEYS";

export type CaScope = { programId: string; environmentKey: string };

/** Every (program, environment) Certdesk is the CA for, from the shipped programs. */
export function caScopes(programs: readonly { id: string; issuance?: { mode?: string }; environments: { id: string }[] }[] = EXAMPLE_PROGRAMS): CaScope[] {
  return programs.filter((p) => p.issuance?.mode === "provider-ca").flatMap((p) => p.environments.map((e) => ({ programId: p.id, environmentKey: e.id })));
}

function pascal(value: string): string {
  return value.replace(/(^|[-/])([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

function newKey(name: string, args: Record<string, unknown>) {
  return new aws.kms.Key(name, args);
}

export function createCaKeys(options: { production: boolean; scopes?: CaScope[] }) {
  const keys: { name: string; scope: CaScope; role: "root" | "issuing"; key: ReturnType<typeof newKey> }[] = [];
  for (const scope of options.scopes ?? caScopes()) {
    for (const role of ["root", "issuing"] as const) {
      const name = `Ca${pascal(scope.programId)}${pascal(scope.environmentKey)}${pascal(role)}Key`;
      const key = newKey(name, {
        description: `Certdesk ${$app.stage}: ${role} CA of ${scope.programId}/${scope.environmentKey}`,
        keyUsage: "SIGN_VERIFY",
        customerMasterKeySpec: CA_KEY_SPEC,
        // Asymmetric keys cannot rotate in place; a new CA is a new key (docs/ca.md).
        enableKeyRotation: false,
        deletionWindowInDays: options.production ? 30 : 7,
      });
      new aws.kms.Alias(`${name}Alias`, { name: `alias/certdesk-${$app.stage}-ca-${scope.programId}-${scope.environmentKey}-${role}`, targetKeyId: key.keyId });
      keys.push({ name, scope, role, key });
    }
  }
  return keys;
}

/** The issuer function, its every-minute tick, and a key policy per CA key naming only the issuer's role for signing. */
export function createIssuer(options: { vpc: unknown; link: unknown[]; environment: Record<string, unknown>; keys: ReturnType<typeof createCaKeys> }) {
  const keyMap = Object.fromEntries(options.keys.map((k) => [`${k.scope.programId}/${k.scope.environmentKey}/${k.role}`, k.key.arn]));
  const fn = new sst.aws.Function("Issuer", {
    handler: "lib/ca/lambda.handler",
    runtime: "nodejs22.x",
    timeout: "2 minutes",
    memory: "512 MB",
    vpc: options.vpc,
    link: options.link,
    environment: { ...options.environment, [CA_KEYS_VARIABLE]: $jsonStringify(keyMap) },
    permissions: [{ actions: [...CA_SIGN_ACTIONS], resources: options.keys.map((k) => k.key.arn) }],
    retries: 0,
    nodejs: { esbuild: { external: BUNDLE_EXTERNALS } },
  });
  // Every minute: an approval is signed, and a revocation reaches the CRL, within a minute.
  const cron = new sst.aws.Cron("IssuerTick", { schedule: "rate(1 minute)", function: fn.arn });
  const partition = aws.getPartitionOutput({}).partition;
  const accountId = aws.getCallerIdentityOutput({}).accountId;
  const policies = options.keys.map(
    (k) =>
      new aws.kms.KeyPolicy(`${k.name}Policy`, {
        keyId: k.key.id,
        policy: $jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "AccountAdministersButDoesNotSign",
              Effect: "Allow",
              Principal: { AWS: $interpolate`arn:${partition}:iam::${accountId}:root` },
              Action: [...KEY_ADMIN_ACTIONS],
              Resource: "*",
            },
            { Sid: "OnlyTheIssuerSigns", Effect: "Allow", Principal: { AWS: fn.nodes.role.arn }, Action: [...CA_SIGN_ACTIONS], Resource: "*" },
          ],
        }),
      }),
  );
  return { fn, cron, policies };
}
