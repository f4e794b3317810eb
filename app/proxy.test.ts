import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { proxy } from "../proxy";

function cspOf(response: Response): string {
  return response.headers.get("content-security-policy") ?? "";
}

describe("proxy.ts security headers", () => {
  it("sets a fresh script nonce per request, no inline script, and forbids framing", () => {
    const a = cspOf(proxy(new NextRequest("http://localhost:3000/apps")));
    const b = cspOf(proxy(new NextRequest("http://localhost:3000/apps")));
    const nonce = (csp: string) => /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce(a)).toBeTruthy();
    expect(nonce(a)).not.toBe(nonce(b));
    expect(a).toContain("frame-ancestors 'none'");
    expect(a).toContain("object-src 'none'");
    expect(a).toMatch(/script-src [^;]*'strict-dynamic'/);
    expect(a).not.toMatch(/script-src [^;]*'unsafe-inline'/);
  });

  it("sends HSTS only over https", () => {
    expect(proxy(new NextRequest("https://certdesk.example-bank.com/apps")).headers.get("strict-transport-security")).toContain("max-age=");
    expect(proxy(new NextRequest("http://localhost:3000/apps")).headers.get("strict-transport-security")).toBeNull();
  });
});
