import Link from "next/link";
import { auditTargetHref } from "@/lib/navigation/links";

/** Issue 16 item 8: an audit event's target, its id linked to its page when it has one. */
export function AuditTarget({ type, id }: { type: string | null | undefined; id: string | null | undefined }) {
  if (!type) return <>—</>;
  const href = auditTargetHref(type, id);
  return (
    <>
      {type}{" "}
      {href ? (
        <Link href={href}>
          {id}
          <span className="visually-hidden"> (open the {type.replace(/_/g, " ")})</span>
        </Link>
      ) : (
        (id ?? "")
      )}
    </>
  );
}
