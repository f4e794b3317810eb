import type { GatewayTruststoreView } from "@/lib/gateway/list-truststore-versions";
import { Badge, DateTime, TableRegion } from "@/app/_components/ui";

const STATUS: Record<NonNullable<GatewayTruststoreView["gatewayStatus"]>, { tone: "success" | "info" | "neutral" | "danger"; label: string }> = {
  applied: { tone: "success", label: "At the gateway" },
  pending: { tone: "info", label: "Next job run" },
  skipped: { tone: "neutral", label: "Not sent" },
  failed: { tone: "danger", label: "Update failed" },
};

/** Support's view of the gateway trust stores: newest version per program environment and API Gateway's warnings. */
export function GatewayTruststores({ truststores }: { truststores: GatewayTruststoreView[] }) {
  if (truststores.length === 0) return null;
  const warned = truststores.filter((t) => t.gatewayWarnings.length > 0).length;
  return (
    <section>
      {/* The table region inside carries the name: one landmark per name (axe landmark-unique, issue 16). */}
      <h2 id="gateway-truststores">Gateway trust stores</h2>
      <p>
        The newest published trust store of each program environment, and what API Gateway answered when the activation job pointed its
        domain at it. {warned ? `${warned} with warnings: API Gateway could not use some certificates, so those partners' calls fail in the TLS handshake.` : null}
      </p>
      <TableRegion label="Gateway trust stores">
        <table>
          <thead>
            <tr>
              <th scope="col">Program / environment</th>
              <th scope="col">Version</th>
              <th scope="col">Cause</th>
              <th scope="col">Gateway</th>
              <th scope="col">API Gateway warnings</th>
            </tr>
          </thead>
          <tbody>
            {truststores.map((t) => (
              <tr key={`${t.programId}/${t.environmentKey}`}>
                <td className="mono">
                  {t.programId}/{t.environmentKey}
                </td>
                <td>
                  v{t.version}, <DateTime value={t.publishedAt} />
                </td>
                <td>{t.cause}</td>
                <td>
                  {t.gatewayStatus ? <Badge tone={STATUS[t.gatewayStatus].tone}>{STATUS[t.gatewayStatus].label}</Badge> : "—"}
                  {t.gatewayDetail ? <div className="muted">{t.gatewayDetail}</div> : null}
                </td>
                <td>
                  {t.gatewayWarnings.length ? (
                    <ul>
                      {t.gatewayWarnings.map((w) => (
                        <li key={w}>
                          <Badge tone="warning">Warning</Badge> {w}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    "None"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
    </section>
  );
}
