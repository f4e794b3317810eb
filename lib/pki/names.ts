/**
 * Name matching: peer names against SANs (RFC 6125 practice) and name constraints
 * (RFC 5280 §4.2.1.10). Pure functions over parsed names.
 */
import type { GeneralName, NameConstraintSubtree, NameConstraints, ParsedCertificate, ParsedName } from "./certificate";

export type PeerName = { kind: "DNS" | "IP" | "RFC822"; value: string };

/**
 * Parses a textual IPv4/IPv6 address to bytes; undefined when it is not one.
 *
 * @example
 * parseIp("192.0.2.1"); // Uint8Array [192, 0, 2, 1]
 * parseIp("2001:db8::1")?.length; // 16
 */
export function parseIp(text: string): Uint8Array | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split(".").map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return Uint8Array.from(parts);
  }
  if (!text.includes(":")) return undefined;
  let s = text;
  let tail4: number[] = [];
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
  if (v4) {
    const b = parseIp(v4[1]!);
    if (!b) return undefined;
    tail4 = Array.from(b);
    s = `${s.slice(0, -v4[1]!.length)}0:0`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const parse = (h: string) => (h === "" ? [] : h.split(":"));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  const out: number[] = [];
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    const v = parseInt(g, 16);
    out.push(v >> 8, v & 0xff);
  }
  if (tail4.length) out.splice(12, 4, ...tail4);
  return Uint8Array.from(out);
}

function eqBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * RFC 6125 host match: case-insensitive, wildcard only as the whole left-most label, one label deep.
 *
 * @example
 * dnsNameMatches("*.acme.example", "api.acme.example"); // true
 * dnsNameMatches("*.acme.example", "a.b.acme.example"); // false
 */
export function dnsNameMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, "");
  const h = host.toLowerCase().replace(/\.$/, "");
  if (!p || !h) return false;
  if (p.startsWith("*.")) {
    const suffix = p.slice(1); // ".example.com"
    // A wildcard must leave at least two labels under it ("*.com" is refused) and match one label only.
    if (suffix.split(".").length < 3) return false;
    if (!h.endsWith(suffix)) return false;
    const label = h.slice(0, h.length - suffix.length);
    return label.length > 0 && !label.includes(".");
  }
  if (p.includes("*")) return false;
  return p === h;
}

/**
 * Whether the certificate's SANs cover `peer` (SANs only; the CN is never consulted).
 *
 * @example
 * leafMatchesPeerName(parseCertificate(pem), { kind: "DNS", value: "client.acme.example" });
 */
export function leafMatchesPeerName(cert: ParsedCertificate, peer: PeerName): boolean {
  const sans = cert.sans ?? [];
  switch (peer.kind) {
    case "DNS":
      return sans.some((s) => s.kind === "DNS" && dnsNameMatches(s.value, peer.value));
    case "IP": {
      const want = parseIp(peer.value);
      return !!want && sans.some((s) => s.kind === "IP" && eqBytes(s.bytes, want));
    }
    case "RFC822": {
      const [local, domain] = splitMailbox(peer.value);
      return sans.some((s) => {
        if (s.kind !== "RFC822") return false;
        const [l, d] = splitMailbox(s.value);
        return l === local && d.toLowerCase() === domain.toLowerCase();
      });
    }
  }
}

function splitMailbox(v: string): [string, string] {
  const at = v.lastIndexOf("@");
  return at < 0 ? ["", v] : [v.slice(0, at), v.slice(at + 1)];
}

// ---- Name constraints ----

const MAX_NAME_CONSTRAINT_CHECKS = 1 << 20;

function dnsWithin(name: string, constraint: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, "");
  let c = constraint.toLowerCase();
  if (c === "") return true;
  if (c.startsWith(".")) return n.endsWith(c);
  c = c.replace(/\.$/, "");
  return n === c || n.endsWith(`.${c}`);
}

function dnsExcludedWithin(name: string, constraint: string): boolean {
  // A wildcard SAN covers every label under its parent: "*.example.com" must be refused by an
  // exclusion of "bad.example.com", or the CA could mint a wildcard around its own exclusion.
  if (name.startsWith("*.")) {
    const parent = name.slice(2);
    const c = constraint.toLowerCase().replace(/^\./, "");
    if (dnsWithin(c, parent) && c !== parent.toLowerCase()) return true;
  }
  return dnsWithin(name, constraint);
}

function emailWithin(mailbox: string, constraint: string): boolean {
  // A mailbox with more than one unquoted "@" has no well-defined domain: it is within nothing.
  if (mailbox.split("@").length !== 2) return false;
  const [local, domain] = splitMailbox(mailbox);
  if (constraint.includes("@")) {
    const [cl, cd] = splitMailbox(constraint);
    return cl === local && cd.toLowerCase() === domain.toLowerCase();
  }
  const d = domain.toLowerCase();
  const c = constraint.toLowerCase();
  if (c.startsWith(".")) return d.endsWith(c);
  return d === c;
}

function uriHost(uri: string): string | undefined {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/.exec(uri);
  return m?.[1] || undefined;
}

function uriWithin(uri: string, constraint: string): boolean | undefined {
  const host = uriHost(uri);
  if (!host) return undefined;
  const h = host.toLowerCase();
  const c = constraint.toLowerCase();
  if (c.startsWith(".")) return h.endsWith(c);
  return h === c;
}

