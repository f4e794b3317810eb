/**
 * The page read models moved out of app/: each one authorises its caller, starting from two
 * partner organisations (Acme, Globex) and the provider's staff.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/lib/db/testing";
import { createTestSubmission, seedReviewFixture, type ReviewFixture } from "@/lib/reviews/testing";
import { loadAppGrid, loadEnvironmentDetail } from "@/lib/submissions/app-grid";
import { listApprovedForScheduling } from "@/lib/scheduling/list-approved";
import { listOrganisations, listProgramVersions, listUsers } from "./lists";

const t = setupTestDatabase();
let f: ReviewFixture;
const now = new Date("2026-03-01T00:00:00Z");
beforeAll(async () => {
  f = await seedReviewFixture(t.current.db);
});

describe("admin lists", () => {
  it("answer administrators, and refuse partners and reviewers", async () => {
    const db = t.current.db;
    const orgs = await listOrganisations(db, { viewer: f.users.admin });
    expect(orgs.map((o) => o.id)).toEqual(expect.arrayContaining([f.orgs.acme, f.orgs.globex, f.orgs.provider]));
    expect(orgs.find((o) => o.id === f.orgs.acme)!.apps).toBe(2);
    const users = await listUsers(db, { viewer: f.users.admin });
    expect(users.find((u) => u.email === "partner@acme.test")!.signIn).toBe("password");
    expect(JSON.stringify(users)).not.toContain("passwordHash");
    expect((await listProgramVersions(db, { viewer: f.users.admin })).length).toBeGreaterThan(0);
    for (const viewer of [f.users.acme, f.users.reviewer1, f.users.support]) {
      await expect(listOrganisations(db, { viewer })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(listUsers(db, { viewer })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(listProgramVersions(db, { viewer })).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
  });
});

describe("partner grid and environment page", () => {
  it("show a partner only its own organisation's apps; another tenant's app is not found", () =>
    t.current.rollback(async (db) => {
      await createTestSubmission(db, { appId: f.apps.globexPayouts, environmentKey: "stage" });
      const acmeGrid = await loadAppGrid(db, { viewer: f.users.acme, now });
      expect(acmeGrid.map((r) => r.id).sort()).toEqual([f.apps.acmeCheckout, f.apps.acmeTreasury].sort());
      expect(acmeGrid.every((r) => r.cells.length > 0)).toBe(true);
      const staffGrid = await loadAppGrid(db, { viewer: f.users.support, now });
      expect(staffGrid.map((r) => r.id)).toContain(f.apps.globexPayouts);

      const globexGrid = await loadAppGrid(db, { viewer: f.users.globex, now });
      const globexRow = globexGrid.find((r) => r.id === f.apps.globexPayouts)!;
      expect(globexRow.cells.find((c) => c.environmentKey === "stage")!.status.label).not.toBe("No certificate");

      const sub = await createTestSubmission(db, { appId: f.apps.globexPayouts, environmentKey: "stage" });
      const detail = await loadEnvironmentDetail(db, { viewer: f.users.globex, appId: f.apps.globexPayouts, environmentId: sub.environmentId });
      expect(detail.submissions.map((s) => s.id)).toContain(sub.id);
      await expect(loadEnvironmentDetail(db, { viewer: f.users.acme, appId: f.apps.globexPayouts, environmentId: sub.environmentId })).rejects.toMatchObject({ code: "NOT_FOUND" });
      // An environment of another app, reached through an app the viewer may see, yields nothing.
      const crossed = await loadEnvironmentDetail(db, { viewer: f.users.acme, appId: f.apps.acmeCheckout, environmentId: sub.environmentId });
      expect(crossed.submissions).toEqual([]);
    }));
});

describe("approved for scheduling", () => {
  it("lists approved submissions for support and refuses partners and reviewers", () =>
    t.current.rollback(async (db) => {
      const sub = await createTestSubmission(db, { appId: f.apps.acmeCheckout, environmentKey: "stage", status: "approved" });
      const list = await listApprovedForScheduling(db, { actor: { kind: "user", user: f.users.support }, now });
      expect(list.map((s) => s.id)).toContain(sub.id);
      for (const user of [f.users.acme, f.users.reviewer1]) {
        await expect(listApprovedForScheduling(db, { actor: { kind: "user", user }, now })).rejects.toMatchObject({ code: "FORBIDDEN" });
      }
    }));
});
