/**
 * Evaluates sst.config.ts and infra/* with SST's and Pulumi's globals faked (no AWS, no
 * SST CLI) and asserts the resources and the security settings the deployment promises.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { ENV } from "../lib/config";
import { JOB_NAMES } from "../lib/jobs/lambda";
import { migrationsDigest } from "./migrations";
import {
  applyTransform,
  effectiveBucketPolicy,
  evaluateSstConfig,
  only,
  SST_CONFIG_PATH,
  token,
  type EvaluatedConfig,
  type Recorded,
} from "./testing/sst-fakes";

const PORTAL_ROLE = token("Web.server.role.arn");
const JOBS_ROLE = token("Jobs.role.arn");

/** True when an IAM action pattern (`kms:Get*`, `kms:*`, `*`) covers `action`. */
function covers(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
  return regex.test(action);
}

const KEY_USE = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"];

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

describe("sst.config.ts app(): stages", () => {
  it("protects and retains production", async () => {
    const { app } = await evaluateSstConfig({ stage: "production" });
    expect(app).toMatchObject({ name: "certdesk", home: "aws", removal: "retain", protect: true });
  });

  it.each(["dev", "staging", "pr-42", "alice"])("lets stage %s be removed, unprotected", async (stage) => {
    const { app } = await evaluateSstConfig({ stage });
    expect(app.removal).toBe("remove");
    expect(app.protect).toBe(false);
  });
});

