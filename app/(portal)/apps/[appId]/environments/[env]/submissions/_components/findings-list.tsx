import type { ReactNode } from "react";
import styles from "./submissions.module.css";

export type FindingItem = {
  id?: string;
  code: string;
  severity: "error" | "warning" | "info";
  certificate?: { position: number; subject: string | null } | null;
  message: string;
  fix?: string | null;
};

const GROUPS = [
  { severity: "error", title: "Errors", intro: "These block the submission." },
  { severity: "warning", title: "Warnings", intro: "Acknowledge each one before sending for review; the reviewers see them too." },
  { severity: "info", title: "For the record", intro: "Nothing to do." },
] as const;

/** Findings grouped by severity, each with its code, certificate, message and fix. */
export function FindingsList({ findings, empty }: { findings: FindingItem[]; empty?: ReactNode }) {
  if (findings.length === 0) return <>{empty ?? <p>No findings: the upload meets every rule of the program.</p>}</>;
  return (
    <>
      {GROUPS.map((g) => {
        const items = findings.filter((f) => f.severity === g.severity);
        if (items.length === 0) return null;
        return (
          <section key={g.severity} className={styles.findingGroup} aria-labelledby={`findings-${g.severity}`}>
            <h3 id={`findings-${g.severity}`}>
              {g.title} ({items.length})
            </h3>
            <p className="meta">{g.intro}</p>
            <ul className={styles.findings}>
              {items.map((f, i) => (
                <li key={f.id ?? `${f.code}-${i}`} className={`${styles.finding} ${styles[`finding_${f.severity}`]}`} data-code={f.code}>
                  <span className={styles.code}>{f.code}</span>
                  {f.certificate && f.certificate.position >= 0 ? (
                    <span className="meta">
                      {" "}
                      · certificate {f.certificate.position + 1}
                      {f.certificate.subject ? <>: <span className="mono">{f.certificate.subject}</span></> : null}
                    </span>
                  ) : null}
                  <p>{f.message}</p>
                  {f.fix ? (
                    <p>
                      <strong>Fix: </strong>
                      <span className={styles.fix}>{f.fix}</span>
                    </p>
                  ) : null}
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </>
  );
}
