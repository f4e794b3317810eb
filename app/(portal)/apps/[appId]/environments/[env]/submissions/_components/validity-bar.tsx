import styles from "./submissions.module.css";

const DAY_MS = 86_400_000;

/** Whole days of a certificate's lifetime (notBefore → notAfter), at least 1. */
export function lifetimeDays(c: { notBefore: Date; notAfter: Date }): number {
  return Math.max(1, Math.round((c.notAfter.getTime() - c.notBefore.getTime()) / DAY_MS));
}

/**
 * Issue 16: a certificate's validity as a bar whose length is proportional to its lifetime — the
 * longest-lived certificate of the chain (usually the root) gets the full width, a 61-day leaf a
 * sliver of it — and whose fill is the part still ahead. The colour thresholds scale with the
 * lifetime too (30 and 90 days, or 15 % and 50 % of a shorter one), so a certificate issued today
 * with a short validity does not look like one about to expire.
 */
export function ValidityBar({ notBefore, notAfter, now, longestDays }: { notBefore: Date; notAfter: Date; now: Date; longestDays: number }) {
  const total = lifetimeDays({ notBefore, notAfter });
  const left = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
  const remaining = Math.min(total, Math.max(0, left));
  const share = Math.min(1, total / Math.max(total, longestDays));
  const low = Math.min(30, Math.round(total * 0.15));
  const high = Math.min(90, Math.max(low, Math.round(total * 0.5)));
  return (
    <>
      <span className={styles.validityTrack}>
        <meter
          className={styles.validity}
          style={{ width: `${(share * 100).toFixed(2)}%` }}
          min={0}
          max={total}
          low={low}
          high={high}
          optimum={total}
          value={remaining}
          aria-label={`Days remaining of ${total}`}
          data-lifetime-days={total}
        >
          {remaining} of {total} days
        </meter>
      </span>
      {left >= 0 ? `${left} days remaining of ${total}` : `expired ${-left} days ago`} ({notBefore.toISOString().slice(0, 10)} → {notAfter.toISOString().slice(0, 10)})
    </>
  );
}
