import { describe, expect, it } from "vitest";
import { csvResponse } from "./csv-response";

describe("csvResponse", () => {
  it("is an uncached attachment that browsers do not sniff, flagged when truncated", async () => {
    const response = csvResponse('"a"\r\n', { filename: "certdesk-audit.csv", truncated: true });
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="certdesk-audit.csv"',
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "x-certdesk-truncated": "true",
    });
    expect(await response.text()).toBe('"a"\r\n');
    expect(csvResponse("", { filename: "x.csv" }).headers.get("x-certdesk-truncated")).toBeNull();
  });

  it("keeps quotes and line breaks out of the file name", () => {
    expect(csvResponse("", { filename: 'a"b\r\nc.csv' }).headers.get("content-disposition")).toBe('attachment; filename="abc.csv"');
  });
});
