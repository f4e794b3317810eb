/** The sandbox gateway's port and the curl command partners are shown (dependency-free: pages import it). */
export const DEFAULT_SANDBOX_GATEWAY_PORT = 8443;
export const SANDBOX_GATEWAY_PORT_ENV = "CERTDESK_GATEWAY_PORT";

/** `CERTDESK_GATEWAY_PORT` (default 8443); a malformed value is an error, not a silent default. */
export function sandboxGatewayPort(env: Record<string, string | undefined> = process.env): number {
  const raw = env[SANDBOX_GATEWAY_PORT_ENV]?.trim();
  if (!raw) return DEFAULT_SANDBOX_GATEWAY_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) throw new Error(`${SANDBOX_GATEWAY_PORT_ENV}: must be a port number (1-65535), got "${raw}"`);
  return port;
}

/** The command a partner runs to test a certificate against the sandbox gateway. */
export function whoamiCurlCommand(options: { port: number; caFile: string; certFile?: string; keyFile?: string }): string {
  return `curl --cert ${options.certFile ?? "client-chain.pem"} --key ${options.keyFile ?? "client-key.pem"} --cacert ${options.caFile} https://localhost:${options.port}/whoami`;
}

/** For pages: the command with this process's gateway port (start.ts validated it at start). */
export function sandboxGatewayCommand(options: { caFile: string }): { port: number; command: string } {
  let port = DEFAULT_SANDBOX_GATEWAY_PORT;
  try {
    port = sandboxGatewayPort();
  } catch {
    // start.ts refuses to start with a malformed port; this is only reachable in tests.
  }
  return { port, command: whoamiCurlCommand({ port, caFile: options.caFile }) };
}
