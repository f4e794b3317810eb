/** Issue 16: the status bar shows the path a submission can still take from its status, not every state. */
import { describe, expect, it } from "vitest";
import { SUBMISSION_STATUSES } from "@/lib/db";
import { pathFor, stagesFor } from "./get-submission";

const labels = (status: (typeof SUBMISSION_STATUSES)[number], submitted: boolean, state?: "done" | "current" | "next") =>
  pathFor(status, submitted).steps.filter((s) => !state || s.state === state).map((s) => s.label);

describe("pathFor: where a submission has been, where it stands, what it can still become", () => {
  it("a rejected upload (never sent) shows Uploaded → Rejected by the checks and asks for a corrected chain", () => {
    expect(pathFor("rejected", false)).toEqual({
      steps: [
        { label: "Uploaded", state: "done" },
        { label: "Rejected by the checks", state: "current" },
      ],
      next: expect.stringContaining("upload a corrected chain"),
    });
  });

  it("a submission the reviewers rejected went through review", () => {
    expect(labels("rejected", true)).toEqual(["Uploaded", "In review", "Rejected by the reviewers"]);
    expect(pathFor("rejected", true).next).toContain("Upload a corrected chain");
  });

  it("a draft can still be sent, approved and activated; a superseded draft can go nowhere", () => {
    expect(labels("draft", false, "next")).toEqual(["In review", "Approved", "Active"]);
    expect(labels("superseded", false)).toEqual(["Uploaded", "Draft", "Superseded"]);
    expect(labels("superseded", false, "next")).toEqual([]);
  });

  it("final statuses offer no further step; open ones exactly one current step", () => {
    for (const status of SUBMISSION_STATUSES) {
      for (const submitted of [false, true]) {
        const path = pathFor(status, submitted);
        expect(path.steps.filter((s) => s.state === "current"), `${status}`).toHaveLength(1);
        expect(path.next.length).toBeGreaterThan(10);
        // Never every state at once: a step only appears once, and rejection never shows "Approved".
        expect(new Set(path.steps.map((s) => s.label)).size).toBe(path.steps.length);
      }
    }
    for (const status of ["rejected", "superseded", "withdrawn", "retired", "revoked", "changes_requested"] as const) {
      expect(labels(status, true, "next"), status).toEqual([]);
    }
    expect(labels("rejected", false)).not.toContain("Approved");
  });

  it("the API's stages keep their shape; a rejected upload never sent has not reached `submitted`", () => {
    expect(stagesFor("rejected", false).find((s) => s.stage === "submitted")?.state).toBe("upcoming");
    expect(stagesFor("rejected", true).find((s) => s.stage === "submitted")?.state).toBe("done");
    expect(stagesFor("superseded").every((s) => s.state === "upcoming")).toBe(true);
  });
});
