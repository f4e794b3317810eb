import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { proxy } from "../proxy";

function cspOf(response: Response): string {
  return response.headers.get("content-security-policy") ?? "";
}

describe("proxy.ts security headers", () => {
  it("sets a fresh script nonce per request, no inline script, and forbids framing", async () => {
    const a = cspOf(await proxy(new NextRequest("http://localhost:3000/apps")));
    const b = cspOf(await proxy(new NextRequest("http://localhost:3000/apps")));
    const nonce = (csp: string) => /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce(a)).toBeTruthy();
    expect(nonce(a)).not.toBe(nonce(b));
    expect(a).toContain("frame-ancestors 'none'");
    expect(a).toContain("object-src 'none'");
    expect(a).toMatch(/script-src [^;]*'strict-dynamic'/);
    expect(a).not.toMatch(/script-src [^;]*'unsafe-inline'/);
  });

  it("sends HSTS only over https", async () => {
    expect((await proxy(new NextRequest("https://certdesk.example-bank.com/apps"))).headers.get("strict-transport-security")).toContain("max-age=");
    expect((await proxy(new NextRequest("http://localhost:3000/apps"))).headers.get("strict-transport-security")).toBeNull();
  });
});

// Issue 10: Next's server-action decoder answers an unreadable multipart body with 500.
describe("proxy.ts unreadable form posts", () => {
  const post = (contentType: string, body: string, path = "/tokens") =>
    new NextRequest(`http://localhost:3000${path}`, { method: "POST", headers: { "content-type": contentType }, body });

  it("answers 400 for a multipart body without a boundary or cut short", async () => {
    expect((await proxy(post("multipart/form-data", "garbage"))).status).toBe(400);
    expect((await proxy(post("multipart/form-data; boundary=xyz", '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xy'))).status).toBe(400);
  });

  it("lets a well-formed form and the upload route's own bodies through", async () => {
    const ok = await proxy(post("multipart/form-data; boundary=xyz", '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xyz--\r\n'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect((await proxy(post("multipart/form-data", "garbage", "/apps/x/environments/y/submissions/upload"))).status).toBe(200);
  });
});

// Issue 10, items 5 and 10: a server action (or any state-changing request) from a foreign
// Origin is a 403 decided against the configured public URL, not Next's 500.
describe("proxy.ts same-origin check for state-changing requests", () => {
  const action = (origin: string | null, extra: Record<string, string> = {}, method = "POST") =>
    new NextRequest("http://localhost:3000/apps", {
      method,
      headers: { "next-action": "7f3a9b", "content-type": "text/plain;charset=UTF-8", ...(origin === null ? {} : { origin }), ...extra },
      body: method === "GET" ? undefined : "[]",
    });

  it("answers a server action from a foreign Origin with 403, even with a matching X-Forwarded-Host", async () => {
    for (const origin of ["http://evil.example", "null", "http://localhost.evil.example:3000", "https://localhost:3000"]) {
      const response = await proxy(action(origin, { "x-forwarded-host": "evil.example", host: "evil.example" }));
      expect(response.status, origin).toBe(403);
      expect(await response.text()).toContain("did not come from the Certdesk portal");
    }
    expect((await proxy(action("http://evil.example", {}, "DELETE"))).status).toBe(403);
  });

  it("lets the portal's own Origin, Origin-less clients and safe methods through", async () => {
    expect((await proxy(action("http://localhost:3000"))).status).not.toBe(403);
    expect((await proxy(action(null))).status).not.toBe(403);
    expect((await proxy(new NextRequest("http://localhost:3000/apps", { headers: { origin: "http://evil.example" } }))).status).not.toBe(403);
  });
});
