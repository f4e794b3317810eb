import { describe, expect, it } from "vitest";
import { malformedRequestTarget } from "./raw-request";
import { parseEnvironmentKeySegment, parseSegments, parseUuidSegment, safeDecodeSegment } from "./segments";

const UUID = "0db3e508-ee70-4994-83fd-ea2023daafaf";

describe("route segments", () => {
  it("accepts well-formed ids and keys, lower-casing uuids", () => {
    expect(parseUuidSegment(UUID.toUpperCase())).toBe(UUID);
    expect(parseEnvironmentKeySegment("production")).toBe("production");
    expect(parseEnvironmentKeySegment("stage-2")).toBe("stage-2");
  });

  it("refuses NUL, lone and malformed percent-encoding, traversal, markup and overlong values instead of throwing", () => {
    for (const hostile of ["\u0000", `${UUID}\u0000`, "%", "%zz", "%E0%A4%A", "%C0%AF", "..", "../x", "<script>", "x".repeat(300), "", "PRODUCTION", " production", "production\n", "%00"]) {
      expect(parseUuidSegment(hostile), JSON.stringify(hostile)).toBeNull();
      expect(parseEnvironmentKeySegment(hostile), JSON.stringify(hostile)).toBeNull();
    }
    expect(parseUuidSegment(undefined)).toBeNull();
    expect(parseUuidSegment(["a"])).toBeNull();
    expect(safeDecodeSegment("%")).toBeNull();
    expect(safeDecodeSegment("a%20b")).toBe("a b");
  });

  it("decodes a double-encoded value once, and only keeps it when it then matches", () => {
    expect(parseEnvironmentKeySegment("%70roduction")).toBe("production");
    expect(parseEnvironmentKeySegment("%2500")).toBeNull();
  });

  it("parses all named segments or none", () => {
    expect(parseSegments({ appId: UUID, env: "sandbox" }, { appId: "uuid", env: "environment-key" })).toEqual({ appId: UUID, env: "sandbox" });
    expect(parseSegments({ appId: UUID, env: "%" }, { appId: "uuid", env: "environment-key" })).toBeNull();
  });
});

describe("raw request targets", () => {
  it("flags what Next cannot decode, and lets everything else through", () => {
    for (const bad of ["/api/v1/submissions/%", "/apps/%E0%A4%A/environments/x", "/admin/programs/%zz", "x", "", "/" + "a".repeat(9000)]) {
      expect(malformedRequestTarget(bad), bad).not.toBeNull();
    }
    for (const good of ["/", "/api/v1/submissions/%00", "/apps/a%20b", "/reviews?q=100%", "/signin?callbackUrl=%2F"]) {
      expect(malformedRequestTarget(good), good).toBeNull();
    }
  });
});
