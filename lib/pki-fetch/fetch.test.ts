import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressRefusal } from "./address";
import { PKI_FETCH_MAX_BYTES, PKI_FETCH_TIMEOUT_MS, PkiFetchError, type Resolver, fetchPkiUrl, isAllowedHost, parseAllowHosts } from "./fetch";

type Logged = { method: string; url: string; host: string | undefined; cookie: string | undefined; authorization: string | undefined };

/** A real HTTP server on 127.0.0.1 that logs every request it receives. */
async function server(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const log: Logged[] = [];
  const srv = http.createServer((req, res) => {
    log.push({ method: req.method ?? "", url: req.url ?? "", host: req.headers.host, cookie: req.headers.cookie, authorization: req.headers.authorization });
    handler(req, res);
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as AddressInfo).port;
  return { log, port, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

async function refusal(p: Promise<unknown>): Promise<PkiFetchError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PkiFetchError) return e;
    throw e;
  }
  throw new Error("expected the fetch to be refused");
}

const resolveTo =
  (map: Record<string, string>): Resolver =>
  async (host) => {
    const a = map[host];
    if (!a) throw new Error("NXDOMAIN");
    return [{ address: a, family: a.includes(":") ? 6 : 4 }];
  };

describe("addressRefusal", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "shared address space (CGNAT)"],
    ["169.254.169.254", "cloud metadata"],
    ["169.254.1.1", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "cloud metadata"],
    ["::127.0.0.1", "loopback"],
    ["64:ff9b::a00:1", "private"],
    ["64:ff9b::169.254.169.254", "cloud metadata"],
    ["2002:7f00:1::", "loopback"],
    ["fe80::1", "link-local"],
    ["fd00:ec2::254", "unique local"],
    ["fc00::1", "unique local"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "documentation"],
  ])("%s is refused as %s", (ip, why) => {
    expect(addressRefusal(ip)).toBe(why);
  });

  it.each(["93.184.215.14", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])("%s is a public address", (ip) => {
    expect(addressRefusal(ip)).toBeNull();
  });
});

describe("allow hosts", () => {
  it("parses the comma-separated setting and matches host or host:port", () => {
    const allow = parseAllowHosts(" 127.0.0.1:8080 , localhost,[::1]:9 ,");
    expect(allow).toEqual(["127.0.0.1:8080", "localhost", "[::1]:9"]);
    expect(isAllowedHost(new URL("http://127.0.0.1:8080/x"), allow)).toBe(true);
    expect(isAllowedHost(new URL("http://127.0.0.1:8081/x"), allow)).toBe(false);
    expect(isAllowedHost(new URL("http://LOCALHOST:1/x"), allow)).toBe(true);
    expect(isAllowedHost(new URL("http://[::1]:9/"), allow)).toBe(true);
    expect(isAllowedHost(new URL("http://[::1]:10/"), allow)).toBe(false);
    // The default port counts: "host:80" allows http://host/.
    expect(isAllowedHost(new URL("http://ca.test/"), ["ca.test:80"])).toBe(true);
    expect(parseAllowHosts(undefined)).toEqual([]);
  });
});

