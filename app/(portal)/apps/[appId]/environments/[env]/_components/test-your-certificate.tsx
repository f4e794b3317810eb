import path from "node:path";
import { getConfig } from "@/lib/config";
import { sandboxGatewayCommand } from "@/lib/gateway/sandbox-command";

/**
 * "Test your certificate" (issue 13): the exact curl command against the sandbox mTLS gateway
 * that `npm start` runs, so a partner sees what the gateway will do with their certificate.
 * Local mode only: on AWS the partner calls the provider's own gateway host.
 */
export function TestYourCertificate({ appId, environmentKey }: { appId: string; environmentKey: string }) {
  const config = getConfig();
  if (config.mode !== "local") return null;
  const { command, port } = sandboxGatewayCommand({ caFile: path.relative(process.cwd(), path.join(config.dataDir, "gateway", "ca.pem")) || "ca.pem" });
  return (
    <section className="card" aria-labelledby="test-certificate">
      <h2 id="test-certificate">Test your certificate</h2>
      <p>
        The sandbox gateway on <span className="mono">https://localhost:{port}</span> trusts exactly what has been published for the gateway, and
        checks your certificate the way the production gateway does. With your certificate chain and its private key (which never leave your
        machine):
      </p>
      <pre className="mono command">
        <code>{command}</code>
      </pre>
      <ul>
        <li>
          <strong>200</strong> with <span className="mono">{`{ "appId": "${appId}", "environment": "${environmentKey}", … }`}</span>: the certificate is
          active (or in its overlap) for this app.
        </li>
        <li>
          <strong>403</strong> (problem+json): its CA is trusted, but this certificate is not active for any app — not yet enabled, replaced, or
          revoked.
        </li>
        <li>
          <strong>A TLS error</strong> (curl exits without an HTTP status): the gateway does not trust the certificate&apos;s CA — nothing of
          yours is enabled yet, or its window has not opened.
        </li>
      </ul>
    </section>
  );
}
