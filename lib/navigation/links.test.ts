/** Issue 16 item 8: ids in the audit trail lead to their pages; anything else stays text. */
import { describe, expect, it } from "vitest";
import { auditTargetHref } from "./links";

const ID = "0b8f1c9e-2f4a-4d7e-9c1b-3a5e7d9f1b2c";

describe("audit target links", () => {
  it("links submissions, certificates and apps by id", () => {
    expect(auditTargetHref("submission", ID)).toBe(`/submissions/${ID}`);
    expect(auditTargetHref("certificate", ID)).toBe(`/certificates/${ID}`);
    expect(auditTargetHref("developer_app", ID)).toBe(`/apps/${ID}`);
  });

  it("leaves other targets and malformed ids (recorded as sent by refused requests) unlinked", () => {
    expect(auditTargetHref("api_token", ID)).toBeNull();
    expect(auditTargetHref("submission", "../../admin")).toBeNull();
    expect(auditTargetHref("submission", null)).toBeNull();
    expect(auditTargetHref(null, ID)).toBeNull();
  });
});
