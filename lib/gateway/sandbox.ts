/**
 * The sandbox gateway of the embedded runtime: what API Gateway does on AWS, on a laptop.
 *
 * A Node `https` server with `requestCert` and `rejectUnauthorized`, trusting exactly the
 * CA certificates of every published `current/truststore.pem` (all programs and
 * environments: one local gateway stands in for all of them), so a client whose CA is not
 * trusted is refused in the TLS handshake, as API Gateway refuses it. Then the same
 * authorizer code as the Lambda (`decideAccess`) checks the leaf against each scope's
 * `clients.json`: `GET /whoami` answers 200 with the developer app, or 403 problem+json when
 * the CA is trusted but the leaf is not enabled for any app.
 *
 * It re-reads `current.json` of every scope every `pollMs` (2 s) and loads a scope's
 * trust store and clients only when its version changed; new connections use the new
 * trust at once (`setSecureContext`).
 */
import { X509Certificate } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { ClientsJson, CurrentPointer } from "@/lib/scheduling/publish-truststore";
import type { Storage } from "@/lib/storage";
import { decideAccess, type Decision, type GatewayScope } from "./authorize";
import { ensureGatewayIdentity } from "./local-ca";
import { DEFAULT_SANDBOX_GATEWAY_PORT, SANDBOX_GATEWAY_PORT_ENV, sandboxGatewayPort, whoamiCurlCommand } from "./sandbox-command";

export { DEFAULT_SANDBOX_GATEWAY_PORT, SANDBOX_GATEWAY_PORT_ENV, sandboxGatewayPort, whoamiCurlCommand };

type ScopeState = { scope: GatewayScope; version: number; caBlocks: string[]; clients: ClientsJson };

export type SandboxGateway = {
  port: number;
  caFile: string;
  caPem: string;
  /** Re-reads every scope's `current.json` now; resolves with the versions held. */
  reload(): Promise<Record<string, number>>;
  close(): Promise<void>;
};

const POINTER = /^truststores\/([^/]+)\/([^/]+)\/current\.json$/;

function pemBlocks(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)?.map((b) => `${b}\n`) ?? [];
}