describe("fetchPkiUrl against a real local server", () => {
  let target: Awaited<ReturnType<typeof server>>;
  let redirector: Awaited<ReturnType<typeof server>>;

  beforeAll(async () => {
    target = await server((req, res) => {
      if (req.url === "/big") {
        res.writeHead(200, { "content-type": "application/pkix-crl" });
        res.end(Buffer.alloc(PKI_FETCH_MAX_BYTES + 1));
        return;
      }
      if (req.url === "/big-chunked") {
        res.writeHead(200);
        for (let i = 0; i < 20; i++) res.write(Buffer.alloc(64 * 1024));
        res.end();
        return;
      }
      if (req.url === "/slow") {
        res.writeHead(200);
        res.write("x");
        setTimeout(() => res.end("y"), 1500).unref();
        return;
      }
      if (req.url === "/500") {
        res.writeHead(500);
        res.end();
        return;
      }
      res.writeHead(200, { "content-type": "application/pkix-crl", "set-cookie": "tracker=1" });
      res.end("crl-bytes");
    });
    redirector = await server((req, res) => {
      const to = new URL(req.url ?? "/", "http://x").searchParams.get("to") ?? "/";
      res.writeHead(302, { location: to });
      res.end();
    });
  });
  afterAll(async () => {
    await target.close();
    await redirector.close();
  });

  const fresh = () => {
    target.log.length = 0;
    redirector.log.length = 0;
  };

  it("fetches from an allow-listed loopback host, with no cookies or credentials, twice without keeping a cookie", async () => {
    fresh();
    const allow = [`127.0.0.1:${target.port}`];
    const r1 = await fetchPkiUrl(`http://127.0.0.1:${target.port}/ca.crl`, {}, { allowHosts: allow });
    await fetchPkiUrl(`http://127.0.0.1:${target.port}/ca.crl`, {}, { allowHosts: allow });
    expect(Buffer.from(r1.body).toString()).toBe("crl-bytes");
    expect(r1.contentType).toBe("application/pkix-crl");
    expect(target.log).toHaveLength(2);
    expect(target.log.every((l) => l.cookie === undefined && l.authorization === undefined)).toBe(true);
  });

  it("connects to the address the resolver gave (one resolution per hop) and sends the URL's Host", async () => {
    fresh();
    let lookups = 0;
    const resolve: Resolver = async (h) => {
      lookups++;
      expect(h).toBe("pki.test");
      return [{ address: "127.0.0.1", family: 4 }];
    };
    await fetchPkiUrl(`http://pki.test:${target.port}/ca.crl`, {}, { allowHosts: [`pki.test:${target.port}`], resolve });
    expect(lookups).toBe(1);
    expect(target.log[0]!.host).toBe(`pki.test:${target.port}`);
  });

  it.each([
    ["127.0.0.1", (p: number) => `http://127.0.0.1:${p}/ca.crl`, "loopback"],
    ["decimal IPv4 2130706433", (p: number) => `http://2130706433:${p}/ca.crl`, "loopback"],
    ["octal IPv4 0177.0.0.1", (p: number) => `http://0177.0.0.1:${p}/ca.crl`, "loopback"],
    ["hex IPv4 0x7f.1", (p: number) => `http://0x7f.1:${p}/ca.crl`, "loopback"],
    ["[::1]", (p: number) => `http://[::1]:${p}/ca.crl`, "loopback"],
    ["[::ffff:127.0.0.1]", (p: number) => `http://[::ffff:127.0.0.1]:${p}/ca.crl`, "loopback"],
    ["10/8", (p: number) => `http://10.0.0.7:${p}/ca.crl`, "private"],
    ["the metadata address", () => `http://169.254.169.254/latest/meta-data/`, "cloud metadata"],
    ["a name resolving to 127.0.0.1", (p: number) => `http://evil.test:${p}/ca.crl`, "loopback"],
    ["a name resolving to 10.1.2.3", (p: number) => `http://intranet.test:${p}/ca.crl`, "private"],
    ["a name resolving to 169.254.169.254", () => `http://metadata.test/`, "cloud metadata"],
    ["a name resolving to ::ffff:127.0.0.1", (p: number) => `http://mapped.test:${p}/`, "loopback"],
  ])("refuses %s without connecting", async (_name, url, why) => {
    fresh();
    const resolve = resolveTo({ "evil.test": "127.0.0.1", "intranet.test": "10.1.2.3", "metadata.test": "169.254.169.254", "mapped.test": "::ffff:127.0.0.1" });
    const e = await refusal(fetchPkiUrl(url(target.port), {}, { resolve, allowHosts: ["127.0.0.1:1"] }));
    expect(e.kind).toBe("refused-address");
    expect(e.message).toContain(why);
    expect(target.log).toHaveLength(0);
  });

  it("refuses a name when any of its addresses is internal", async () => {
    fresh();
    const resolve: Resolver = async () => [
      { address: "93.184.215.14", family: 4 },
      { address: "127.0.0.1", family: 4 },
    ];
    const e = await refusal(fetchPkiUrl(`http://mixed.test:${target.port}/`, {}, { resolve }));
    expect(e.kind).toBe("refused-address");
    expect(target.log).toHaveLength(0);
  });

  it.each([
    ["to a refused IP literal", (t: number) => `http://127.0.0.1:${t}/ca.crl`],
    ["to a name resolving to loopback", (t: number) => `http://evil.test:${t}/ca.crl`],
    ["to the decimal form of loopback", (t: number) => `http://2130706433:${t}/ca.crl`],
  ])("refuses a redirect from an allowed host %s, without connecting to it", async (_n, to) => {
    fresh();
    const e = await refusal(
      fetchPkiUrl(`http://127.0.0.1:${redirector.port}/r?to=${encodeURIComponent(to(target.port))}`, {}, { allowHosts: [`127.0.0.1:${redirector.port}`], resolve: resolveTo({ "evil.test": "127.0.0.1" }) }),
    );
    expect(e.kind).toBe("refused-address");
    expect(redirector.log).toHaveLength(1);
    expect(target.log).toHaveLength(0);
  });

  it("follows at most two redirects", async () => {
    fresh();
    const allow = [`127.0.0.1:${redirector.port}`, `127.0.0.1:${target.port}`];
    const final = `http://127.0.0.1:${target.port}/ca.crl`;
    const hop = (to: string) => `http://127.0.0.1:${redirector.port}/r?to=${encodeURIComponent(to)}`;
    const ok = await fetchPkiUrl(hop(hop(final)), {}, { allowHosts: allow });
    expect(ok.url).toBe(final);
    fresh();
    const e = await refusal(fetchPkiUrl(hop(hop(hop(final))), {}, { allowHosts: allow }));
    expect(e.kind).toBe("too-many-redirects");
    expect(target.log).toHaveLength(0);
  });

  it("refuses other schemes and URLs with credentials", async () => {
    expect((await refusal(fetchPkiUrl("file:///etc/passwd"))).kind).toBe("refused-scheme");
    expect((await refusal(fetchPkiUrl("ldap://ldap.example.com/cn=CA?certificateRevocationList"))).kind).toBe("refused-scheme");
    fresh();
    const e = await refusal(fetchPkiUrl(`http://user:pw@127.0.0.1:${target.port}/`, {}, { allowHosts: [`127.0.0.1:${target.port}`] }));
    expect(e.kind).toBe("refused-credentials");
    expect(e.message).not.toContain("pw");
    expect(target.log).toHaveLength(0);
  });

  it("caps the body at 1 MiB (announced or streamed), times out a slow server, and reports HTTP errors", async () => {
    const allowHosts = [`127.0.0.1:${target.port}`];
    expect((await refusal(fetchPkiUrl(`http://127.0.0.1:${target.port}/big`, {}, { allowHosts }))).kind).toBe("too-large");
    expect((await refusal(fetchPkiUrl(`http://127.0.0.1:${target.port}/big-chunked`, {}, { allowHosts }))).kind).toBe("too-large");
    expect((await refusal(fetchPkiUrl(`http://127.0.0.1:${target.port}/slow`, {}, { allowHosts, timeoutMs: 300 }))).kind).toBe("timeout");
    expect((await refusal(fetchPkiUrl(`http://127.0.0.1:${target.port}/500`, {}, { allowHosts }))).kind).toBe("http-status");
    expect(PKI_FETCH_TIMEOUT_MS).toBe(5000);
    expect(PKI_FETCH_MAX_BYTES).toBe(1024 * 1024);
  });

  it("reports an unresolvable name and a closed port as unreachable", async () => {
    expect((await refusal(fetchPkiUrl("http://nowhere.test/", {}, { resolve: resolveTo({}) }))).kind).toBe("unreachable");
    const closed = await server(() => undefined);
    await closed.close();
    expect((await refusal(fetchPkiUrl(`http://127.0.0.1:${closed.port}/`, {}, { allowHosts: [`127.0.0.1:${closed.port}`] }))).kind).toBe("unreachable");
  });
});
