import { describe, expect, it } from "vitest";
import { graceSinceStart } from "./clean-orphaned-objects";
import { DEFAULT_GRACE_MS } from "../submissions/cleanup-orphans";

/** What `cleanupOrphans` removes: objects whose (whole-second) Last-Modified is before now − grace. */
const removed = (lastModified: string, now: string, acceptingSince: string) =>
  new Date(lastModified).getTime() < new Date(now).getTime() - graceSinceStart(new Date(now), new Date(acceptingSince));

describe("local orphan clean-up grace (issue 10: a crash's leftovers go at the first run after a start)", () => {
  const since = "2026-11-28T12:00:00.500Z";
  it("removes what a previous process wrote, even in the second before this one began accepting", () => {
    expect(removed("2026-11-28T11:59:59Z", "2026-11-28T12:00:05Z", since)).toBe(true);
    expect(removed("2026-11-28T11:40:00Z", "2026-11-28T12:00:05Z", since)).toBe(true);
  });
  it("keeps what this process wrote in its first second, whose Last-Modified reads as the whole second", () => {
    expect(removed("2026-11-28T12:00:00Z", "2026-11-28T12:00:05Z", since)).toBe(false);
    expect(removed("2026-11-28T12:00:03Z", "2026-11-28T12:00:05Z", since)).toBe(false);
  });
  it("is the usual grace period once the process has run longer than that", () => {
    expect(graceSinceStart(new Date("2026-11-28T15:00:00Z"), new Date(since))).toBe(DEFAULT_GRACE_MS);
  });
});
