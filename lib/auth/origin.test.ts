import { describe, expect, it } from "vitest";
import { isOwnOrigin, publicUrlFromEnv } from "./origin";

const PUBLIC = "https://certdesk.example-bank.com";

describe("isOwnOrigin (issue 10, item 10)", () => {
  it("accepts exactly the configured public origin", () => {
    expect(isOwnOrigin("https://certdesk.example-bank.com", PUBLIC)).toBe(true);
    expect(isOwnOrigin("https://certdesk.example-bank.com", `${PUBLIC}/`)).toBe(true);
    expect(isOwnOrigin("https://CERTDESK.example-bank.com:443", PUBLIC)).toBe(true);
  });

  it("refuses other origins, whatever Host or X-Forwarded-Host would say", () => {
    for (const origin of [
      "https://evil.example",
      "http://certdesk.example-bank.com",
      "https://certdesk.example-bank.com:8443",
      "https://certdesk.example-bank.com.evil.example",
      "https://evil.example/certdesk.example-bank.com",
      "https://certdesk.example-bank.com@evil.example",
      "null",
      "",
      "not a url",
    ]) {
      expect(isOwnOrigin(origin, PUBLIC), origin).toBe(false);
    }
    expect(isOwnOrigin(null, PUBLIC)).toBe(false);
    expect(isOwnOrigin(undefined, PUBLIC)).toBe(false);
  });

  it("reads CERTDESK_PUBLIC_URL with lib/config's default", () => {
    expect(publicUrlFromEnv({})).toBe("http://localhost:3000");
    expect(publicUrlFromEnv({ CERTDESK_PUBLIC_URL: PUBLIC })).toBe(PUBLIC);
  });
});