export async function startSandboxGateway(options: {
  storage: Pick<Storage, "listKeys" | "getPlain">;
  dataDir: string;
  port?: number;
  host?: string;
  pollMs?: number;
  now?: () => Date;
  log?: (line: string, error?: unknown) => void;
}): Promise<SandboxGateway> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line: string, error?: unknown) => console.error(line, error ?? ""));
  const identity = await ensureGatewayIdentity(options.dataDir);
  const scopes = new Map<string, ScopeState>();
  const decoder = new TextDecoder();

  const secureContext = () => {
    const ca = [...new Set([...scopes.values()].flatMap((s) => s.caBlocks))];
    // `ca: []`, never undefined: an empty trust store trusts nobody, not Node's public roots.
    return { key: identity.keyPem, cert: identity.certPem, ca };
  };

  let reloading: Promise<Record<string, number>> | null = null;
  const reload = (): Promise<Record<string, number>> => {
    reloading ??= (async () => {
      try {
        let changed = false;
        const seen = new Set<string>();
        for (const key of await options.storage.listKeys("truststores/")) {
          const m = POINTER.exec(key);
          if (!m) continue;
          const id = `${m[1]}/${m[2]}`;
          seen.add(id);
          const pointer = JSON.parse(decoder.decode(await options.storage.getPlain(key))) as CurrentPointer;
          if (scopes.get(id)?.version === pointer.version) continue;
          const pem = decoder.decode(await options.storage.getPlain(pointer.truststoreKey));
          const clients = JSON.parse(decoder.decode(await options.storage.getPlain(pointer.clientsKey))) as ClientsJson;
          scopes.set(id, { scope: { programId: m[1]!, environmentKey: m[2]! }, version: pointer.version, caBlocks: pemBlocks(pem), clients });
          changed = true;
        }
        for (const id of [...scopes.keys()]) {
          if (seen.has(id)) continue;
          scopes.delete(id);
          changed = true;
        }
        if (changed) server.setSecureContext(secureContext());
        return Object.fromEntries([...scopes.entries()].map(([id, s]) => [id, s.version]));
      } finally {
        reloading = null;
      }
    })();
    return reloading;
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, type: string, body: unknown) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store", connection: "close" }).end(`${JSON.stringify(body)}\n`);
    };
    const problem = (status: number, slug: string, title: string, detail: string, extra: Record<string, unknown> = {}) =>
      send(status, "application/problem+json", { type: `urn:certdesk:problem:${slug}`, title, status, detail, ...extra });
    const url = new URL(req.url ?? "/", "https://localhost");
    if (url.pathname !== "/whoami") return problem(404, "not-found", "Not found", "The sandbox gateway answers GET /whoami only.");
    if (req.method !== "GET") return problem(405, "invalid-input", "Invalid request", "Use GET /whoami.");
    const socket = req.socket as TLSSocket;
    const peer = socket.getPeerCertificate();
    // rejectUnauthorized already refused untrusted chains in the handshake; this is belt and braces.
    if (!socket.authorized || !peer?.raw) return problem(403, "forbidden", "Not allowed", "No trusted client certificate was presented.");
    const pem = new X509Certificate(peer.raw).toString();
    const at = now();
    const cert = { clientCertPem: pem, subjectDN: peer.subject ? Object.entries(peer.subject).map(([k, v]) => `${k}=${String(v)}`).join(", ") : undefined, serialNumber: peer.serialNumber };
    const denials: Extract<Decision, { allow: false }>[] = [];
    for (const s of scopes.values()) {
      const d = decideAccess({ cert, clients: s.clients, scope: s.scope, now: at });
      if (d.allow) {
        return send(200, "application/json", { appId: d.context.appId, organisationId: d.context.organisationId, environment: d.context.environment, fingerprintSha256: d.context.fingerprintSha256, status: d.context.status, programId: d.context.programId, appName: d.app.appName });
      }
      denials.push(d);
    }
    // The most telling reason: an ended overlap or expiry says more than "unknown".
    const d = denials.find((x) => x.code !== "unknown-certificate") ?? denials[0];
    log(`sandbox gateway: denied ${JSON.stringify({ code: d?.code ?? "no-trust-store", subject: d?.subject ?? cert.subjectDN, serialNumber: d?.serialNumber ?? cert.serialNumber })}`);
    return problem(403, "forbidden", "Not allowed", `This certificate's CA is trusted, but the certificate is not active for any app${d && d.code !== "unknown-certificate" ? `: ${d.reason}` : ""}. Check its state on your environment page.`, { code: d?.code ?? "no-trust-store" });
  };

  const server: Server = createServer({ key: identity.keyPem, cert: identity.certPem, ca: [], requestCert: true, rejectUnauthorized: true }, handle);
  // A refused handshake is the expected answer to an untrusted client, not an error to log.
  server.on("tlsClientError", () => undefined);
  await reload().catch((error: unknown) => log("sandbox gateway: first load of the trust stores failed; retrying", error));
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`port ${options.port} is in use: stop the other process or set ${SANDBOX_GATEWAY_PORT_ENV}`) : error),
    );
    // Loopback only, like the portal.
    server.listen(options.port ?? DEFAULT_SANDBOX_GATEWAY_PORT, options.host ?? "127.0.0.1", () => resolve((server.address() as { port: number }).port));
  });
  let polling = false;
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    reload()
      .catch((error: unknown) => log("sandbox gateway: reloading the trust stores failed; retrying", error))
      .finally(() => (polling = false));
  }, options.pollMs ?? 2_000);
  timer.unref?.();

  return {
    port,
    caFile: identity.caFile,
    caPem: identity.caPem,
    reload,
    async close() {
      clearInterval(timer);
      await reloading?.catch(() => undefined);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
