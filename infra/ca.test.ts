/**
 * The CA keys on AWS: one asymmetric SIGN_VERIFY key per CA, and only the issuer's role may
 * sign — by IAM and by each key's own policy; the portal's (data-key) role never gains kms:Sign.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { CA_KEYS_ENV, DEFAULT_CA_KEY_SPEC } from "../lib/ca/keys";
import { configuredScopes } from "../lib/ca/lambda";
import { CA_KEY_SPEC, CA_KEYS_VARIABLE, caScopes } from "./ca";
import { evaluateSstConfig, only, token, type Recorded } from "./testing/sst-fakes";

const ISSUER_ROLE = token("Issuer.role.arn");

function covers(pattern: string, action: string): boolean {
  return new RegExp(`^${pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i").test(action);
}

type Statement = { Effect: string; Principal?: { AWS?: unknown }; Action: string | string[]; Resource?: unknown };

describe("infra/ca.ts on the production stage", () => {
  let resources: Recorded[];
  beforeAll(async () => {
    resources = (await evaluateSstConfig({ stage: "production" })).resources;
  });

  it("one SIGN_VERIFY RSA_2048 key per CA: a root and an issuing CA per environment of provider-ca-csr", () => {
    const scopes = caScopes();
    expect(scopes).toEqual([
      { programId: "provider-ca-csr", environmentKey: "sandbox" },
      { programId: "provider-ca-csr", environmentKey: "production" },
    ]);
    const keys = resources.filter((r) => r.type === "aws.kms.Key" && r.name.startsWith("Ca"));
    expect(keys).toHaveLength(scopes.length * 2);
    for (const k of keys) expect(k.args).toMatchObject({ keyUsage: "SIGN_VERIFY", customerMasterKeySpec: "RSA_2048", deletionWindowInDays: 30 });
    expect(CA_KEY_SPEC).toBe(DEFAULT_CA_KEY_SPEC);
  });

  it("only the issuer's role may sign: each key's policy names it alone for kms:Sign; the account root administers without signing", () => {
    const keys = resources.filter((r) => r.type === "aws.kms.Key" && r.name.startsWith("Ca"));
    for (const k of keys) {
      const policy = only(resources, "aws.kms.KeyPolicy", `${k.name}Policy`);
      expect(policy.args.keyId).toBe(token(`${k.name}.id`));
      const statements = (JSON.parse(policy.args.policy) as { Statement: Statement[] }).Statement;
      const signers = statements.filter((s) => s.Effect === "Allow" && [s.Action].flat().some((a) => covers(a, "kms:Sign")));
      expect(signers).toHaveLength(1);
      expect([signers[0]!.Principal?.AWS].flat()).toEqual([ISSUER_ROLE]);
    }
  });

  it("the issuer function gets kms:Sign on exactly the CA keys and their ARNs under CERTDESK_CA_KEYS; the portal and jobs get no kms:Sign", () => {
    const issuer = only(resources, "sst.aws.Function", "Issuer");
    expect(issuer.args.handler).toBe("lib/ca/lambda.handler");
    const keys = resources.filter((r) => r.type === "aws.kms.Key" && r.name.startsWith("Ca"));
    const signing = (issuer.args.permissions as { actions: string[]; resources: string[] }[]).filter((p) => p.actions.some((a) => covers(a, "kms:Sign")));
    expect(signing).toHaveLength(1);
    expect(new Set(signing[0]!.resources)).toEqual(new Set(keys.map((k) => token(`${k.name}.arn`))));
    expect(CA_KEYS_VARIABLE).toBe(CA_KEYS_ENV);
    const named = JSON.parse(issuer.args.environment[CA_KEYS_VARIABLE] as string) as Record<string, string>;
    expect(configuredScopes(named)).toEqual(caScopes());

    // Nothing else — the portal (the data-key role), the jobs, any link — is granted kms:Sign.
    const text = JSON.stringify(resources.filter((r) => r !== issuer && !r.name.endsWith("KeyPolicy")).map((r) => ({ args: r.args })));
    expect(text).not.toMatch(/kms:Sign|"kms:\*"/);
    const filesPolicy = only(resources, "aws.kms.KeyPolicy", "FilesKeyPolicy");
    expect(filesPolicy.args.policy).not.toMatch(/kms:Sign/);
  });

  it("ticks every minute (issuance after approval, CRL after a revocation)", () => {
    const tick = only(resources, "sst.aws.Cron", "IssuerTick");
    expect(tick.args).toMatchObject({ schedule: "rate(1 minute)", function: token("Issuer.arn") });
  });
});