describe("production stage", () => {
  let result: EvaluatedConfig;
  let resources: Recorded[];
  beforeAll(async () => {
    result = await evaluateSstConfig({ stage: "production" });
    resources = result.resources;
  });

  describe("KMS key", () => {
    it("is customer-managed, symmetric, with rotation on and a 30-day deletion window", () => {
      const key = only(resources, "aws.kms.Key", "FilesKey");
      expect(key.args).toMatchObject({
        enableKeyRotation: true,
        keyUsage: "ENCRYPT_DECRYPT",
        customerMasterKeySpec: "SYMMETRIC_DEFAULT",
        deletionWindowInDays: 30,
      });
    });

    it("has a key policy on that key naming only the portal's and the jobs' roles for use", () => {
      const policyResource = only(resources, "aws.kms.KeyPolicy", "FilesKeyPolicy");
      expect(policyResource.args.keyId).toBe(token("FilesKey.id"));
      const policy = JSON.parse(policyResource.args.policy) as { Statement: { Effect: string; Principal: { AWS: unknown }; Action: string[] }[] };
      const allows = policy.Statement.filter((s) => s.Effect === "Allow");
      for (const statement of allows) {
        const principals = asList(statement.Principal.AWS);
        expect(principals).not.toContain("*");
        const grantsUse = statement.Action.some((pattern) => KEY_USE.some((action) => covers(pattern, action)));
        if (grantsUse) expect(new Set(principals)).toEqual(new Set([PORTAL_ROLE, JOBS_ROLE, token("Issuer.role.arn")]));
      }
      const users = allows.filter((s) => s.Action.some((p) => covers(p, "kms:Decrypt")));
      expect(users).toHaveLength(1);
      expect(users[0]!.Action).toEqual(expect.arrayContaining(["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]));
    });

    it("lets the account root administer the key but not encrypt or decrypt with it", () => {
      const policy = JSON.parse(only(resources, "aws.kms.KeyPolicy", "FilesKeyPolicy").args.policy) as {
        Statement: { Principal: { AWS: unknown }; Action: string[] }[];
      };
      const root = `arn:${token("getPartitionOutput.partition")}:iam::${token("getCallerIdentityOutput.accountId")}:root`;
      const rootStatements = policy.Statement.filter((s) => asList(s.Principal.AWS).includes(root));
      expect(rootStatements).toHaveLength(1);
      const actions = rootStatements[0]!.Action;
      expect(actions.some((p) => covers(p, "kms:PutKeyPolicy"))).toBe(true);
      expect(actions.some((p) => covers(p, "kms:ScheduleKeyDeletion"))).toBe(true);
      for (const use of KEY_USE) expect(actions.filter((p) => covers(p, use))).toEqual([]);
    });

    it("is linked with permissions for exactly that key", () => {
      const link = only(resources, "sst.Linkable", "FilesKeyLink");
      expect(link.args.properties).toEqual({ arn: token("FilesKey.arn") });
      expect(link.args.include).toEqual([
        { permission: { actions: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"], resources: [token("FilesKey.arn")] } },
      ]);
    });
  });

  describe("S3 bucket", () => {
    let bucket: Recorded;
    beforeAll(() => {
      bucket = only(resources, "sst.aws.Bucket", "Files");
    });

    it("blocks all four kinds of public access, whatever SST's defaults", () => {
      const allOff = { bucket: "b", blockPublicAcls: false, blockPublicPolicy: false, ignorePublicAcls: false, restrictPublicBuckets: false };
      expect(applyTransform(bucket.args.transform?.publicAccessBlock, allOff)).toEqual({
        bucket: "b",
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(bucket.args.access).toBeUndefined();
      expect(bucket.args.public).toBeUndefined();
    });

    it("is versioned and not emptied on removal", () => {
      expect(bucket.args.versioning).toBe(true);
      expect(applyTransform(bucket.args.transform?.bucket, { forceDestroy: true })).toEqual({ forceDestroy: false });
    });

    it("encrypts by default with SSE-KMS under the Certdesk key and the S3 bucket key", () => {
      const encryption = only(resources, "aws.s3.BucketServerSideEncryptionConfiguration");
      expect(encryption.args).toEqual({
        bucket: token("Files.name"),
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: token("FilesKey.arn") },
            bucketKeyEnabled: true,
          },
        ],
      });
    });

    it("has a policy refusing requests without TLS", () => {
      const statements = effectiveBucketPolicy("Files", bucket.args);
      expect(statements).toContainEqual(
        expect.objectContaining({
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [token("Files.arn"), `${token("Files.arn")}/*`],
          conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        }),
      );
    });

    it("has a policy refusing puts that do not ask for SSE-KMS with this key", () => {
      const denies = effectiveBucketPolicy("Files", bucket.args).filter(
        (s) => s.effect === "Deny" && s.actions.includes("s3:PutObject"),
      );
      for (const s of denies) {
        expect(s.principals).toEqual([{ type: "*", identifiers: ["*"] }]);
        expect(s.resources).toEqual([`${token("Files.arn")}/*`]);
      }
      const conditions = denies.flatMap((s) => s.conditions);
      // StringNotEquals also matches when the header is absent, so unencrypted puts are refused.
      expect(conditions).toContainEqual({ test: "StringNotEquals", variable: "s3:x-amz-server-side-encryption", values: ["aws:kms"] });
      expect(conditions).toContainEqual({
        test: "StringNotEquals",
        variable: "s3:x-amz-server-side-encryption-aws-kms-key-id",
        values: [token("FilesKey.arn")],
      });
    });

    it("expires noncurrent versions after a year, and cleans delete markers and stale uploads", () => {
      const lifecycle = only(resources, "aws.s3.BucketLifecycleConfiguration");
      expect(lifecycle.args.bucket).toBe(token("Files.name"));
      const rules = lifecycle.args.rules as Record<string, unknown>[];
      for (const rule of rules) expect(rule.status).toBe("Enabled");
      expect(rules).toContainEqual(expect.objectContaining({ filter: {}, noncurrentVersionExpiration: { noncurrentDays: 365 } }));
      expect(rules).toContainEqual(expect.objectContaining({ expiration: { expiredObjectDeleteMarker: true } }));
      expect(rules).toContainEqual(expect.objectContaining({ abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } }));
      // SST's own lifecycle resource would replace ours (one configuration per bucket).
      expect(bucket.args.lifecycle).toBeUndefined();
    });
  });

  describe("Aurora", () => {
    it("is PostgreSQL Serverless v2 scaling to zero, in the VPC", () => {
      const database = only(resources, "sst.aws.Aurora", "Database");
      const vpc = only(resources, "sst.aws.Vpc", "Vpc");
      expect(database.args).toMatchObject({ engine: "postgres", dataApi: true, scaling: { min: "0 ACU" } });
      expect(database.args.vpc).toBe(vpc.instance);
      expect(vpc.args.nat).toBe("ec2");
    });

    it("keeps 35 days of point-in-time backups, a final snapshot and deletion protection", () => {
      const database = only(resources, "sst.aws.Aurora", "Database");
      const cluster = applyTransform(database.args.transform?.cluster, { skipFinalSnapshot: true, storageEncrypted: true });
      expect(cluster).toMatchObject({
        storageEncrypted: true,
        backupRetentionPeriod: 35,
        deletionProtection: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: "certdesk-production-final",
      });
    });

    it("is migrated on deploy by invoking the migrator whenever the migrations change, before the portal", () => {
      const migrator = only(resources, "sst.aws.Function", "Migrator");
      expect(migrator.args).toMatchObject({
        handler: "lib/db/migrate-handler.handler",
        copyFiles: [{ from: "lib/db/migrations", to: "lib/db/migrations" }],
      });
      expect(migrator.args.vpc).toBe(only(resources, "sst.aws.Vpc").instance);
      const invocation = only(resources, "aws.lambda.Invocation", "MigrateOnDeploy");
      expect(invocation.args.functionName).toBe(token("Migrator.name"));
      expect(JSON.parse(invocation.args.input)).toEqual({ migrations: migrationsDigest() });
      expect(only(resources, "sst.aws.Nextjs", "Web").opts.dependsOn).toContain(invocation.instance);
    });

    it("the migrations digest changes when a migration file changes", () => {
      const before = migrationsDigest();
      const journal = path.resolve("lib/db/migrations/meta/_journal.json");
      expect(before).toMatch(/^[0-9a-f]{64}$/);
      expect(readFileSync(journal, "utf8")).toContain('"entries"');
      expect(migrationsDigest("infra/testing")).not.toBe(before);
    });
  });

  describe("portal", () => {
    it("is linked to the bucket, the key, the database, the secrets and the e-mail identity", () => {
      const site = only(resources, "sst.aws.Nextjs", "Web");
      const linked = (site.args.link as { __name: string }[]).map((l) => l.__name).sort();
      expect(linked).toEqual(["AuthSecret", "Database", "EmailSend", "Files", "FilesKeyLink", "OidcClientId", "OidcClientSecret", "OidcIssuer"]);
      expect(site.args.vpc).toBe(only(resources, "sst.aws.Vpc").instance);
      expect(site.args.domain).toEqual({ name: "certdesk.example-bank.com" });
    });

    it("ships the committed migrations with the server function, where lib/db looks for them", () => {
      const site = only(resources, "sst.aws.Nextjs", "Web");
      expect(applyTransform(site.args.transform?.server, {})).toEqual({
        copyFiles: [{ from: "lib/db/migrations", to: "lib/db/migrations" }],
      });
      expect(site.args.server.timeout).toBe("60 seconds");
    });

    it("gets the runtime settings under lib/config's names, pointing at those resources", () => {
      const environment = only(resources, "sst.aws.Nextjs", "Web").args.environment as Record<string, string>;
      expect(environment).toMatchObject({
        [ENV.mode]: "aws",
        [ENV.publicUrl]: "https://certdesk.example-bank.com",
        [ENV.s3Bucket]: token("Files.name"),
        [ENV.kmsKeyArn]: token("FilesKey.arn"),
        [ENV.databaseUrl]: `postgres://${token("Database.username")}:${token("Database.password")}@${token("Database.host")}:${token("Database.port")}/${token("Database.database")}?sslmode=verify-full`,
        [ENV.authSecret]: token("AuthSecret.value"),
        [ENV.oidcIssuer]: token("OidcIssuer.value"),
        [ENV.oidcClientId]: token("OidcClientId.value"),
        [ENV.oidcClientSecret]: token("OidcClientSecret.value"),
        [ENV.emailFrom]: "Certdesk <no-reply@example-bank.com>",
      });
    });
  });

  describe("secrets and e-mail", () => {
    it("declares the auth and OIDC settings as SST secrets", () => {
      const names = resources.filter((r) => r.type === "sst.Secret").map((r) => r.name).sort();
      expect(names).toEqual(["AuthSecret", "OidcClientId", "OidcClientSecret", "OidcIssuer"]);
      // No defaults: an unset secret must fail the deploy rather than ship a guess.
      for (const r of resources.filter((r) => r.type === "sst.Secret")) expect(r.args).toEqual({});
    });

    it("sends e-mail through an SES domain identity with a strict DMARC policy", () => {
      expect(only(resources, "sst.aws.Email", "Email").args).toEqual({
        sender: "example-bank.com",
        dmarc: "v=DMARC1; p=quarantine; adkim=s; aspf=s;",
      });
    });
  });

  describe("jobs", () => {
    it("has one schedule per job in lib/jobs, each invoking the jobs function with its name", () => {
      const jobs = only(resources, "sst.aws.Function", "Jobs");
      expect(jobs.args.handler).toBe("lib/jobs/lambda.handler");
      // IssuerTick (infra/ca.ts) invokes the issuer function, not the jobs function.
      const crons = resources.filter((r) => r.type === "sst.aws.Cron" && r.name !== "IssuerTick");
      expect(crons.map((c) => c.args.event.job).sort()).toEqual([...JOB_NAMES].sort());
      for (const cron of crons) {
        expect(cron.args.function).toBe(token("Jobs.arn"));
        expect(cron.args.schedule).toMatch(/^(cron|rate)\(.+\)$/);
      }
      const activation = crons.find((c) => c.args.event.job === "activate-enablements")!;
      // Issue 13: on time through the per-minute ActivationTick; this is the daily backstop.
      expect(activation.args.schedule).toBe("cron(0 7 * * ? *)");
    });

    it("runs the jobs with the portal's links and environment, in the VPC", () => {
      const jobs = only(resources, "sst.aws.Function", "Jobs");
      const site = only(resources, "sst.aws.Nextjs", "Web");
      expect(jobs.args.link).toEqual(site.args.link);
      expect(jobs.args.environment).toEqual(site.args.environment);
      expect(jobs.args.vpc).toBe(site.args.vpc);
    });

    it("bundles the Lambdas without the embedded database and pg's optional native binding", () => {
      for (const name of ["Jobs", "Migrator"]) {
        expect(only(resources, "sst.aws.Function", name).args.nodejs.esbuild.external).toEqual(["@electric-sql/pglite", "pg-native"]);
      }
    });
  });

  it("returns the operator's handles as outputs", () => {
    expect(result.outputs).toEqual({
      url: "https://certdesk.example-bank.com",
      bucket: token("Files.name"),
      kmsKey: token("FilesKey.arn"),
      databaseCluster: token("Database.clusterArn"),
      databaseSecret: token("Database.secretArn"),
    });
  });
});

describe("a non-production stage", () => {
  let resources: Recorded[];
  beforeAll(async () => {
    resources = (await evaluateSstConfig({ stage: "staging" })).resources;
  });

  it("can be removed: bucket emptied, no deletion protection, no final snapshot", () => {
    const bucket = only(resources, "sst.aws.Bucket", "Files");
    expect(applyTransform(bucket.args.transform?.bucket, {})).toEqual({ forceDestroy: true });
    const cluster: Record<string, unknown> = applyTransform(only(resources, "sst.aws.Aurora").args.transform?.cluster, {});
    expect(cluster).toMatchObject({ deletionProtection: false, skipFinalSnapshot: true, backupRetentionPeriod: 1 });
    expect(cluster.finalSnapshotIdentifier).toBeUndefined();
    expect(only(resources, "aws.kms.Key", "FilesKey").args.deletionWindowInDays).toBe(7);
  });

  it("keeps the same security settings as production", () => {
    expect(only(resources, "aws.kms.Key", "FilesKey").args.enableKeyRotation).toBe(true);
    expect(only(resources, "sst.aws.Bucket").args.versioning).toBe(true);
    expect(only(resources, "aws.s3.BucketServerSideEncryptionConfiguration").args.rules[0].bucketKeyEnabled).toBe(true);
    const rules = only(resources, "aws.s3.BucketLifecycleConfiguration").args.rules as Record<string, unknown>[];
    expect(rules).toContainEqual(expect.objectContaining({ noncurrentVersionExpiration: { noncurrentDays: 30 } }));
  });
});

describe("deploy settings", () => {
  it("fails before creating anything when the domain or sender is missing, naming both", async () => {
    const attempt = evaluateSstConfig({ stage: "production", env: { CERTDESK_DEPLOY_DOMAIN: "", CERTDESK_DEPLOY_EMAIL_SENDER: "" } });
    await expect(attempt).rejects.toThrow(/CERTDESK_DEPLOY_DOMAIN[\s\S]*CERTDESK_DEPLOY_EMAIL_SENDER/);
  });

  it("uses an imported certificate when the domain's DNS is not in Route 53", async () => {
    const arn = "arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100";
    const { resources } = await evaluateSstConfig({
      stage: "staging",
      env: { CERTDESK_DEPLOY_DOMAIN: "certdesk.example.org", CERTDESK_DEPLOY_EMAIL_SENDER: "ops@example.org", CERTDESK_DEPLOY_CERT_ARN: arn },
    });
    expect(only(resources, "sst.aws.Nextjs").args.domain).toEqual({ name: "certdesk.example.org", dns: false, cert: arn });
    expect(only(resources, "sst.aws.Email").args).toEqual({ sender: "ops@example.org" });
    expect(only(resources, "sst.aws.Nextjs").args.environment[ENV.emailFrom]).toBe("Certdesk <ops@example.org>");
  });

  it("refuses a certificate outside us-east-1, which CloudFront cannot use", async () => {
    const attempt = evaluateSstConfig({
      stage: "staging",
      env: {
        CERTDESK_DEPLOY_DOMAIN: "certdesk.example.org",
        CERTDESK_DEPLOY_EMAIL_SENDER: "example.org",
        CERTDESK_DEPLOY_CERT_ARN: "arn:aws:acm:eu-west-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100",
      },
    });
    await expect(attempt).rejects.toThrow(/CERTDESK_DEPLOY_CERT_ARN: must be an ACM certificate ARN in us-east-1/);
  });

  it("refuses `sst dev`, whose local portal would have no role in the key policy", async () => {
    await expect(evaluateSstConfig({ stage: "alice", dev: true })).rejects.toThrow(/does not support `sst dev`/);
  });
});

describe("sst.config.ts typechecks against infra/sst-env.d.ts", () => {
  it("has no type errors besides the .sst/platform reference that only `sst install` creates", () => {
    const root = path.resolve(import.meta.dirname, "..");
    const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, "tsconfig.json"), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    })!;
    const program = ts.createProgram({
      rootNames: [SST_CONFIG_PATH, path.join(root, "infra/sst-env.d.ts")],
      options: { ...parsed.options, noEmit: true, incremental: false, tsBuildInfoFile: undefined },
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => !(d.code === 6053 && String(d.messageText).includes(".sst/platform/config.d.ts")))
      .map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`)
      // Only this area's files: others may be mid-edit.
      .filter((d) => /sst\.config\.ts|\/infra\/|lib\/config|lib\/jobs\/lambda|lib\/db\/migrate-handler/.test(d));
    expect(diagnostics).toEqual([]);
    // A whole-program type check over sst.config.ts and everything infra/ links: slow on two busy cores.
  }, 240_000);
});
