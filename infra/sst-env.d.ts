/* eslint-disable @typescript-eslint/no-explicit-any -- SST's and Pulumi's real types are not installed here; see below */
/**
 * The globals SST v3 injects when it evaluates `sst.config.ts` and `infra/*`, declared
 * loosely so `tsc --noEmit` can check this folder without the SST CLI.
 *
 * The precise declarations are generated into `.sst/platform/config.d.ts` by `sst install`,
 * which downloads SST's engine and cannot run on this machine. Only the components
 * Certdesk uses are named, so a misspelt component (`sst.aws.Bucekt`) still fails to
 * compile; their arguments and outputs are `any`. The infra tests
 * (`infra/sst-config.test.ts`) assert what the arguments must contain.
 *
 * This file has no imports or exports, so its declarations are global. No other code in
 * the project uses these names.
 */

type SstComponent = new (name: string, args?: any, opts?: any) => any;

type SstAppInput = { stage?: string } | undefined;
type SstConfig = {
  app(input: SstAppInput): { name: string; home: "aws"; removal?: "remove" | "retain" | "retain-all"; protect?: boolean };
  run(): Promise<unknown>;
};

declare const $config: (config: SstConfig) => SstConfig;
declare const $app: { readonly name: string; readonly stage: string };
declare const $dev: boolean;
declare function $interpolate(strings: TemplateStringsArray, ...values: unknown[]): any;
declare function $jsonStringify(value: unknown): any;
declare function $resolve(values: readonly unknown[]): any;

declare const sst: {
  readonly Secret: SstComponent;
  readonly Linkable: SstComponent;
  readonly aws: {
    readonly Aurora: SstComponent;
    readonly Bucket: SstComponent;
    readonly Cron: SstComponent;
    readonly Email: SstComponent;
    readonly Function: SstComponent;
    readonly Nextjs: SstComponent;
    readonly Vpc: SstComponent;
    readonly permission: (statement: {
      actions: string[];
      resources: unknown[];
      effect?: "allow" | "deny";
    }) => any;
  };
};

declare const aws: {
  readonly getCallerIdentityOutput: (args?: object) => any;
  readonly getPartitionOutput: (args?: object) => any;
  readonly getRegionOutput: (args?: object) => any;
  readonly kms: { readonly Key: SstComponent; readonly KeyPolicy: SstComponent; readonly Alias: SstComponent };
  readonly lambda: { readonly Invocation: SstComponent; readonly Permission: SstComponent };
  // Issue 13: the partner-facing gateway (infra/gateway.ts).
  readonly apigatewayv2: {
    readonly Api: SstComponent;
    readonly ApiMapping: SstComponent;
    readonly Authorizer: SstComponent;
    readonly DomainName: SstComponent;
    readonly Integration: SstComponent;
    readonly Route: SstComponent;
    readonly Stage: SstComponent;
  };
  readonly cloudwatch: { readonly EventRule: SstComponent; readonly EventTarget: SstComponent };
  readonly iam: { readonly RolePolicy: SstComponent };
  readonly s3: {
    readonly BucketServerSideEncryptionConfiguration: SstComponent;
    readonly BucketLifecycleConfiguration: SstComponent;
  };
};
