import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config";

describe("CERTDESK_FETCH_ALLOW_HOSTS", () => {
  it("is empty by default: no loopback or private host is reachable", () => {
    expect(loadConfig({}).fetch.allowHosts).toEqual([]);
  });

  it("takes comma-separated host or host:port entries (IPv6 in brackets), lower-cased", () => {
    expect(loadConfig({ CERTDESK_FETCH_ALLOW_HOSTS: "127.0.0.1:8080, Localhost ,[::1]:9," }).fetch.allowHosts).toEqual(["127.0.0.1:8080", "localhost", "[::1]:9"]);
  });

  it("names itself when an entry is not a host", () => {
    expect(() => loadConfig({ CERTDESK_FETCH_ALLOW_HOSTS: "http://ca.test/" })).toThrow(ConfigError);
    expect(() => loadConfig({ CERTDESK_FETCH_ALLOW_HOSTS: "ca.test:80/x" })).toThrow(/CERTDESK_FETCH_ALLOW_HOSTS/);
  });
});
