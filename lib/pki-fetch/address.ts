/**
 * Which IP addresses a PKI fetch may connect to. URLs inside certificates are chosen by
 * whoever made the certificate — the partner, for a private CA — so every address is judged
 * after DNS resolution (a public-looking name may resolve to 127.0.0.1) and the socket is
 * then opened to exactly that address (no second lookup a rebinding DNS server could change).
 */
import net from "node:net";

/** Why an address is refused, or null when it is a public unicast address. */
export type AddressRefusal =
  | "unspecified"
  | "loopback"
  | "private"
  | "shared address space (CGNAT)"
  | "link-local"
  | "cloud metadata"
  | "multicast"
  | "broadcast"
  | "reserved"
  | "documentation"
  | "benchmarking"
  | "IETF protocol assignments"
  | "unique local"
  | "site-local"
  | "discard-only";

type V4Range = { base: number; bits: number; why: AddressRefusal };

const v4 = (cidr: string, why: AddressRefusal): V4Range => {
  const [ip, bits] = cidr.split("/");
  return { base: ipv4ToInt(ip!)!, bits: Number(bits), why };
};

// Order matters only for the reason given: the metadata address sits inside link-local.
const V4_REFUSED: V4Range[] = [
  v4("169.254.169.254/32", "cloud metadata"),
  v4("168.63.129.16/32", "cloud metadata"), // Azure wire server
  v4("100.100.100.200/32", "cloud metadata"), // Alibaba
  v4("0.0.0.0/8", "unspecified"),
  v4("10.0.0.0/8", "private"),
  v4("100.64.0.0/10", "shared address space (CGNAT)"),
  v4("127.0.0.0/8", "loopback"),
  v4("169.254.0.0/16", "link-local"),
  v4("172.16.0.0/12", "private"),
  v4("192.0.0.0/24", "IETF protocol assignments"),
  v4("192.0.2.0/24", "documentation"),
  v4("192.88.99.0/24", "reserved"), // 6to4 relay anycast (deprecated)
  v4("192.168.0.0/16", "private"),
  v4("198.18.0.0/15", "benchmarking"),
  v4("198.51.100.0/24", "documentation"),
  v4("203.0.113.0/24", "documentation"),
  v4("224.0.0.0/4", "multicast"),
  v4("255.255.255.255/32", "broadcast"),
  v4("240.0.0.0/4", "reserved"),
];

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function classifyV4(n: number): AddressRefusal | null {
  for (const r of V4_REFUSED) {
    const size = 2 ** (32 - r.bits);
    if (Math.floor(n / size) === Math.floor(r.base / size)) return r.why;
  }
  return null;
}

/** The 16 bytes of an IPv6 address (dotted IPv4 tails allowed), or undefined. */
export function ipv6Bytes(ip: string): Uint8Array | undefined {
  if (net.isIPv6(ip) === false) return undefined;
  let s = ip.replace(/%.*$/, "");
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    const n = ipv4ToInt(tail[1]!);
    if (n === undefined) return undefined;
    s = s.slice(0, -tail[1]!.length) + `${((n >>> 16) & 0xffff).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, rest] = s.split("::") as [string, string | undefined];
  const h = head ? head.split(":") : [];
  const t = rest !== undefined && rest !== "" ? rest.split(":") : [];
  const groups = rest === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  if (groups.length !== 8) return undefined;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

const v4At = (b: Uint8Array, i: number) => ((b[i]! << 24) >>> 0) + (b[i + 1]! << 16) + (b[i + 2]! << 8) + b[i + 3]!;
const zeros = (b: Uint8Array, from: number, to: number) => b.subarray(from, to).every((x) => x === 0);

function classifyV6(b: Uint8Array): AddressRefusal | null {
  if (zeros(b, 0, 16)) return "unspecified";
  if (zeros(b, 0, 15) && b[15] === 1) return "loopback";
  // Forms that carry an IPv4 address: the embedded address decides (::ffff:127.0.0.1 is loopback).
  if (zeros(b, 0, 10) && b[10] === 0xff && b[11] === 0xff) return classifyV4(v4At(b, 12)); // IPv4-mapped
  if (zeros(b, 0, 12)) return classifyV4(v4At(b, 12)); // IPv4-compatible (deprecated)
  if (zeros(b, 0, 8) && b[8] === 0xff && b[9] === 0xff && zeros(b, 10, 12)) return classifyV4(v4At(b, 12)); // SIIT ::ffff:0:a.b.c.d
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b) {
    // NAT64: well-known 64:ff9b::/96 and local-use 64:ff9b:1::/48 translate to the embedded IPv4.
    if (zeros(b, 4, 12)) return classifyV4(v4At(b, 12)) ?? null;
    if (b[4] === 0 && b[5] === 1) return "private";
  }
  if (b[0] === 0x20 && b[1] === 0x02) return classifyV4(v4At(b, 2)); // 6to4 embeds an IPv4 address
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0 && b[3] === 0) return "reserved"; // Teredo: tunnels to anything
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x0d && b[3] === 0xb8) return "documentation";
  if (b[0] === 0x01 && b[1] === 0x00 && zeros(b, 2, 8)) return "discard-only";
  if (b[0] === 0xff) return "multicast";
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return "link-local";
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0xc0) return "site-local";
  if ((b[0]! & 0xfe) === 0xfc) return "unique local"; // includes AWS's IPv6 metadata fd00:ec2::254
  if ((b[0]! & 0xe0) !== 0x20) return "reserved"; // outside 2000::/3, no global unicast
  return null;
}

/**
 * Classifies a literal IPv4 or IPv6 address. Returns why it must not be fetched from, or null
 * for a public unicast address. Anything that is not an IP literal is refused as "reserved".
 *
 * @example
 * addressRefusal("169.254.169.254") // "cloud metadata"
 * addressRefusal("::ffff:127.0.0.1") // "loopback"
 * addressRefusal("93.184.215.14")   // null
 */
export function addressRefusal(ip: string): AddressRefusal | null {
  const bare = ip.replace(/^\[|\]$/g, "");
  if (net.isIPv4(bare)) return classifyV4(ipv4ToInt(bare)!);
  const b = ipv6Bytes(bare);
  if (!b) return "reserved";
  return classifyV6(b);
}
