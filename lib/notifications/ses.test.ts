/**
 * The SES sender through the real SESv2 client, its transport replaced by a request handler
 * that answers on the wire protocol (REST-JSON) like SES does; and outbox delivery with
 * retries, backoff and failures recorded.
 */
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { emailOutbox, users } from "@/lib/db";
import { seedDemo } from "@/lib/db/seed";
import { setupTestDatabase } from "@/lib/db/testing";
import { EXAMPLE_PROGRAM_RECORDS } from "@/lib/policy";
import { loadSessionUser } from "@/lib/auth/access";
import { deliverPendingEmails, MAX_DELIVERY_ATTEMPTS, retryDelayMs } from "./email";
import { notify } from "./notify";
import { listOutboxEmails } from "./outbox";
import { sesSender } from "./ses";

type WireRequest = { method: string; path: string; headers: Record<string, string>; body?: string | Uint8Array };
type Answer = { status: number; body: unknown; errorType?: string };

/** A real SESv2 client whose transport records requests and answers with `answers` in turn. */
function fakeSes(answers: Answer[]) {
  const requests: { method: string; path: string; authorization: string; body: Record<string, unknown> }[] = [];
  const handle = async (request: WireRequest) => {
    const body = typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body);
    requests.push({ method: request.method, path: request.path, authorization: request.headers.authorization ?? "", body: JSON.parse(body) });
    const answer = answers.shift() ?? { status: 200, body: { MessageId: `m-${requests.length}` } };
    return {
      response: {
        statusCode: answer.status,
        headers: { "content-type": "application/json", ...(answer.errorType ? { "x-amzn-errortype": answer.errorType } : {}) },
        body: new TextEncoder().encode(JSON.stringify(answer.body)),
      },
    };
  };
  const client = new SESv2Client({ region: "eu-west-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" }, requestHandler: { handle } as never, maxAttempts: 1 });
  return { client, requests };
}

const t = setupTestDatabase();
const ids: Record<string, string> = {};
const publicUrl = "https://certdesk.example";
const FROM = "Certdesk <no-reply@example-bank.com>";

beforeAll(async () => {
  await seedDemo(t.current.db, { programs: EXAMPLE_PROGRAM_RECORDS });
  for (const u of await t.current.db.select({ id: users.id, email: users.email }).from(users)) ids[u.email] = u.id;
});

describe("sesSender", () => {
  it("sends a simple message with text, HTML and the .ics attachment through SESv2 SendEmail, signed", async () => {
    const ses = fakeSes([{ status: 200, body: { MessageId: "0100-abc" } }]);
    const ics = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
    const result = await sesSender({ client: ses.client }).send({
      from: FROM,
      to: "partner@acme.test",
      subject: "Certdesk: window booked",
      text: "plain",
      html: "<p>html</p>",
      attachments: [{ filename: "window.ics", contentType: "text/calendar", contentBase64: Buffer.from(ics).toString("base64") }],
    });
    expect(result).toEqual({ providerMessageId: "0100-abc" });
    const [request] = ses.requests;
    expect(request!.method).toBe("POST");
    expect(request!.path).toBe("/v2/email/outbound-emails");
    expect(request!.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/ses\/aws4_request/);
    expect(request!.body).toMatchObject({
      FromEmailAddress: FROM,
      Destination: { ToAddresses: ["partner@acme.test"] },
      Content: {
        Simple: {
          Subject: { Data: "Certdesk: window booked", Charset: "UTF-8" },
          Body: { Text: { Data: "plain" }, Html: { Data: "<p>html</p>" } },
          Attachments: [{ FileName: "window.ics", ContentType: "text/calendar", ContentDisposition: "ATTACHMENT", RawContent: Buffer.from(ics).toString("base64") }],
        },
      },
    });
  });

  it("surfaces SES's refusal as an error naming its type", async () => {
    const ses = fakeSes([{ status: 400, errorType: "MessageRejected", body: { message: "Email address is not verified." } }]);
    await expect(sesSender({ client: ses.client }).send({ from: FROM, to: "x@y.test", subject: "s", text: "t", html: "" })).rejects.toThrow(/not verified/);
  });
});

