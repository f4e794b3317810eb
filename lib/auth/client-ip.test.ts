import { describe, expect, it } from "vitest";
import { clientIpFrom, normaliseIp } from "./client-ip";

// Issue 10, item 3: the address that sign-in throttling keys on must not be chosen by the client.
describe("client address", () => {
  it("ignores X-Forwarded-For and X-Real-IP when no proxy is trusted, and uses the socket address", () => {
    const forged = { "x-forwarded-for": "6.6.6.6, 203.0.113.9", "x-real-ip": "198.51.100.4" };
    expect(clientIpFrom(new Headers(forged), "none")).toBeNull();
    expect(clientIpFrom({ ...forged, "x-certdesk-socket-address": "::ffff:127.0.0.1" }, "none")).toBe("127.0.0.1");
    expect(clientIpFrom(new Headers({ ...forged, "x-certdesk-socket-address": "::1" }), "none")).toBe("::1");
  });

  it("behind CloudFront, reads CloudFront-Viewer-Address (port stripped) and nothing else", () => {
    const forged = { "x-forwarded-for": "6.6.6.6", "x-certdesk-socket-address": "10.1.2.3" };
    expect(clientIpFrom({ ...forged, "cloudfront-viewer-address": "198.51.100.10:46532" }, "cloudfront")).toBe("198.51.100.10");
    expect(clientIpFrom({ ...forged, "cloudfront-viewer-address": "2001:db8::1:46532" }, "cloudfront")).toBe("2001:db8::1");
    expect(clientIpFrom(forged, "cloudfront")).toBeNull();
  });

  it("accepts only IP literals (a forged header cannot bloat or poison the attempts table)", () => {
    expect(normaliseIp("203.0.113.9")).toBe("203.0.113.9");
    expect(normaliseIp("[2001:DB8::1]")).toBe("2001:db8::1");
    expect(normaliseIp("evil'; drop table")).toBeNull();
    expect(normaliseIp("x".repeat(500))).toBeNull();
    expect(normaliseIp(undefined)).toBeNull();
  });
});
