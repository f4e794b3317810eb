import Link from "next/link";
import { submissionStatusLabel } from "@/app/_data/certificate-status";
import { Badge, DateTime, TableRegion } from "@/app/_components/ui";
import { tableClassName } from "@/app/_components/data-table";

/** One upload as the app and environment pages list it (issue 16 items 3 and 8). */
export type SubmissionRow = {
  id: string;
  kind: "chain" | "csr";
  purpose: string;
  status: Parameters<typeof submissionStatusLabel>[0];
  verdict: string;
  leafSubject: string | null;
  createdAt: Date;
  errors?: number;
  warnings?: number;
};

function counts(s: SubmissionRow): string {
  const parts = [s.errors ? `${s.errors} ${s.errors === 1 ? "error" : "errors"}` : "", s.warnings ? `${s.warnings} ${s.warnings === 1 ? "warning" : "warnings"}` : ""];
  return parts.filter(Boolean).join(", ");
}

/**
 * Uploads with their verdict and status, each linked to its page; cards on a phone.
 * `environmentHref`: the environment page the submission pages live under.
 */
export function SubmissionsTable({ label, environmentHref, rows, testId }: { label: string; environmentHref: string; rows: SubmissionRow[]; testId?: string }) {
  return (
    <TableRegion label={label}>
      <table className={tableClassName("cards")} data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">Uploaded</th>
            <th scope="col">Kind</th>
            <th scope="col">Leaf subject</th>
            <th scope="col">Verdict</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.id}>
              <td>
                <Link href={`${environmentHref}/submissions/${s.id}`}>
                  <DateTime value={s.createdAt} />
                </Link>
              </td>
              <td data-label="Kind">
                {s.kind === "csr" ? "CSR" : "Certificate chain"} ({s.purpose})
              </td>
              <td className="mono" data-label="Leaf subject">
                {s.leafSubject ?? "—"}
              </td>
              <td data-label="Verdict">
                <Badge tone={s.verdict === "accepted" ? "success" : "danger"}>{s.verdict === "accepted" ? "Accepted" : "Rejected"}</Badge>
                {counts(s) ? <span className="meta"> {counts(s)}</span> : null}
              </td>
              <td data-label="Status">{submissionStatusLabel(s.status)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}
