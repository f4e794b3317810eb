/** infra/email.ts with SST's globals faked: the link the portal and jobs get sends through the identity, and nothing more. */
import { describe, expect, it } from "vitest";
import { evaluateSstConfig, only, token } from "./testing/sst-fakes";

describe("e-mail link (issue 14)", () => {
  it("exposes the sender and configuration set, and grants ses:SendEmail on the identity and its configuration set only", async () => {
    const { resources } = await evaluateSstConfig({ stage: "production" });
    const link = only(resources, "sst.Linkable", "EmailSend");
    expect(link.args.properties).toEqual({ sender: token("Email.sender"), configSet: token("Email.configSet") });
    expect(link.args.include).toEqual([
      { permission: { actions: ["ses:SendEmail"], resources: [token("Email.identity.arn"), token("Email.configurationSet.arn")] } },
    ]);
    // The portal and the jobs are linked to the narrow link, never to the Email component (whose link grants ses:*).
    for (const [type, name] of [["sst.aws.Nextjs", "Web"], ["sst.aws.Function", "Jobs"]] as const) {
      const names = (only(resources, type, name).args.link as { __name: string }[]).map((l) => l.__name);
      expect(names, name).toContain("EmailSend");
      expect(names, name).not.toContain("Email");
    }
  });
});
