/* eslint-disable @typescript-eslint/no-explicit-any -- fakes stand in for SST's untyped globals */
/**
 * Recording fakes for the globals SST v3 and Pulumi inject (`$config`, `$app`,
 * `$interpolate`, `$jsonStringify`, `sst.*`, `aws.*`…), so `sst.config.ts` and `infra/*`
 * can be evaluated in Vitest with no AWS account and nothing downloaded.
 *
 * Every `new sst.aws.X(name, args, opts)` / `new aws.y.Z(...)` is recorded with its
 * arguments. A recorded resource's outputs are recognisable tokens: `bucket.name` is
 * `"{{Files.name}}"`, `site.nodes.server.apply((s) => s.nodes.role.arn)` is
 * `"{{Web.server.role.arn}}"`. `$interpolate` and `$jsonStringify` produce plain strings
 * with the tokens inside, which the tests parse or resolve to plausible values.
 */
import path from "node:path";

export type Recorded = { type: string; name: string; args: any; opts: any; instance: any };

export const token = (name: string) => `{{${name}}}`;

/** A resource (or a node of one): any property is an output token, `nodes.x` a child resource. */
function fakeResource(name: string, fields: Record<string, unknown> = {}): any {
  const proxy: any = new Proxy(fields, {
    get(target, prop) {
      if (prop === Symbol.toPrimitive) return () => token(name);
      if (typeof prop === "symbol" || prop === "then") return undefined;
      if (prop in target) return target[prop];
      if (prop === "toString" || prop === "toJSON") return () => token(name);
      // Pulumi's Output.apply: the fake's value is the resource itself.
      if (prop === "apply") return (fn: (value: unknown) => unknown) => fn(proxy);
      if (prop === "nodes") {
        return new Proxy({}, { get: (_, node) => (typeof node === "string" ? fakeResource(`${name}.${node}`) : undefined) });
      }
      return token(`${name}.${prop}`);
    },
  });
  return proxy;
}

function namespace(pathName: string, recorded: Recorded[]): any {
  return new Proxy(function fake() {}, {
    get(_, prop) {
      if (typeof prop === "symbol" || prop === "then") return undefined;
      // sst.aws.permission is a plain helper returning a statement for Linkable's `include`.
      if (pathName === "sst.aws" && prop === "permission") return (statement: unknown) => ({ permission: statement });
      return namespace(`${pathName}.${prop}`, recorded);
    },
    construct(_, [name, args, opts]) {
      const instance = fakeResource(String(name), { __type: pathName, __name: name });
      recorded.push({ type: pathName, name: String(name), args: args ?? {}, opts: opts ?? {}, instance });
      return instance;
    },
    apply() {
      // Provider functions like aws.getPartitionOutput({}): outputs named after the function.
      return fakeResource(pathName.split(".").pop()!);
    },
  });
}

const GLOBALS = ["$config", "$app", "$dev", "$interpolate", "$jsonStringify", "$resolve", "$transform", "sst", "aws"];

/** Installs the fakes on `globalThis` for one evaluation; `restore()` removes them. */
export function installSstFakes(options: { stage: string; dev?: boolean }) {
  const recorded: Recorded[] = [];
  const g = globalThis as Record<string, unknown>;
  const saved = new Map(GLOBALS.map((key) => [key, g[key]]));
  Object.assign(g, {
    $config: (config: unknown) => config,
    $app: { name: "certdesk", stage: options.stage },
    $dev: options.dev ?? false,
    $interpolate: (strings: TemplateStringsArray, ...values: unknown[]) =>
      strings.reduce((out, part, i) => out + part + (i < values.length ? String(values[i]) : ""), ""),
    $jsonStringify: (value: unknown) => JSON.stringify(value),
    $resolve: (values: unknown[]) => ({ apply: (fn: (v: unknown[]) => unknown) => fn(values) }),
    $transform: () => {
      throw new Error("$transform is not expected in Certdesk's infra (use per-component `transform`)");
    },
    sst: namespace("sst", recorded),
    aws: namespace("aws", recorded),
  });
  return {
    recorded,
    restore() {
      for (const [key, value] of saved) {
        if (value === undefined) delete g[key];
        else g[key] = value;
      }
    },
  };
}

