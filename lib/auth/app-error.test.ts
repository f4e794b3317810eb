import { describe, expect, it } from "vitest";
import { apiHandler, AppError, errorResponse, toPublicError } from "./app-error";

describe("AppError", () => {
  it("maps codes to HTTP statuses and keeps the message for the user", async () => {
    expect(new AppError("FORBIDDEN", "no").status).toBe(403);
    expect(new AppError("NOT_FOUND", "gone").status).toBe(404);
    const response = errorResponse(new AppError("RATE_LIMITED", "Slow down."));
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({ error: { code: "RATE_LIMITED", message: "Slow down." } });
  });

  it("never shows an unexpected error's text; logs it with the id the user sees", () => {
    const logged: string[] = [];
    const pub = toPublicError(new Error("connect ECONNREFUSED postgres://admin:hunter2@db"), (line) => logged.push(line));
    expect(pub.status).toBe(500);
    expect(pub.message).not.toContain("hunter2");
    expect(pub.message).toContain(pub.errorId!);
    expect(logged[0]).toContain(pub.errorId!);
  });
});

describe("apiHandler", () => {
  it("turns an AppError into its status, and lets Next's control-flow throws pass", async () => {
    const forbidden = apiHandler(async () => {
      throw new AppError("FORBIDDEN", "Not yours.");
    });
    expect((await forbidden()).status).toBe(403);
    const ok = apiHandler(async (n: number) => Response.json({ n }));
    expect(await (await ok(2)).json()).toEqual({ n: 2 });
    const redirecting = apiHandler(async () => {
      throw Object.assign(new Error("NEXT_REDIRECT"), { digest: "NEXT_REDIRECT;replace;/signin;307;" });
    });
    await expect(redirecting()).rejects.toThrow("NEXT_REDIRECT");
  });
});