function ipWithin(ip: Uint8Array, c: Extract<NameConstraintSubtree, { kind: "IP" }>): boolean {
  if (ip.length !== c.bytes.length) return false;
  for (let i = 0; i < ip.length; i++) if ((ip[i]! & c.mask[i]!) !== (c.bytes[i]! & c.mask[i]!)) return false;
  return true;
}

function dnWithin(name: ParsedName, c: ParsedName): boolean {
  if (c.rdns.length > name.rdns.length) return false;
  const ck = c.key.split("/");
  const nk = name.key.split("/");
  if (c.rdns.length === 0) return true;
  return ck.every((k, i) => k === nk[i]);
}

type Checked = { kind: GeneralName["kind"]; value: string; name: GeneralName };

/**
 * Names of `cert` that name constraints apply to: SANs, the subject DN, subject emailAddress, and
 * (leaf only) a hostname-shaped CN when there is no DNS/IP SAN.
 */
function constrainedNames(cert: ParsedCertificate, isLeaf: boolean): Checked[] {
  const out: Checked[] = [];
  if (cert.subject.rdns.length) out.push({ kind: "DN", value: "", name: { kind: "DN", value: "", name: cert.subject } });
  for (const rdn of cert.subject.rdns)
    for (const a of rdn)
      if (a.oid === "1.2.840.113549.1.9.1") out.push({ kind: "RFC822", value: a.value, name: { kind: "RFC822", value: a.value } });
  for (const s of cert.sans ?? []) out.push({ kind: s.kind, value: s.value, name: s });
  // No DNS/IP SANs: gateways that identify clients by CN would trust a CN the CA was never allowed to
  // issue, so a hostname-shaped CN is held to the DNS constraints. Leaf only, as OpenSSL and Go do:
  // a CA's CN names the CA, not a host, and an intermediate called "ca.example.net" under a root
  // permitted only "example.com" is legitimate.
  if (isLeaf && !cert.sans?.some((s) => s.kind === "DNS" || s.kind === "IP")) {
    for (const rdn of cert.subject.rdns)
      for (const a of rdn)
        if (a.oid === "2.5.4.3" && HOSTNAME_LIKE.test(a.value)) out.push({ kind: "DNS", value: a.value, name: { kind: "DNS", value: a.value } });
  }
  return out;
}

const HOSTNAME_LIKE = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?\.?$/i;

/** Matches one name against one subtree: true/false, or undefined when the types differ. */
function within(n: GeneralName, c: NameConstraintSubtree, excluded: boolean): boolean | undefined {
  switch (c.kind) {
    case "DNS":
      return n.kind === "DNS" ? (excluded ? dnsExcludedWithin(n.value, c.value) : dnsWithin(n.value, c.value)) : undefined;
    case "RFC822":
      return n.kind === "RFC822" ? emailWithin(n.value, c.value) : undefined;
    case "URI":
      return n.kind === "URI" ? (uriWithin(n.value, c.value) ?? false) : undefined;
    case "IP":
      return n.kind === "IP" ? ipWithin(n.bytes, c) : undefined;
    case "DN":
      return n.kind === "DN" ? dnWithin(n.name, c.name) : undefined;
    case "OTHER":
      return n.kind === "OTHER" && n.tag === c.tag ? false : undefined;
  }
}

/**
 * Checks `cert` against `nc`. Returns the first violation as text, or undefined when allowed.
 * Excluded beats permitted; a name type with permitted subtrees must match one of them.
 * `isLeaf` (default true) enables the CN-as-DNS-name fallback, which applies to the end entity only.
 */
export function nameConstraintViolation(cert: ParsedCertificate, nc: NameConstraints, opts: { isLeaf?: boolean } = {}): string | undefined {
  for (const sub of [...(nc.permitted ?? []), ...(nc.excluded ?? [])]) {
    if (sub.kind === "IP" && !sub.valid) return "a name constraint has a malformed IP address mask";
  }
  const names = constrainedNames(cert, opts.isLeaf ?? true);
  // Quadratic blow-up guard (limbo pathological::nc-dos-*): refuse rather than spin.
  const work = names.length * ((nc.permitted?.length ?? 0) + (nc.excluded?.length ?? 0));
  if (work > MAX_NAME_CONSTRAINT_CHECKS) return `checking ${names.length} names against ${work / names.length} constraints exceeds the work limit`;
  for (const n of names) {
    for (const c of nc.excluded ?? []) {
      if (within(n.name, c, true) === true) return `${describe(n)} is in an excluded subtree`;
      // A name we cannot evaluate against an exclusion of its own type (e.g. otherName) is refused.
      if (c.kind === "OTHER" && n.kind === "OTHER" && n.name.kind === "OTHER" && n.name.tag === c.tag) return `${describe(n)} cannot be checked against an excluded subtree`;
    }
    const permitted = (nc.permitted ?? []).filter((c) => c.kind === n.kind);
    if (permitted.length && !permitted.some((c) => within(n.name, c, false))) return `${describe(n)} is outside the permitted subtrees`;
  }
  return undefined;
}

function describe(n: Checked): string {
  return n.kind === "DN" ? "the subject name" : `${n.kind} name "${n.value}"`;
}
