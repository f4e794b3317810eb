/**
 * Issue 16 item 8: where an id shown on a page leads. Every target is a page that resolves the
 * id for the viewer (another tenant's id is a 404 there, never a 403), so a link is safe to
 * show to any role that sees the id.
 */
export const submissionHref = (submissionId: string) => `/submissions/${encodeURIComponent(submissionId)}`;
export const certificateHref = (certificateId: string) => `/certificates/${encodeURIComponent(certificateId)}`;
export const appHref = (appId: string) => `/apps/${encodeURIComponent(appId)}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The page of an audit event's target, when it has one (submissions, certificates, apps). */
export function auditTargetHref(targetType: string | null | undefined, targetId: string | null | undefined): string | null {
  if (!targetType || !targetId || !UUID.test(targetId)) return null;
  switch (targetType) {
    case "submission":
      return submissionHref(targetId);
    case "certificate":
    case "certificates":
      return certificateHref(targetId);
    case "developer_app":
      return appHref(targetId);
    default:
      return null;
  }
}
