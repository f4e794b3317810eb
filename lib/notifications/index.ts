export { notify, listNotifications, unreadCount, markRead, resolveNotifications } from "./notify";
export type { NotifyInput, NotifyResult, NotificationItem } from "./notify";
export { renderEmail, deliverPendingEmails, outboxSender, escapeHtml } from "./email";
export type { EmailSender, RenderedEmail } from "./email";
export { listOutboxEmails } from "./outbox";
export type { OutboxEmail } from "./outbox";