/** What `sst.config.ts` exports, as the tests use it. */
export type EvaluatedConfig = {
  app: { name: string; home: string; removal?: string; protect?: boolean };
  outputs: Record<string, unknown>;
  resources: Recorded[];
};

export const SST_CONFIG_PATH = path.resolve(import.meta.dirname, "../../sst.config.ts");

/** Deploy settings a real deploy would take from the deployer's shell. */
export const TEST_DEPLOY_ENV = {
  CERTDESK_DEPLOY_DOMAIN: "certdesk.example-bank.com",
  CERTDESK_DEPLOY_EMAIL_SENDER: "example-bank.com",
};

/**
 * Evaluates `sst.config.ts` the way `sst deploy --stage <stage>` would: `app()` with the
 * stage, then `run()`, with the fakes installed and the deploy settings in `process.env`.
 */
export async function evaluateSstConfig(options: {
  stage: string;
  env?: Record<string, string>;
  dev?: boolean;
}): Promise<EvaluatedConfig> {
  const fakes = installSstFakes({ stage: options.stage, dev: options.dev });
  const env = options.env ?? TEST_DEPLOY_ENV;
  const savedEnv = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    // A non-literal specifier: tsc must not follow it (the file's /// reference only exists after `sst install`).
    const config = (await import(/* @vite-ignore */ SST_CONFIG_PATH)).default as {
      app(input: { stage: string }): EvaluatedConfig["app"];
      run(): Promise<Record<string, unknown>>;
    };
    const app = config.app({ stage: options.stage });
    const outputs = await config.run();
    return { app, outputs, resources: fakes.recorded };
  } finally {
    fakes.restore();
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** The one recorded resource of `type` (and `name`); fails the test if there is not exactly one. */
export function only(resources: Recorded[], type: string, name?: string): Recorded {
  const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
  if (found.length !== 1) {
    throw new Error(`expected one ${type}${name ? ` "${name}"` : ""}, found ${found.length}: ${resources.map((r) => `${r.type}:${r.name}`).join(", ")}`);
  }
  return found[0]!;
}

/** Applies an SST `transform` entry (function or partial object) to `defaults`, as SST does. */
export function applyTransform<T extends Record<string, unknown>>(transform: unknown, defaults: T): T {
  const args = { ...defaults };
  if (typeof transform === "function") transform(args, {}, "name");
  else if (transform && typeof transform === "object") Object.assign(args, transform);
  return args;
}

/**
 * The bucket policy statements SST's Bucket component generates from its args (mirrors
 * `createBucketPolicy` in sst/platform/src/components/aws/bucket.ts): the `enforceHttps`
 * deny (default on), then each `policy` entry with its `paths` turned into resources.
 */
export function effectiveBucketPolicy(bucketName: string, args: any) {
  const arn = token(`${bucketName}.arn`);
  const statements: any[] = [];
  if (args.enforceHttps ?? true) {
    statements.push({
      effect: "Deny",
      principals: [{ type: "*", identifiers: ["*"] }],
      actions: ["s3:*"],
      resources: [arn, `${arn}/*`],
      conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
    });
  }
  for (const p of args.policy ?? []) {
    statements.push({
      effect: p.effect ? p.effect.charAt(0).toUpperCase() + p.effect.slice(1) : "Allow",
      principals: p.principals === "*" ? [{ type: "*", identifiers: ["*"] }] : p.principals,
      actions: p.actions,
      conditions: p.conditions,
      resources: (p.paths ?? ["", "*"]).map((x: string) => (x === "" ? arn : `${arn}/${x.replace(/^\//, "")}`)),
    });
  }
  return statements;
}
