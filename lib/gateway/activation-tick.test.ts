/**
 * On time on AWS without waking the database: the per-minute tick reads S3 due markers
 * (real S3 client against the embedded server) and invokes the jobs Lambda (real Lambda
 * client, fake endpoint) only when a window is due or one minute ahead of it.
 */
import "reflect-metadata";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { createS3Client } from "@/lib/storage";
import { activateEnablements } from "@/lib/jobs/activate-enablements";
import { mintCertificate } from "@/lib/pki/testing/factory";
import { scheduleEnablement } from "@/lib/scheduling/schedule-enablement";
import { asUser, createTestApp, insertCertificateSubmission, setupSchedulingHarness } from "@/lib/scheduling/testing";
import { createOneOffWindow } from "@/lib/scheduling/windows";
import { DUE_PREFIX, dueAt, dueKey, markActivationDue } from "./activation-due";
import { createActivationTick, lambdaJobInvoker, s3DueLister } from "./activation-tick";

const h = setupSchedulingHarness();
const T0 = new Date("2026-03-02T09:00:00Z");
const WINDOW = new Date("2026-03-05T10:00:00Z");
const EC = { algorithm: "EC", curve: "P-256" } as const;

function fakeLambda() {
  const invocations: { path: string; headers: Record<string, string>; payload: unknown }[] = [];
  const client = new LambdaClient({
    region: "eu-west-1",
    credentials: { accessKeyId: "TEST", secretAccessKey: "TEST" },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { path: string; headers: Record<string, string>; body?: unknown }) => {
        const body = request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : String(request.body ?? "");
        invocations.push({ path: request.path, headers: request.headers, payload: JSON.parse(body) });
        return { response: { statusCode: 202, headers: {}, body: new Uint8Array() } };
      },
    } as never,
  });
  return { client, invocations };
}

let tickAt: (now: Date) => ReturnType<ReturnType<typeof createActivationTick>>;
let lambda: ReturnType<typeof fakeLambda>;

beforeAll(() => {
  lambda = fakeLambda();
  const list = s3DueLister(createS3Client(h.current.config), h.current.config.s3.bucket);
  tickAt = (now) => createActivationTick({ listDueKeys: list, invokeJob: lambdaJobInvoker(lambda.client, "certdesk-production-JobsFunction"), now: () => now })();
});

describe("due markers and the per-minute tick", () => {
  it("keys sort chronologically and round-trip", () => {
    expect(dueKey(WINDOW)).toBe(`${DUE_PREFIX}20260305T100000Z`);
    expect(dueAt(dueKey(WINDOW))).toEqual(WINDOW);
    expect([dueKey(new Date("2026-12-01T00:00:00Z")), dueKey(new Date("2026-03-05T10:00:00Z"))].sort()[0]).toBe(dueKey(WINDOW));
  });

  it("a booking's window: nothing invoked before, a warm-up a minute ahead, the job at the window; the job plans the next and drops served markers", async () => {
    const { db, acmeOrgId, users } = h.current;
    const app = await createTestApp(db, { organisationId: acmeOrgId, name: "Tick App" });
    const leaf = await mintCertificate({ subject: "CN=Tick client, O=Acme Payments Ltd", keys: EC, keyLabel: "tick:leaf" });
    const { submissionId } = await insertCertificateSubmission(db, { app, organisationId: acmeOrgId, environment: "production", chain: [leaf], status: "approved", approvedAt: T0 });
    const support = asUser(users.support);
    const { id: windowId } = await createOneOffWindow(db, { actor: support, now: T0, window: { programId: app.programId, environmentKey: "production", startsAt: WINDOW, durationMinutes: 60, capacity: 3 } });
    const booked = await scheduleEnablement(db, { actor: support, now: T0, submissionId, windowId });
    // What the support action does after a booking.
    await markActivationDue(h.current.storage, booked.startsAt!);

    expect(await tickAt(T0)).toEqual({ invoked: false });
    expect(await tickAt(new Date(WINDOW.getTime() - 5 * 60_000))).toEqual({ invoked: false });
    expect(lambda.invocations).toHaveLength(0);
    expect(await tickAt(new Date(WINDOW.getTime() - 60_000))).toEqual({ invoked: true, reason: "warm-up", at: WINDOW.toISOString() });
    expect(await tickAt(new Date(WINDOW.getTime() + 20_000))).toEqual({ invoked: true, reason: "due", at: WINDOW.toISOString() });
    expect(lambda.invocations).toHaveLength(2);
    expect(lambda.invocations[1]).toMatchObject({ path: "/2015-03-31/functions/certdesk-production-JobsFunction/invocations", headers: { "x-amz-invocation-type": "Event" }, payload: { job: "activate-enablements" } });

    // The job runs at the window: activates, and plans the certificate's expiry as the next instant.
    const report = await activateEnablements({ db, storage: h.current.storage, now: new Date(WINDOW.getTime() + 20_000), log: () => undefined });
    expect(report.activated).toHaveLength(1);
    const keys = await h.current.storage.listKeys(DUE_PREFIX);
    expect(keys).toContain(dueKey(WINDOW)); // kept for two minutes: a booking racing this run still gets a tick
    expect(keys).toContain(dueKey(leaf.cert.notAfter));
    await activateEnablements({ db, storage: h.current.storage, now: new Date(WINDOW.getTime() + 3 * 60_000), log: () => undefined });
    expect(await h.current.storage.listKeys(DUE_PREFIX)).not.toContain(dueKey(WINDOW));
    const before = lambda.invocations.length;
    expect(await tickAt(new Date(WINDOW.getTime() + 4 * 60_000))).toMatchObject({ invoked: false });
    expect(lambda.invocations).toHaveLength(before);
  });
});
