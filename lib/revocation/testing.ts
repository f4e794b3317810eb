/**
 * Real local PKI services for tests: an `openssl ocsp` responder and a Node HTTP server
 * that serves CRLs and certificates, each with an access log.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { TestCert } from "../pki/testing/factory";

export type Route = { status?: number; body?: Uint8Array | string; contentType?: string; delayMs?: number; location?: string };

export type PkiHttpServer = {
  port: number;
  origin: string;
  /** Request paths in arrival order. */
  log: string[];
  routes: Map<string, Route>;
  close(): Promise<void>;
};

/** A Node HTTP server on 127.0.0.1 (port chosen by the OS) answering from `routes`. */
export async function startPkiHttpServer(): Promise<PkiHttpServer> {
  const log: string[] = [];
  const routes = new Map<string, Route>();
  const srv = http.createServer((req, res) => {
    const p = req.url ?? "/";
    log.push(p);
    const route = routes.get(p.split("?")[0]!);
    const answer = () => {
      if (!route) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(route.status ?? 200, { ...(route.contentType ? { "content-type": route.contentType } : {}), ...(route.location ? { location: route.location } : {}) });
      res.end(route.body === undefined ? undefined : typeof route.body === "string" ? route.body : Buffer.from(route.body));
    };
    if (route?.delayMs) {
      // A slow server: headers at once, the body much later.
      res.writeHead(route.status ?? 200);
      res.write("0");
      setTimeout(() => res.end(), route.delayMs).unref();
    } else answer();
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as AddressInfo).port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    log,
    routes,
    close: () =>
      new Promise<void>((r) => {
        srv.closeAllConnections();
        srv.close(() => r());
      }),
  };
}

export async function privateKeyPem(keys: CryptoKeyPair): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString("base64").replace(/.{1,64}/g, "$&\n")}-----END PRIVATE KEY-----\n`;
}

/** One line of an OpenSSL CA database (index.txt). */
export type IndexEntry = { serialHex: string; subject: string; revoked?: { at: Date; reason?: string } };

const opensslTime = (d: Date) => d.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z";

export function indexTxt(entries: readonly IndexEntry[]): string {
  return entries
    .map((e) => {
      const subject = "/" + e.subject.split(/,\s*/).reverse().join("/");
      const rev = e.revoked ? `${opensslTime(e.revoked.at)}${e.revoked.reason ? `,${e.revoked.reason}` : ""}` : "";
      return [e.revoked ? "R" : "V", "301231235959Z", rev, e.serialHex.toUpperCase(), "unknown", subject].join("\t");
    })
    .join("\n") + "\n";
}

export type OcspResponder = { port: number; url: string; close(): Promise<void> };

/**
 * Starts `openssl ocsp` as a responder for `ca` on a port the OS picks (`-port 0`), signing
 * with `signer` (the CA itself or a delegated responder). Answers carry nextUpdate = now + `nmin` minutes.
 */
export async function startOcspResponder(opts: { ca: TestCert; signer: TestCert; entries: readonly IndexEntry[]; nmin?: number }): Promise<OcspResponder> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "certdesk-ocsp-"));
  writeFileSync(path.join(dir, "index.txt"), indexTxt(opts.entries));
  writeFileSync(path.join(dir, "index.txt.attr"), "unique_subject = no\n");
  writeFileSync(path.join(dir, "ca.pem"), opts.ca.pem);
  writeFileSync(path.join(dir, "signer.pem"), opts.signer.pem);
  writeFileSync(path.join(dir, "signer.key"), await privateKeyPem(opts.signer.keys), { mode: 0o600 });
  const child: ChildProcess = spawn(
    "openssl",
    ["ocsp", "-index", "index.txt", "-CA", "ca.pem", "-rsigner", "signer.pem", "-rkey", "signer.key", "-port", "0", "-nmin", String(opts.nmin ?? 60), "-ignore_err"],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`openssl ocsp did not start: ${out}`)), 10_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /ACCEPT \S*:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`openssl ocsp exited (${code}): ${out}`)));
  });
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
