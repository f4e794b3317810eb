// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- SST generates this file on `sst install`
/// <reference path="./.sst/platform/config.d.ts" />

/**
 * Certdesk on AWS (SST v3). The resources are in `infra/`, one file per concern; see
 * docs/deploy.md for prerequisites, stages, secrets, restore and cost.
 *
 * This file is excluded from the root tsconfig because the reference above only exists
 * after `sst install`; `infra/sst-config.test.ts` typechecks it against infra/sst-env.d.ts.
 */
export default $config({
  app(input) {
    const production = input?.stage === "production";
    return {
      name: "certdesk",
      home: "aws",
      // Production keeps its data when a resource is replaced or the app removed, and
      // `sst remove --stage production` refuses to run; other stages clean up after themselves.
      removal: production ? "retain" : "remove",
      protect: production,
    };
  },
  async run() {
    const { deploy } = await import("./infra");
    return deploy();
  },
});
