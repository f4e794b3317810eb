import Link from "next/link";
import type { ReactNode } from "react";
import { findingHelpHref } from "@/lib/help/links";
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
  { severity: "error", title: "Errors", intro: "These block the submission. They are listed in the order to fix them: the upload and its trust first, then the chain, then the certificate's fields." },
  { severity: "warning", title: "Warnings", intro: "These do not block on their own; the reviewers weigh each one." },
  { severity: "info", title: "For the record", intro: "Nothing to do." },
] as const;

/** Issue 16: "acknowledge" only where the partner can (a draft without errors, with the send-for-review form above the findings). */
const ACKNOWLEDGE_INTRO = "Acknowledge each one in the form above before sending for review; the reviewers see them too.";

/**
 * Findings grouped by severity, each with its code, certificate, message and fix, in the order the
 * verdict gives them (lib/policy orderFindings: fix first). `acknowledge` says the partner can
 * acknowledge the warnings here; elsewhere (a rejected upload, a submission under review, the
 * refusal of an upload) the warnings are not presented as something to acknowledge.
 */
export function FindingsList({ findings, empty, acknowledge = false }: { findings: FindingItem[]; empty?: ReactNode; acknowledge?: boolean }) {
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
            <p className="meta">{g.severity === "warning" && acknowledge ? ACKNOWLEDGE_INTRO : g.intro}</p>
            <ul className={styles.findings}>
              {items.map((f, i) => (
                <li key={f.id ?? `${f.code}-${i}`} className={`${styles.finding} ${styles[`finding_${f.severity}`]}`} data-code={f.code}>
                  {/* Issue 16 item 9: each code opens its entry in the help. */}
                  <Link className={styles.code} href={findingHelpHref(f.code)}>
                    {f.code}
                    <span className="visually-hidden"> (what this code means)</span>
                  </Link>
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
