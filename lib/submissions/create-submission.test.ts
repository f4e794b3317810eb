import { readFile } from "node:fs/promises";
import path from "node:path";
import { and, count, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, certificates, findings, submissionFiles, submissions } from "@/lib/db";
import { AppError } from "@/lib/auth/app-error";
import { recordAudit } from "@/lib/audit";
import type { Storage } from "@/lib/storage";
import { mintCertificate } from "@/lib/pki/testing/factory";
import { acmeChain, asUser, pemFile, rawStoredFiles, setupHarness } from "./testing";
import { createSubmission } from "./create-submission";
import { submitForReview } from "./submit-for-review";
import { withdrawSubmission } from "./withdraw-submission";
import { getSubmission } from "./get-submission";
import { downloadFile } from "./download-file";

const h = setupHarness();

async function appError(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

async function objectKeys(): Promise<string[]> {
  return h.current.storage.listKeys("submissions/");
}

async function rowCount(appId: string): Promise<number> {
  const [row] = await h.current.db.select({ n: count() }).from(submissions).where(eq(submissions.appId, appId));
  return row!.n;
}

/** True when any 16-byte run of `needle` occurs in `hay`. */
function contains(hay: Buffer, needle: Uint8Array): boolean {
  for (let i = 0; i + 16 <= needle.length; i += 16) if (hay.includes(Buffer.from(needle.subarray(i, i + 16)))) return true;
  return false;
}

describe("createSubmission: upload → verdict → encrypted files + rows in one transaction", () => {
  it("stores a good chain as a draft: files encrypted in S3, submission, certificates with PEM, audit event", async () => {
    const { db, storage, now, users, apps } = h.current;
    const chain = await acmeChain("good");
    const result = await createSubmission({ db, storage, now }, {
      actor: asUser(users.acme),
      appId: apps.acmeCheckout,
      environmentKey: "stage",
      files: [pemFile("client chain (Ada).pem", chain.leaf, chain.ica, chain.root)],
    });
    expect(result.outcome).toBe("created");
    if (result.outcome !== "created") return;
    expect(result.verdict.verdict).toBe("accepted");
    expect(result.submission.status).toBe("draft");

    const [row] = await db.select().from(submissions).where(eq(submissions.id, result.submission.id));
    expect(row).toMatchObject({ status: "draft", verdict: "accepted", kind: "chain", purpose: "mtls", programId: "self-signed-allowed", leafSubject: chain.leaf.subject.replace("2.5.4.97", "organizationIdentifier") });
    const certs = await db.select().from(certificates).where(eq(certificates.submissionId, row!.id));
    expect(certs.map((c) => c.role)).toEqual(["leaf", "intermediate", "root"]);
    expect(certs[0]!.pem).toBe(chain.leaf.pem);
    const files = await db.select().from(submissionFiles).where(eq(submissionFiles.submissionId, row!.id));
    expect(files.map((f) => f.kind).sort()).toEqual(["normalised-chain", "original"]);
    // Object keys carry ids only: never the partner's file name or e-mail.
    for (const f of files) {
      expect(f.objectKey).toMatch(new RegExp(`^submissions/${row!.id}/[0-9a-f-]{36}$`));
      expect(f.objectKey).not.toContain("Ada");
    }
    const [audit] = await db.select().from(auditEvents).where(and(eq(auditEvents.targetId, row!.id), eq(auditEvents.action, "submission.create")));
    expect(audit).toMatchObject({ outcome: "success", actorEmail: "partner@acme.test", organisationId: h.current.acmeOrgId });

    // What reached the S3 server's disk is ciphertext: no PEM text, no DER run of any certificate.
    const raw = await rawStoredFiles(h.current.s3Dir);
    expect(raw.length).toBeGreaterThan(0);
    for (const { bytes } of raw) {
      expect(bytes.includes("BEGIN CERTIFICATE")).toBe(false);
      for (const c of [chain.leaf, chain.ica, chain.root]) expect(contains(bytes, c.der)).toBe(false);
    }

    // And it decrypts back, for the organisation's partner, audited.
    const original = files.find((f) => f.kind === "original")!;
    const download = await downloadFile({ db, storage }, { actor: asUser(users.acme), submissionId: row!.id, fileId: original.id });
    expect(new TextDecoder().decode(download.bytes)).toBe(chain.leaf.pem + chain.ica.pem + chain.root.pem);
    expect(download.name).toBe("client chain (Ada).pem");
    const [dl] = await db.select().from(auditEvents).where(and(eq(auditEvents.targetId, row!.id), eq(auditEvents.action, "submission.file.download")));
    expect(dl).toMatchObject({ outcome: "success", actorEmail: "partner@acme.test" });
  });

  it("answers the same idempotency key with the same submission, without a second row", async () => {
    const { db, storage, now, users, apps } = h.current;
    const chain = await acmeChain("idem");
    const input = { actor: asUser(users.acme), appId: apps.acmeTreasury, environmentKey: "sandbox", files: [pemFile("c.pem", chain.leaf, chain.ica, chain.root)], idempotencyKey: "upload-7f3a9c21" };
    const before = await rowCount(apps.acmeTreasury);
    const first = await createSubmission({ db, storage, now }, input);
    const keysAfterFirst = await objectKeys();
    const second = await createSubmission({ db, storage, now }, input);
    expect(first.outcome).toBe("created");
    expect(second.outcome).toBe("existing");
    if (first.outcome !== "created" || second.outcome !== "existing") return;
    expect(second.submission.id).toBe(first.submission.id);
    expect(second.verdict.findings.map((f) => f.code).sort()).toEqual(first.verdict.findings.map((f) => f.code).sort());
    expect(await rowCount(apps.acmeTreasury)).toBe(before + 1);
    expect(await objectKeys()).toEqual(keysAfterFirst);
  });

  it("two concurrent requests with the same idempotency key (a double click) make one submission", async () => {
    const { db, storage, now, users, apps } = h.current;
    const chain = await acmeChain("double-click");
    const input = { actor: asUser(users.acme), appId: apps.acmeTreasury, environmentKey: "production", purpose: "signature", files: [pemFile("c.pem", chain.leaf, chain.ica, chain.root)], idempotencyKey: "double-click-0001" };
    const keysBefore = await objectKeys();
    const [a, b] = await Promise.all([createSubmission({ db, storage, now }, input), createSubmission({ db, storage, now }, input)]);
    const ids = [a, b].map((r) => (r.outcome === "created" || r.outcome === "existing" ? r.submission.id : null));
    expect(ids[0]).not.toBeNull();
    expect(ids[0]).toBe(ids[1]);
    expect([a.outcome, b.outcome].sort()).toEqual(["created", "existing"]);
    const rows = await db.select({ id: submissions.id }).from(submissions).where(eq(submissions.idempotencyKey, "double-click-0001"));
    expect(rows).toHaveLength(1);
    // The loser's objects were removed: only the winner's two files were added.
    expect((await objectKeys()).length).toBe(keysBefore.length + 2);
  });

  it("issue 16: a new upload supersedes an unsent draft, never deletes it: its rows, files and URL stay, marked superseded", async () => {
    const { db, storage, now, users, apps } = h.current;
    const a = await acmeChain("draft-a");
    const b = await acmeChain("draft-b");
    const deps = { db, storage, now };
    const base = { actor: asUser(users.acme), appId: apps.acmeCheckout, environmentKey: "production" } as const;
    const first = await createSubmission(deps, { ...base, files: [pemFile("a.pem", a.leaf, a.ica, a.root)] });
    if (first.outcome !== "created") throw new Error("first upload not created");
    expect(first.submission.status).toBe("draft");
    const oldKeys = (await db.select({ k: submissionFiles.objectKey }).from(submissionFiles).where(eq(submissionFiles.submissionId, first.submission.id))).map((r) => r.k);
    expect(oldKeys.length).toBe(2);
    const second = await createSubmission(deps, { ...base, files: [pemFile("b.pem", b.leaf, b.ica, b.root)] });
    if (second.outcome !== "created") throw new Error("second upload not created");
    expect(second.submission.status).toBe("draft");
    expect(second.supersededDraftIds).toEqual([first.submission.id]);

    const [old] = await db.select().from(submissions).where(eq(submissions.id, first.submission.id));
    expect(old).toMatchObject({ status: "superseded", verdict: "accepted" });
    expect(await db.select().from(certificates).where(eq(certificates.submissionId, first.submission.id))).not.toEqual([]);
    const keys = await objectKeys();
    for (const k of oldKeys) expect(keys).toContain(k);
    // Its page still answers, says what happened and links the newer upload; the newer one links back.
    const oldView = await getSubmission({ db }, { actor: asUser(users.acme), submissionId: first.submission.id });
    expect(oldView.status).toBe("superseded");
    expect(oldView.supersededBy).toBe(second.submission.id);
    expect(oldView.timeline.map((e) => e.label)).toEqual(["Uploaded", "Superseded by a newer upload"]);
    expect(oldView.path.steps.map((s) => s.label)).toEqual(["Uploaded", "Draft", "Superseded"]);
    const newView = await getSubmission({ db }, { actor: asUser(users.acme), submissionId: second.submission.id });
    expect(newView.supersedes).toEqual([first.submission.id]);
    // A superseded draft cannot be sent for review any more, and withdrawing it is refused too.
    const sendSuperseded = await appError(submitForReview(deps, { actor: asUser(users.acme), submissionId: first.submission.id, acknowledgedFindingIds: [] }));
    expect(sendSuperseded.code).toBe("CONFLICT");
    expect(sendSuperseded.message).toContain("A newer upload superseded this draft");
    expect((await appError(withdrawSubmission(deps, { actor: asUser(users.acme), submissionId: first.submission.id }))).code).toBe("CONFLICT");
    // Its files can still be downloaded.
    const file = (await db.select({ id: submissionFiles.id }).from(submissionFiles).where(eq(submissionFiles.submissionId, first.submission.id)))[0]!;
    const download = await downloadFile(deps, { actor: asUser(users.acme), submissionId: first.submission.id, fileId: file.id });
    expect(download.bytes.byteLength).toBeGreaterThan(0);
    // The audit trail names the successor.
    const [event] = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "submission.supersede"), eq(auditEvents.targetId, first.submission.id)));
    expect(event?.details).toMatchObject({ supersededById: second.submission.id });
    // Clean up: the later draft is withdrawn so the slot is free for other tests.
    await withdrawSubmission(deps, { actor: asUser(users.acme), submissionId: second.submission.id });
  });

  it("issue 16: an upload whose verdict has errors is stored as rejected, keeps its URL, and supersedes no draft", async () => {
    const { db, storage, now, users, apps } = h.current;
    const deps = { db, storage, now };
    const base = { actor: asUser(users.acme), appId: apps.acmeCheckout, environmentKey: "stage" } as const;
    const good = await acmeChain("kept-draft");
    const draft = await createSubmission(deps, { ...base, files: [pemFile("good.pem", good.leaf, good.ica, good.root)] });
    if (draft.outcome !== "created") throw new Error("draft not created");
    expect(draft.submission.status).toBe("draft");

    const bad = await acmeChain("reversed-kept");
    const rejected = await createSubmission(deps, { ...base, files: [pemFile("bad.pem", bad.root, bad.ica, bad.leaf)] });
    if (rejected.outcome !== "created") throw new Error("rejected upload not stored");
    expect(rejected.verdict.verdict).toBe("rejected");
    expect(rejected.submission.status).toBe("rejected");
    expect(rejected.supersededDraftIds).toBeUndefined();

    const [row] = await db.select().from(submissions).where(eq(submissions.id, rejected.submission.id));
    expect(row).toMatchObject({ status: "rejected", verdict: "rejected", submittedAt: null });
    expect(row!.decidedAt).not.toBeNull();
    expect((await db.select().from(findings).where(and(eq(findings.submissionId, rejected.submission.id), eq(findings.severity, "error")))).length).toBeGreaterThan(0);
    // The earlier draft survives as a draft: a broken upload does not take its place.
    const [kept] = await db.select({ status: submissions.status }).from(submissions).where(eq(submissions.id, draft.submission.id));
    expect(kept!.status).toBe("draft");

    const view = await getSubmission({ db }, { actor: asUser(users.acme), submissionId: rejected.submission.id });
    expect(view.status).toBe("rejected");
    expect(view.path.steps).toEqual([
      { label: "Uploaded", state: "done" },
      { label: "Rejected by the checks", state: "current" },
    ]);
    expect(view.path.next).toContain("upload a corrected chain");
    expect(view.stages.every((s) => s.state === "upcoming")).toBe(true);
    // It cannot be sent, nor withdrawn: it is final.
    const sendRejected = await appError(submitForReview(deps, { actor: asUser(users.acme), submissionId: rejected.submission.id, acknowledgedFindingIds: [] }));
    expect(sendRejected.code).toBe("CONFLICT");
    expect(sendRejected.message).toContain("upload a corrected chain");
    expect((await appError(withdrawSubmission(deps, { actor: asUser(users.acme), submissionId: rejected.submission.id }))).code).toBe("CONFLICT");

    // A corrected upload supersedes the draft; both earlier attempts are still there.
    const fixed = await createSubmission(deps, { ...base, files: [pemFile("fixed.pem", bad.leaf, bad.ica, bad.root)] });
    if (fixed.outcome !== "created") throw new Error("corrected upload not created");
    expect(fixed.supersededDraftIds).toEqual([draft.submission.id]);
    const all = await db.select({ id: submissions.id, status: submissions.status }).from(submissions).where(inArray(submissions.id, [draft.submission.id, rejected.submission.id, fixed.submission.id]));
    expect(new Map(all.map((r) => [r.id, r.status]))).toEqual(
      new Map([
        [draft.submission.id, "superseded"],
        [rejected.submission.id, "rejected"],
        [fixed.submission.id, "draft"],
      ]),
    );
    await withdrawSubmission(deps, { actor: asUser(users.acme), submissionId: fixed.submission.id });
  });

  it("refuses an upload holding a private key: nothing stored, an audit event without the key", async () => {
    const { db, storage, now, users, apps } = h.current;
    const chain = await acmeChain("keyed");
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", chain.leaf.keys.privateKey));
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(pkcs8).toString("base64").replace(/.{1,64}/g, "$&\n")}-----END PRIVATE KEY-----\n`;
    const keysBefore = await objectKeys();
    const rowsBefore = await rowCount(apps.acmeCheckout);
    const result = await createSubmission({ db, storage, now }, {
      actor: asUser(users.acme),
      appId: apps.acmeCheckout,
      environmentKey: "stage",
      files: [{ name: "bundle.pem", bytes: new TextEncoder().encode(chain.leaf.pem + keyPem + chain.ica.pem + chain.root.pem) }],
    });
    expect(result.outcome).toBe("refused");
    const keyFinding = result.verdict.findings.find((f) => f.code === "PRIVATE_KEY_PRESENT");
    expect(keyFinding?.severity).toBe("error");
    expect(keyFinding?.message.toLowerCase()).toContain("exposed");
    expect(await objectKeys()).toEqual(keysBefore);
    expect(await rowCount(apps.acmeCheckout)).toBe(rowsBefore);
    const events = await db.select().from(auditEvents).where(eq(auditEvents.action, "submission.key_refused"));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: "refused", actorEmail: "partner@acme.test" });
    const stored = JSON.stringify(events[0]);
    expect(stored).not.toContain("PRIVATE KEY");
    expect(stored).not.toContain(Buffer.from(pkcs8).toString("base64").slice(40, 80));
  });

  it("refuses an unsafe archive unopened: nothing stored, an upload.refused audit event", async () => {
    const { db, storage, now, users, apps } = h.current;
    const bytes = new Uint8Array(await readFile(path.resolve(process.cwd(), "../shared/testdata/zips/generated/traversal-variants.zip")));
    const keysBefore = await objectKeys();
    const result = await createSubmission({ db, storage, now }, { actor: asUser(users.acme), appId: apps.acmeCheckout, environmentKey: "stage", files: [{ name: "chain.zip", bytes }] });
    expect(result.outcome).toBe("refused");
    expect(result.verdict.findings.map((f) => f.code)).toContain("ARCHIVE_UNSAFE");
    expect(await objectKeys()).toEqual(keysBefore);
    const events = await db.select().from(auditEvents).where(eq(auditEvents.action, "upload.refused"));
    expect(events.at(-1)).toMatchObject({ outcome: "refused", organisationId: h.current.acmeOrgId });
  });

  it("an upload sent for review at once (the API) with errors is refused and stores nothing", async () => {
    const { db, storage, now, users, apps } = h.current;
    const chain = await acmeChain("reversed-api");
    const keysBefore = await objectKeys();
    const result = await createSubmission({ db, storage, now }, {
      actor: asUser(users.acme),
      appId: apps.acmeTreasury,
      environmentKey: "production",
      submit: true,
      files: [pemFile("c.pem", chain.root, chain.ica, chain.leaf)],
    });
    expect(result.outcome).toBe("rejected");
    expect(await objectKeys()).toEqual(keysBefore);
  });

  it("writes nothing to the database when storage fails, and removes what it had written", async () => {
    const { db, storage, now, users, apps } = h.current;
    const chain = await acmeChain("s3-fails");
    let puts = 0;
    const failing: Storage = {
      ...storage,
      async putEncrypted(input) {
        if (++puts === 2) throw new Error("S3 is down");
        return storage.putEncrypted(input);
      },
    };
    const keysBefore = await objectKeys();
    const rowsBefore = await rowCount(apps.acmeTreasury);
    const error = await appError(createSubmission({ db, storage: failing, now }, { actor: asUser(users.acme), appId: apps.acmeTreasury, environmentKey: "production", files: [pemFile("c.pem", chain.leaf, chain.ica, chain.root)] }));
    expect(error.code).toBe("UNAVAILABLE");
    expect(error.message).toContain("nothing was kept");
    expect(puts).toBe(2);
    expect(await rowCount(apps.acmeTreasury)).toBe(rowsBefore);
    expect(await objectKeys()).toEqual(keysBefore);
  });

  it("removes the objects it wrote when the database write fails", async () => {
    const { db, storage, now, users, apps } = h.current;
    const chain = await acmeChain("db-fails");
    const failingDb = Object.create(db, {
      transaction: { value: () => Promise.reject(new Error("connection reset")) },
    }) as typeof db;
    const keysBefore = await objectKeys();
    const error = await appError(createSubmission({ db: failingDb, storage, now }, { actor: asUser(users.acme), appId: apps.acmeTreasury, environmentKey: "production", files: [pemFile("c.pem", chain.leaf, chain.ica, chain.root)] }));
    expect(error.code).toBe("UNAVAILABLE");
    expect(error.message).not.toContain("connection reset");
    expect(await objectKeys()).toEqual(keysBefore);
  });

  it("validates limits before doing any work", async () => {
    const { db, storage, now, users, apps } = h.current;
    const deps = { db, storage, now };
    const base = { actor: asUser(users.acme), appId: apps.acmeCheckout, environmentKey: "stage" } as const;
    expect((await appError(createSubmission(deps, { ...base, files: [] }))).code).toBe("INVALID_INPUT");
    expect((await appError(createSubmission(deps, { ...base, files: [{ name: "big.pem", bytes: new Uint8Array(2 * 1024 * 1024) }] }))).code).toBe("PAYLOAD_TOO_LARGE");
    expect((await appError(createSubmission(deps, { ...base, purpose: "fun", files: [{ name: "a", bytes: new Uint8Array(3) }] }))).code).toBe("INVALID_INPUT");
    expect((await appError(createSubmission(deps, { ...base, idempotencyKey: "x", files: [{ name: "a", bytes: new Uint8Array(3) }] }))).code).toBe("INVALID_INPUT");
  });
});

describe("submit, withdraw, and the one-open-submission rule", () => {
  it("sends a draft only once every warning is acknowledged; a second upload then needs a withdrawal first", async () => {
    const { db, storage, now, users, apps } = h.current;
    const deps = { db, storage, now };
    // A 4096-bit leaf: KEY_SIZE_UNEXPECTED is a warning under self-signed-allowed.
    const chain = await acmeChain("warned", { leafKeyBits: 4096 });
    const created = await createSubmission(deps, { actor: asUser(users.acme), appId: apps.acmeCheckout, environmentKey: "stage", files: [pemFile("c.pem", chain.leaf, chain.ica, chain.root)] });
    if (created.outcome !== "created") throw new Error("not created");
    expect(created.verdict.verdict).toBe("accepted");
    const warnings = await db.select().from(findings).where(and(eq(findings.submissionId, created.submission.id), eq(findings.severity, "warning")));
    expect(warnings.map((w) => w.code)).toContain("KEY_SIZE_UNEXPECTED");

    const notAcknowledged = await appError(submitForReview(deps, { actor: asUser(users.acme), submissionId: created.submission.id, acknowledgedFindingIds: [] }));
    expect(notAcknowledged.code).toBe("INVALID_INPUT");
    expect(notAcknowledged.message).toContain("KEY_SIZE_UNEXPECTED");

    const sent = await submitForReview(deps, { actor: asUser(users.acme), submissionId: created.submission.id, acknowledgedFindingIds: warnings.map((w) => w.id) });
    expect(sent.status).toBe("in_review");
    const acknowledged = await db.select().from(findings).where(and(eq(findings.submissionId, created.submission.id), eq(findings.severity, "warning")));
    expect(acknowledged.every((w) => w.acknowledgedBy === users.acme.id && w.acknowledgedAt)).toBe(true);
    // A double click changes nothing twice.
    expect((await appError(submitForReview(deps, { actor: asUser(users.acme), submissionId: created.submission.id, acknowledgedFindingIds: warnings.map((w) => w.id) }))).code).toBe("CONFLICT");

    const other = await acmeChain("warned-2");
    const blocked = await appError(createSubmission(deps, { actor: asUser(users.acme), appId: apps.acmeCheckout, environmentKey: "stage", files: [pemFile("c.pem", other.leaf, other.ica, other.root)] }));
    expect(blocked.code).toBe("CONFLICT");
    expect(blocked.message).toContain("Withdraw it first");

    // Scheduling's events name the submission in their details (lib/scheduling); they join the timeline too.
    await recordAudit(db, { action: "enablement.schedule", targetType: "enablement", targetId: crypto.randomUUID(), outcome: "success", details: { submissionId: created.submission.id } });
    await recordAudit(db, { action: "enablement.schedule", targetType: "enablement", targetId: crypto.randomUUID(), outcome: "success", details: { submissionId: crypto.randomUUID() } });
    const view = await getSubmission({ db }, { actor: asUser(users.acme), submissionId: created.submission.id });
    expect(view.timeline.map((e) => e.label)).toEqual(["Uploaded", "Sent for review", "Enablement scheduled"]);
    expect(view.stages.find((s) => s.stage === "in_review")?.state).toBe("current");

    await withdrawSubmission(deps, { actor: asUser(users.acme), submissionId: created.submission.id });
    const after = await createSubmission(deps, { actor: asUser(users.acme), appId: apps.acmeCheckout, environmentKey: "stage", files: [pemFile("c.pem", other.leaf, other.ica, other.root)] });
    expect(after.outcome).toBe("created");
    if (after.outcome !== "created") return;

    // Reviewers ask for changes (issue 5 sets this status); the next upload answers that submission.
    await submitForReview(deps, { actor: asUser(users.acme), submissionId: after.submission.id, acknowledgedFindingIds: [] });
    await db.update(submissions).set({ status: "changes_requested" }).where(eq(submissions.id, after.submission.id));
    const answer = await createSubmission(deps, { actor: asUser(users.acme), appId: apps.acmeCheckout, environmentKey: "stage", files: [pemFile("c.pem", chain.leaf, chain.ica, chain.root)] });
    if (answer.outcome !== "created") throw new Error("not created");
    const [answerRow] = await db.select({ supersedesId: submissions.supersedesId }).from(submissions).where(eq(submissions.id, answer.submission.id));
    expect(answerRow!.supersedesId).toBe(after.submission.id);
  });

  it("refuses sending an upload whose verdict has errors (stored as rejected, issue 16)", async () => {
    const { db, storage, now, users, apps } = h.current;
    const chain = await acmeChain("reversed");
    const created = await createSubmission({ db, storage, now }, { actor: asUser(users.acme), appId: apps.acmeTreasury, environmentKey: "sandbox", purpose: "signature", files: [pemFile("c.pem", chain.root, chain.ica, chain.leaf)] });
    if (created.outcome !== "created") throw new Error("not created");
    expect(created.verdict.verdict).toBe("rejected");
    expect(created.submission.status).toBe("rejected");
    const error = await appError(submitForReview({ db, now }, { actor: asUser(users.acme), submissionId: created.submission.id, acknowledgedFindingIds: [] }));
    expect(error.code).toBe("CONFLICT");
  });
});

describe("checks across records", () => {
  it("warns when the key is registered in another environment of the app, and refuses another organisation using it", async () => {
    const { db, storage, now, users, apps } = h.current;
    const deps = { db, storage, now };
    const chain = await acmeChain("shared");
    const files = [pemFile("c.pem", chain.leaf, chain.ica, chain.root)];
    const created = await createSubmission(deps, { actor: asUser(users.acme), appId: apps.acmeCheckout, environmentKey: "production", files });
    if (created.outcome !== "created") throw new Error("not created");
    // A draft registers nothing yet.
    const beforeSending = await createSubmission(deps, { actor: asUser(users.globex), appId: apps.globexPayouts, environmentKey: "stage", files });
    expect(beforeSending.verdict.findings.map((f) => f.code)).not.toContain("KEY_REUSED_ACROSS_PARTNERS");
    await submitForReview(deps, { actor: asUser(users.acme), submissionId: created.submission.id, acknowledgedFindingIds: [] });

    const again = await createSubmission(deps, { actor: asUser(users.acme), appId: apps.acmeCheckout, environmentKey: "stage", files });
    const reuse = again.verdict.findings.find((f) => f.code === "KEY_REUSED_ACROSS_ENVIRONMENTS");
    expect(reuse?.severity).toBe("warning");
    expect(again.verdict.verdict).toBe("accepted");

    const purpose = await createSubmission(deps, { actor: asUser(users.acme), appId: apps.acmeCheckout, environmentKey: "production", purpose: "signature", files });
    expect(purpose.verdict.findings.find((f) => f.code === "KEY_REUSED_ACROSS_PURPOSES")?.severity).toBe("error");

    const globex = await createSubmission(deps, { actor: asUser(users.globex), appId: apps.globexPayouts, environmentKey: "production", files });
    const stolen = globex.verdict.findings.find((f) => f.code === "KEY_REUSED_ACROSS_PARTNERS");
    expect(stolen?.severity).toBe("error");
    // The other organisation is never named.
    expect(stolen?.message).not.toContain("Acme");
  });

  it("notes a certificate that is already active here", async () => {
    const { db, storage, now, users, apps } = h.current;
    const deps = { db, storage, now };
    const chain = await acmeChain("active");
    const files = [pemFile("c.pem", chain.leaf, chain.ica, chain.root)];
    const created = await createSubmission(deps, { actor: asUser(users.acme), appId: apps.acmeTreasury, environmentKey: "sandbox", files });
    if (created.outcome !== "created") throw new Error("not created");
    // What the enablement job does when the certificate goes live (issue 6); set directly here.
    await db.update(submissions).set({ status: "active" }).where(eq(submissions.id, created.submission.id));
    await db.update(certificates).set({ status: "active" }).where(eq(certificates.submissionId, created.submission.id));
    const again = await createSubmission(deps, { actor: asUser(users.acme), appId: apps.acmeTreasury, environmentKey: "sandbox", files });
    expect(again.verdict.findings.find((f) => f.code === "CERT_ALREADY_ACTIVE")?.severity).toBe("info");
  });
});

describe("tenancy", () => {
  it("another organisation can neither upload to, see, download from, send nor withdraw Acme's submissions", async () => {
    const { db, storage, now, users, apps } = h.current;
    const deps = { db, storage, now };
    const chain = await acmeChain("tenancy");
    const files = [pemFile("c.pem", chain.leaf, chain.ica, chain.root)];
    const globex = asUser(users.globex);
    expect((await appError(createSubmission(deps, { actor: globex, appId: apps.acmeCheckout, environmentKey: "stage", purpose: "signature", files }))).code).toBe("NOT_FOUND");

    const created = await createSubmission(deps, { actor: asUser(users.acme), appId: apps.acmeCheckout, environmentKey: "production", purpose: "signature", files: [pemFile("c.pem", chain.leaf, chain.ica, chain.root)] });
    if (created.outcome !== "created") throw new Error("not created");
    const id = created.submission.id;
    const [file] = await db.select().from(submissionFiles).where(eq(submissionFiles.submissionId, id));
    expect((await appError(getSubmission({ db }, { actor: globex, submissionId: id }))).code).toBe("NOT_FOUND");
    expect((await appError(downloadFile(deps, { actor: globex, submissionId: id, fileId: file!.id }))).code).toBe("NOT_FOUND");
    expect((await appError(submitForReview(deps, { actor: globex, submissionId: id, acknowledgedFindingIds: [] }))).code).toBe("NOT_FOUND");
    expect((await appError(withdrawSubmission(deps, { actor: globex, submissionId: id }))).code).toBe("NOT_FOUND");
    const refused = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "submission.file.download"), eq(auditEvents.outcome, "refused"), eq(auditEvents.targetId, id)));
    expect(refused).toHaveLength(1);

    // Staff see it (reviewers need to) but cannot act for the partner.
    const reviewer = asUser(users.reviewer);
    expect((await getSubmission({ db }, { actor: reviewer, submissionId: id })).organisation.id).toBe(h.current.acmeOrgId);
    expect((await appError(createSubmission(deps, { actor: reviewer, appId: apps.acmeCheckout, environmentKey: "production", purpose: "signature", files }))).code).toBe("FORBIDDEN");
    expect((await appError(getSubmission({ db }, { actor: asUser(users.acme), submissionId: "not-a-uuid" }))).code).toBe("NOT_FOUND");
  });

  it("treats a mismatched idempotency key reuse as a conflict, not a silent answer", async () => {
    const { db, storage, now, users, apps } = h.current;
    const chain = await acmeChain("idem-2");
    const files = [pemFile("c.pem", chain.leaf, chain.ica, chain.root)];
    const key = "idem-key-shared-1";
    await createSubmission({ db, storage, now }, { actor: asUser(users.acme), appId: apps.acmeTreasury, environmentKey: "production", purpose: "signature", files, idempotencyKey: key });
    const error = await appError(createSubmission({ db, storage, now }, { actor: asUser(users.acme), appId: apps.acmeCheckout, environmentKey: "production", files, idempotencyKey: key }));
    expect(error.code).toBe("CONFLICT");
    // Another organisation's use of the same key is its own.
    const other = await mintCertificate({ subject: "CN=Globex Financial Client, O=Globex Financial", keyLabel: "globex-idem" });
    const globex = await createSubmission({ db, storage, now }, { actor: asUser(users.globex), appId: apps.globexPayouts, environmentKey: "stage", purpose: "signature", files: [pemFile("g.pem", other)], idempotencyKey: key });
    expect(globex.outcome).toBe("created");
  });
});
