/**
 * lib/config and infra must agree on every name: each variable aws mode requires is
 * provided to every Lambda, and infra provides no CERTDESK_* name config does not read.
 * Then the environment, with the fake outputs resolved to plausible values, must parse.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError, ENV, loadConfig } from "../lib/config";
import { LAMBDA_CA_BUNDLE } from "./environment";
import { evaluateSstConfig, only, type Recorded } from "./testing/sst-fakes";

/** The names aws mode requires, as lib/config itself reports them when all are missing. */
function awsRequiredNames(): string[] {
  try {
    loadConfig({ [ENV.mode]: "aws" });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => /^(\S+): is required but not set$/.exec(p)?.[1]).filter((n): n is string => n !== undefined);
  }
  throw new Error("loadConfig accepted an empty aws-mode environment");
}

/** Plausible deployed values for each output token. */
const OUTPUTS: Record<string, string> = {
  "{{Files.name}}": "certdesk-production-filesbucket-8f3k2a1c",
  "{{FilesKey.arn}}": "arn:aws:kms:eu-west-1:123456789012:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
  "{{Database.username}}": "postgres",
  "{{Database.password}}": "Zq8PnXv2LrT5wYk9HcM3bGd7SfJ4aUe6",
  "{{Database.host}}": "certdesk-production-databasecluster.cluster-c9abcdefghij.eu-west-1.rds.amazonaws.com",
  "{{Database.port}}": "5432",
  "{{Database.database}}": "certdesk",
  "{{AuthSecret.value}}": "k3JHq8v0XwZr2Lm5Tp9Ns4Bd7Fg1Yc6Ae0Ui8Oh2",
  "{{OidcIssuer.value}}": "https://login.example-bank.com/realms/partners",
  "{{OidcClientId.value}}": "certdesk-portal",
  "{{OidcClientSecret.value}}": "oidc-client-secret-from-the-idp",
};

function resolve(environment: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => {
      const resolved = String(value).replace(/\{\{[^}]+\}\}/g, (t) => {
        const v = OUTPUTS[t];
        if (v === undefined) throw new Error(`${name} uses an output this test has no value for: ${t}`);
        return v;
      });
      return [name, resolved];
    }),
  );
}

describe("infra and lib/config agree on names", () => {
  let resources: Recorded[];
  let lambdas: [string, Record<string, unknown>][];
  beforeAll(async () => {
    resources = (await evaluateSstConfig({ stage: "production" })).resources;
    lambdas = [
      ["portal", only(resources, "sst.aws.Nextjs", "Web").args.environment],
      ["jobs", only(resources, "sst.aws.Function", "Jobs").args.environment],
      ["migrator", only(resources, "sst.aws.Function", "Migrator").args.environment],
    ];
  });

  it("knows what aws mode requires (the list this test checks against is not empty)", () => {
    expect(awsRequiredNames()).toEqual(
      expect.arrayContaining([ENV.publicUrl, ENV.s3Bucket, ENV.kmsKeyArn, ENV.databaseUrl, ENV.authSecret, ENV.awsRegion]),
    );
  });

  it("provides every name aws mode requires to every Lambda, except AWS_REGION which Lambda sets", () => {
    const required = awsRequiredNames().filter((n) => n !== ENV.awsRegion);
    for (const [, environment] of lambdas) {
      expect(Object.keys(environment)).toEqual(expect.arrayContaining([ENV.mode, ...required]));
    }
  });

  it("never sets AWS_REGION, a key Lambda reserves (the deploy would be rejected)", () => {
    for (const [, environment] of lambdas) expect(Object.keys(environment)).not.toContain(ENV.awsRegion);
  });

  it("provides no CERTDESK_* name that config does not read in aws mode", () => {
    const known = new Set<string>(Object.values(ENV));
    const awsNames = new Set([ENV.mode, ...awsRequiredNames()]);
    for (const [, environment] of lambdas) {
      const ours = Object.keys(environment).filter((n) => n.startsWith("CERTDESK_") || known.has(n));
      for (const name of ours) {
        expect(known, `${name} is not in lib/config's ENV`).toContain(name);
        expect(awsNames, `${name} is ignored in aws mode`).toContain(name);
      }
    }
  });

  it("sets nothing else but the CA bundle the database's TLS needs", () => {
    const known = new Set<string>(Object.values(ENV));
    for (const [, environment] of lambdas) {
      const extra = Object.keys(environment).filter((n) => !known.has(n));
      expect(extra).toEqual(["NODE_EXTRA_CA_CERTS"]);
      expect(environment.NODE_EXTRA_CA_CERTS).toBe(LAMBDA_CA_BUNDLE);
    }
  });
});

describe("lib/config in aws mode resolves every linked resource from the infra's environment", () => {
  let environment: Record<string, string>;
  beforeAll(async () => {
    const { resources } = await evaluateSstConfig({ stage: "production" });
    // Lambda adds AWS_REGION itself.
    environment = { ...resolve(only(resources, "sst.aws.Nextjs", "Web").args.environment), AWS_REGION: "eu-west-1" };
  });

  it("parses, and each setting points at the linked resource", () => {
    const config = loadConfig(environment);
    expect(config).toMatchObject({
      mode: "aws",
      publicUrl: "https://certdesk.example-bank.com",
      // Lambda's only writable place: nothing else on disk is written at run time.
      dataDir: "/tmp/certdesk",
      s3: { bucket: OUTPUTS["{{Files.name}}"], region: "eu-west-1", forcePathStyle: false },
      keyring: { kind: "kms", keyArn: OUTPUTS["{{FilesKey.arn}}"], region: "eu-west-1" },
      database: {
        kind: "postgres",
        url: `postgres://postgres:${OUTPUTS["{{Database.password}}"]}@${OUTPUTS["{{Database.host}}"]}:5432/certdesk?sslmode=verify-full`,
      },
      auth: {
        secret: OUTPUTS["{{AuthSecret.value}}"],
        credentials: false,
        oidc: { issuer: OUTPUTS["{{OidcIssuer.value}}"], clientId: "certdesk-portal", clientSecret: OUTPUTS["{{OidcClientSecret.value}}"] },
      },
      email: { kind: "ses", from: "Certdesk <no-reply@example-bank.com>", region: "eu-west-1" },
    });
    expect(config.s3.endpoint).toBeUndefined();
  });

  it("the database URL is one node-postgres reads as TLS with certificate verification", () => {
    const url = new URL(loadConfig(environment).database.kind === "postgres" ? environment[ENV.databaseUrl]! : "");
    expect(url.protocol).toBe("postgres:");
    expect(url.searchParams.get("sslmode")).toBe("verify-full");
  });

  it("fails naming the variable when one linked value is missing", () => {
    const { [ENV.kmsKeyArn]: _omitted, ...rest } = environment;
    expect(() => loadConfig(rest)).toThrow(new RegExp(`${ENV.kmsKeyArn}: is required`));
  });
});
