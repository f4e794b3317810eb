/**
 * Issue 10, item 10: the upload route's CSRF check compares the Origin with the configured
 * public URL; X-Forwarded-Host (client-controlled) used to make a foreign Origin pass.
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));

const { POST } = await import("./route");

const params = Promise.resolve({ appId: "00000000-0000-4000-8000-000000000000", env: "sandbox" });

function upload(headers: Record<string, string>): Request {
  return new Request("http://localhost:3000/apps/x/environments/sandbox/submissions/upload", {
    method: "POST",
    headers: { "content-type": "multipart/form-data; boundary=x", ...headers },
    body: "--x--\r\n",
  });
}

describe("upload route same-origin check", () => {
  it("refuses a foreign Origin even when X-Forwarded-Host and Host agree with it", async () => {
    const response = await POST(upload({ origin: "http://evil.example", "x-forwarded-host": "evil.example", host: "evil.example" }), { params });
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
  });

  it("refuses a missing Origin and the opaque 'null' origin", async () => {
    expect((await POST(upload({}), { params })).status).toBe(403);
    expect((await POST(upload({ origin: "null" }), { params })).status).toBe(403);
  });

  it("lets the portal's own Origin through to authentication (401 without a session, not 403)", async () => {
    const response = await POST(upload({ origin: "http://localhost:3000", host: "localhost:3000" }), { params });
    expect(response.status).not.toBe(403);
  });
});