describe("outbox delivery through SES", () => {
  it("retries with backoff, records each failure, and sends once SES accepts", () =>
    t.current.rollback(async (db) => {
      await notify(db, {
        userIds: [ids["partner@acme.test"]!],
        kind: "k",
        title: "Window booked",
        body: "b",
        email: true,
        publicUrl,
        attachments: [{ filename: "w.ics", contentType: "text/calendar", contentBase64: Buffer.from("BEGIN:VCALENDAR").toString("base64") }],
      });
      const ses = fakeSes([
        { status: 429, errorType: "TooManyRequestsException", body: { message: "Maximum sending rate exceeded." } },
        { status: 500, errorType: "InternalFailure", body: { message: "boom" } },
      ]);
      const sender = sesSender({ client: ses.client });
      const t0 = new Date("2027-01-01T10:00:00Z");
      const first = await deliverPendingEmails(db, { sender, from: FROM, now: t0 });
      expect(first).toMatchObject({ sent: 0, failures: 1, gaveUp: 0, failed: { message: expect.stringContaining("Maximum sending rate") } });
      let [row] = await db.select().from(emailOutbox);
      expect(row).toMatchObject({ attempts: 1, sentAt: null, failedAt: null, lastError: expect.stringContaining("TooManyRequests") });
      expect(row!.nextAttemptAt!.getTime()).toBe(t0.getTime() + retryDelayMs(1));
      // Not due yet: nothing is tried.
      expect(await deliverPendingEmails(db, { sender, from: FROM, now: new Date(t0.getTime() + 30_000) })).toEqual({ sent: 0 });
      expect(ses.requests).toHaveLength(1);
      const t1 = new Date(t0.getTime() + retryDelayMs(1));
      expect(await deliverPendingEmails(db, { sender, from: FROM, now: t1 })).toMatchObject({ sent: 0, failures: 1 });
      [row] = await db.select().from(emailOutbox);
      expect(row!.attempts).toBe(2);
      expect(row!.nextAttemptAt!.getTime()).toBe(t1.getTime() + retryDelayMs(2));
      expect(retryDelayMs(2)).toBe(2 * retryDelayMs(1));
      expect(await deliverPendingEmails(db, { sender, from: FROM, now: new Date(t1.getTime() + retryDelayMs(2)) })).toEqual({ sent: 1 });
      [row] = await db.select().from(emailOutbox);
      expect(row).toMatchObject({ attempts: 3, providerMessageId: "m-3", lastError: null });
      expect(row!.sentAt).toBeInstanceOf(Date);
      // The attachment went with it.
      expect(ses.requests[2]!.body).toMatchObject({ Content: { Simple: { Attachments: [{ FileName: "w.ics" }] } } });
      // Sent rows are never sent again.
      expect(await deliverPendingEmails(db, { sender, from: FROM, now: new Date(t1.getTime() + 10 * 86_400_000) })).toEqual({ sent: 0 });
      expect(ses.requests).toHaveLength(3);
    }));

  it(`gives up after ${MAX_DELIVERY_ATTEMPTS} attempts, marks the row failed, and admins see it`, () =>
    t.current.rollback(async (db) => {
      await notify(db, { userIds: [ids["partner@acme.test"]!], kind: "k", title: "Doomed", body: "b", email: true, publicUrl });
      const ses = fakeSes(Array.from({ length: 20 }, () => ({ status: 400, errorType: "MessageRejected", body: { message: "Email address is not verified." } })));
      const sender = sesSender({ client: ses.client });
      let now = new Date("2027-02-01T00:00:00Z");
      for (let i = 0; i < MAX_DELIVERY_ATTEMPTS + 3; i++) {
        await deliverPendingEmails(db, { sender, from: FROM, now });
        now = new Date(now.getTime() + 7 * 60 * 60_000);
      }
      expect(ses.requests).toHaveLength(MAX_DELIVERY_ATTEMPTS);
      const [row] = await db.select().from(emailOutbox).where(eq(emailOutbox.subject, "Certdesk: Doomed"));
      expect(row).toMatchObject({ attempts: MAX_DELIVERY_ATTEMPTS, sentAt: null, lastError: expect.stringContaining("not verified") });
      expect(row!.failedAt).toBeInstanceOf(Date);
      const admin = (await loadSessionUser(db, ids["admin@certdesk.test"]!))!;
      const [listed] = await listOutboxEmails(db, { viewer: admin });
      expect(listed).toMatchObject({ subject: "Certdesk: Doomed", failedAt: expect.any(Date), lastError: expect.stringContaining("not verified") });
    }));
});
