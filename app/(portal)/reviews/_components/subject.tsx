/** Issue 16: a certificate subject as a reviewer reads it — the common name first, the full name below, wrapping at a readable width. */
import { subjectHeadline } from "@/lib/reviews/subject";
import styles from "../reviews.module.css";

export function Subject({ dn }: { dn: string | null | undefined }) {
  if (!dn) return <>—</>;
  const { headline, full, shortened } = subjectHeadline(dn);
  return (
    <span className={styles.subject}>
      <span className={styles.cn}>{headline}</span>
      {shortened ? <span className={`mono meta ${styles.dn}`}>{full}</span> : null}
    </span>
  );
}
