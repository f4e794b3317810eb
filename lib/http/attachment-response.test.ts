import { describe, expect, it } from "vitest";
import { attachmentResponse } from "./attachment-response";

describe("attachmentResponse", () => {
  it("keeps a partner's non-ASCII or quoted file name from breaking the header, and is never cached or sniffed", async () => {
    const response = attachmentResponse({ bytes: new Uint8Array([1, 2, 3]), name: 'chaîne "prod".pem', contentType: "application/x-pem-file" });
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="cha_ne _prod_.pem"; filename*=UTF-8''cha%C3%AEne%20%22prod%22.pem`);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-type")).toBe("application/x-pem-file");
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });
});
