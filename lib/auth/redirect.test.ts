import { describe, expect, it } from "vitest";
import { buildAuthOptions } from "./options";
import { loadConfig } from "@/lib/config";
import { safeCallbackPath } from "./redirect";

const ORIGIN = "http://localhost:3000";

/** The known open-redirect bypasses (issue 10, item 2): each must land on the portal's home. */
const BYPASSES = [
  "/\\evil.example",
  "/\tevil.example/../\\evil.example",
  "/\t/evil.example",
  "\t//evil.example",
  "/\r\n/evil.example",
  "/\n/evil.example",
  "//evil.example",
  "///evil.example",
  "\\\\evil.example",
  "\\/evil.example",
  "/\\/evil.example",
  "/%2F/evil.example",
  "/%2f%2fevil.example",
  "/%5Cevil.example",
  "/%5C%5Cevil.example",
  "/.//evil.example",
  "/./%2F/evil.example",
  "javascript:alert(document.domain)",
  "JaVaScRiPt:alert(1)",
  "java\tscript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "https://evil.example/",
  "http://evil.example",
  "https:/evil.example",
  "http://localhost:3000@evil.example/",
  "//localhost:3000@evil.example",
  "http://user:pass@evil.example/",
  "https://localhost:3000/apps",
  "http://localhost:3001/apps",
  "",
  "x".repeat(5000),
] as const;

describe("safeCallbackPath: only same-origin targets after sign-in", () => {
  for (const value of BYPASSES) {
    it(`sends ${JSON.stringify(value.slice(0, 60))} home`, () => {
      const result = safeCallbackPath(value, ORIGIN);
      expect(result).toBe("/");
      // Whatever comes back, a browser resolving it stays on the portal.
      expect(new URL(result, ORIGIN).origin).toBe(ORIGIN);
    });
  }

  it("keeps ordinary portal paths with their query and fragment", () => {
    expect(safeCallbackPath("/admin/users", ORIGIN)).toBe("/admin/users");
    expect(safeCallbackPath("/apps?tab=production#files", ORIGIN)).toBe("/apps?tab=production#files");
    expect(safeCallbackPath("http://localhost:3000/reviews", ORIGIN)).toBe("/reviews");
    expect(safeCallbackPath("/apps/%E2%9C%93", ORIGIN)).toBe("/apps/%E2%9C%93");
    // Scheme-relative to our own scheme: the browser reads it as a path on the portal too.
    expect(safeCallbackPath("http:evil.example", ORIGIN)).toBe("/evil.example");
  });

  it("does not come back to the sign-in page after sign-in, unless asked (sign-out lands there)", () => {
    expect(safeCallbackPath("/signin", ORIGIN)).toBe("/");
    expect(safeCallbackPath("/signin?callbackUrl=/apps", ORIGIN)).toBe("/");
    expect(safeCallbackPath("/signin?signedOut=1", ORIGIN, { allowSignInPage: true })).toBe("/signin?signedOut=1");
  });

  it("refuses non-strings", () => {
    expect(safeCallbackPath(undefined, ORIGIN)).toBe("/");
    expect(safeCallbackPath(["/apps"], ORIGIN)).toBe("/");
  });
});

describe("next-auth's redirect callback uses the same rule", () => {
  it("keeps same-origin paths and sends every bypass home", async () => {
    const options = await buildAuthOptions(loadConfig({ CERTDESK_AUTH_SECRET: "x".repeat(40) }, "/tmp"));
    const redirect = options.callbacks!.redirect!;
    const baseUrl = ORIGIN;
    expect(await redirect({ url: "/admin/users", baseUrl })).toBe(`${ORIGIN}/admin/users`);
    expect(await redirect({ url: `${ORIGIN}/signin?signedOut=1`, baseUrl })).toBe(`${ORIGIN}/signin?signedOut=1`);
    for (const url of BYPASSES) {
      const target = await redirect({ url, baseUrl });
      expect(new URL(target).origin, JSON.stringify(url)).toBe(ORIGIN);
      expect(target, JSON.stringify(url)).toBe(`${ORIGIN}/`);
    }
  });
});
