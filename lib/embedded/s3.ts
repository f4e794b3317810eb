/**
 * The embedded S3-compatible server (s3rver) for local mode. It speaks the S3 protocol,
 * so lib/storage uses the same AWS SDK client locally and on AWS.
 */
import { createServer, type Server } from "node:http";
import { mkdir } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import S3rver from "s3rver";
import type { Config } from "../config";
import { EmbeddedError } from "./errors";

export { EMBEDDED_S3_CREDENTIALS } from "./constants";

export type EmbeddedS3 = { endpoint: string; port: number; directory: string; stop(): Promise<void> };

/**
 * Starts s3rver on 127.0.0.1 (never on all interfaces: it accepts a well-known key)
 * with `bucket` created if missing. `port: 0` picks a free port (tests).
 */
export async function startS3Server(options: { directory: string; port: number; bucket: string }): Promise<EmbeddedS3> {
  await mkdir(options.directory, { recursive: true, mode: 0o700 });
  const s3rver = new S3rver({
    directory: options.directory,
    silent: true,
    configureBuckets: [{ name: options.bucket }],
  });
  await s3rver.configureBuckets();
  // Our own http server rather than s3rver.run(): its listen() never rejects, so a port
  // in use would surface as an unhandled 'error' event instead of a message.
  const server: Server = createServer(s3rver.callback());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    s3rver.logger.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      throw new EmbeddedError(
        `Port ${options.port} on 127.0.0.1 is already in use, so the embedded S3 server cannot start. ` +
          "Stop the other process (another `npm start`?) or set CERTDESK_S3_ENDPOINT to a free port, e.g. http://127.0.0.1:4569.",
      );
    }
    throw new EmbeddedError(`The embedded S3 server could not listen on 127.0.0.1:${options.port} (${code ?? "error"}).`);
  }
  const port = (server.address() as AddressInfo).port;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    directory: options.directory,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets from the SDK would hold close() open.
        server.closeAllConnections();
      }).finally(() => s3rver.logger.close());
      return stopped;
    },
  };
}

/** Starts the embedded S3 server for the configured endpoint, with its data in `<dataDir>/s3`. */
export async function startEmbeddedS3(config: Config): Promise<EmbeddedS3> {
  if (config.mode !== "local" || !config.s3.endpoint) {
    throw new EmbeddedError("The embedded S3 server only runs in local mode.");
  }
  const url = new URL(config.s3.endpoint);
  if (!["127.0.0.1", "localhost"].includes(url.hostname)) {
    throw new EmbeddedError(`CERTDESK_S3_ENDPOINT ${config.s3.endpoint} is not on this machine; the embedded server only listens on 127.0.0.1.`);
  }
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  return startS3Server({ directory: path.join(config.dataDir, "s3"), port, bucket: config.s3.bucket });
}
