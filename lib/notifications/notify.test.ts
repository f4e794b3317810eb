import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { emailOutbox, memberships, notifications, organisations, users, type Database } from "@/lib/db";
import { seedDemo } from "@/lib/db/seed";
import { setupTestDatabase } from "@/lib/db/testing";
import { EXAMPLE_PROGRAM_RECORDS } from "@/lib/policy";
import { deliverPendingEmails, outboxSender, renderEmail } from "./email";
import { listNotifications, markRead, notify, unreadCount } from "./notify";

const t = setupTestDatabase();
const ids: Record<string, string> = {};

beforeAll(async () => {
  const db = t.current.db;
  await seedDemo(db, { programs: EXAMPLE_PROGRAM_RECORDS });
  for (const u of await db.select({ id: users.id, email: users.email }).from(users)) ids[u.email] = u.id;
  for (const o of await db.select({ id: organisations.id, slug: organisations.slug }).from(organisations)) ids[o.slug] = o.id;
});

const publicUrl = "https://certdesk.example";

async function inbox(db: Database, email: string) {
  return listNotifications(db, ids[email]!);
}

describe("notify", () => {
  it("reaches every partner member of an organisation, and only them, in-app and by e-mail", () =>
    t.current.rollback(async (db) => {
      const result = await notify(db, {
        organisationId: ids["acme-payments"],
        kind: "submission.approved",
        title: "Certificate approved",
        body: "Your production certificate was approved.",
        link: "/apps/x/environments/production",
        email: true,
        publicUrl,
      });
      expect(result).toEqual({ recipients: 1, emails: 1 });
      expect((await inbox(db, "partner@acme.test")).map((n) => n.title)).toEqual(["Certificate approved"]);
      expect(await inbox(db, "partner@globex.test")).toEqual([]);
      expect(await inbox(db, "reviewer1@certdesk.test")).toEqual([]);
      const mails = await db.select().from(emailOutbox);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.to).toBe("partner@acme.test");
      expect(mails[0]!.text).toContain("https://certdesk.example/apps/x/environments/production");
    }));

  it("addresses staff by role in the provider organisation only, each user once", () =>
    t.current.rollback(async (db) => {
      // A partner organisation granting itself a reviewer membership must not receive staff notices.
      await db.insert(memberships).values({ userId: ids["partner@globex.test"]!, organisationId: ids["globex-financial"]!, role: "reviewer" });
      const result = await notify(db, {
        roles: ["reviewer"],
        userIds: [ids["reviewer1@certdesk.test"]!],
        kind: "queue.new",
        title: "New submission",
        body: "b",
      });
      expect(result).toEqual({ recipients: 2, emails: 0 });
      expect(await inbox(db, "reviewer1@certdesk.test")).toHaveLength(1);
      expect(await inbox(db, "reviewer2@certdesk.test")).toHaveLength(1);
      expect(await inbox(db, "partner@globex.test")).toEqual([]);
      expect(await db.select().from(emailOutbox)).toEqual([]);
    }));

  it("skips disabled users and stores only same-origin links", () =>
    t.current.rollback(async (db) => {
      await db.update(users).set({ disabled: true }).where(eq(users.id, ids["reviewer2@certdesk.test"]!));
      const result = await notify(db, { roles: ["reviewer"], kind: "k", title: "t", body: "b", link: "javascript:alert(1)" });
      expect(result.recipients).toBe(1);
      const [n] = await db.select().from(notifications);
      expect(n!.link).toBeNull();
    }));

  it("counts unread and marks read only the caller's own notifications", () =>
    t.current.rollback(async (db) => {
      await notify(db, { userIds: [ids["partner@acme.test"]!, ids["partner@globex.test"]!], kind: "k", title: "one", body: "b" });
      await notify(db, { userIds: [ids["partner@acme.test"]!], kind: "k", title: "two", body: "b" });
      const acme = ids["partner@acme.test"]!;
      const globex = ids["partner@globex.test"]!;
      expect(await unreadCount(db, acme)).toBe(2);
      const globexItem = (await listNotifications(db, globex))[0]!;
      // Another user's id (and a malformed one) changes nothing.
      expect(await markRead(db, acme, [globexItem.id, "not-a-uuid"])).toBe(0);
      expect(await unreadCount(db, globex)).toBe(1);
      const [newest] = await listNotifications(db, acme);
      expect(newest!.title).toBe("two");
      expect(await markRead(db, acme, [newest!.id])).toBe(1);
      expect(await unreadCount(db, acme)).toBe(1);
      expect(await markRead(db, acme)).toBe(1);
      expect(await unreadCount(db, acme)).toBe(0);
      expect(await listNotifications(db, acme, { unreadOnly: true })).toEqual([]);
    }));
});

describe("e-mail", () => {
  it("escapes partner text in HTML and keeps headers on one line", () => {
    const mail = renderEmail({
      to: "a@b.test",
      title: "Changes requested\r\nBcc: victim@example.com",
      body: "<script>alert(1)</script>",
      link: "//evil.example/x",
      publicUrl,
    });
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("&lt;script&gt;");
    expect(mail.html).not.toContain("evil.example");
    expect(mail.text).not.toContain("evil.example");
  });

  it("delivers pending outbox rows once", () =>
    t.current.rollback(async (db) => {
      await notify(db, { userIds: [ids["partner@acme.test"]!], kind: "k", title: "t", body: "b", email: true, publicUrl });
      const sent: string[] = [];
      const sender = { ...outboxSender, send: async (m: { to: string }) => (sent.push(m.to), { providerMessageId: "m-1" }) };
      expect(await deliverPendingEmails(db, { sender, from: "x@y" })).toEqual({ sent: 1 });
      expect(await deliverPendingEmails(db, { sender, from: "x@y" })).toEqual({ sent: 0 });
      expect(sent).toEqual(["partner@acme.test"]);
      const [row] = await db.select().from(emailOutbox);
      expect(row!.providerMessageId).toBe("m-1");
      expect(row!.sentAt).toBeInstanceOf(Date);
    }));
});

describe("outbox", () => {
  it("lists rendered e-mails newest first, for the provider's admins only", () =>
    t.current.rollback(async (db) => {
      const { listOutboxEmails } = await import("./outbox");
      const { loadSessionUser } = await import("@/lib/auth/access");
      await notify(db, { userIds: [ids["partner@acme.test"]!], kind: "k", title: "first", body: "b", email: true, publicUrl });
      await notify(db, { userIds: [ids["partner@acme.test"]!], kind: "k", title: "second", body: "b", email: true, publicUrl });
      const admin = (await loadSessionUser(db, ids["admin@certdesk.test"]!))!;
      const mails = await listOutboxEmails(db, { viewer: admin });
      expect(mails.map((m) => m.subject)).toEqual(["Certdesk: second", "Certdesk: first"]);
      const reviewer = (await loadSessionUser(db, ids["reviewer1@certdesk.test"]!))!;
      await expect(listOutboxEmails(db, { viewer: reviewer })).rejects.toMatchObject({ code: "FORBIDDEN" });
    }));
});
