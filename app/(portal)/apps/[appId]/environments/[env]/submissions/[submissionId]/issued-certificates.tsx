import type { SubmissionView } from "@/lib/submissions/get-submission";
import { Badge, DateTime } from "@/app/_components/ui";

const PURPOSE_LABEL = { mtls: "mTLS", signature: "signature" } as const;

/** The certificates Certdesk's CA issued for a CSR submission, with their downloads. */
export function IssuedCertificates({ view, path }: { view: SubmissionView; path: string }) {
  if (view.kind !== "csr" || view.issuance === null) return null;
  return (
    <section className="card" aria-labelledby="issued">
      <h2 id="issued">Your certificates</h2>
      {view.issuance === "pending" ? <p role="status">Approved: Certdesk is signing your certificates. This page shows them within a minute.</p> : null}
      {view.issuance === "blocked" ? (
        <p className="alert alert--error" role="status">
          Your certificates were signed but held back by Certdesk&apos;s final check. Developer support has been alerted and will contact you.
        </p>
      ) : null}
      {view.issued.length > 0 ? (
        <>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Purpose</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Serial number</th>
                  <th scope="col">Valid</th>
                  <th scope="col">Status</th>
                  <th scope="col">Download</th>
                </tr>
              </thead>
              <tbody>
                {view.issued.map((c) => (
                  <tr key={c.id} data-testid={`issued-${c.purpose}`}>
                    <td>{PURPOSE_LABEL[c.purpose]}</td>
                    <td className="mono">{c.subject}</td>
                    <td className="mono">{c.serialNumber}</td>
                    <td>
                      <DateTime value={c.notBefore} /> – <DateTime value={c.notAfter} />
                    </td>
                    <td>{c.status === "revoked" ? <Badge tone="danger">Revoked</Badge> : <Badge tone="success">Issued</Badge>}</td>
                    <td>
                      <a href={`${path}/certificates/${c.purpose}.pem`} download>
                        Download {PURPOSE_LABEL[c.purpose]} certificate
                      </a>
                      {" · "}
                      <a href={`${path}/certificates/${c.purpose}-chain.pem`} download>
                        Download {PURPOSE_LABEL[c.purpose]} chain
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>
            <a className="button button--secondary" href={`${path}/certificates/certificates.zip`} download>
              Download all (.zip)
            </a>{" "}
            <span className="meta">Each certificate, its chain (certificate, issuing CA, root) and the CA certificates. Your private keys never left you.</span>
          </p>
        </>
      ) : null}
    </section>
  );
}
