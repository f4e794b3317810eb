import JSZip from "jszip";
import { archiveKind } from "./classify";
import { cleanFileName, displayName, plainBytes } from "./messages";
import type { IntakeLimits } from "./types";

/**
 * A defensive .zip reader.
 *
 * The archive's structure (end record, central directory, every local header)
 * is parsed and checked here, byte by byte, BEFORE anything is inflated: a zip
 * can disagree with itself (central vs local names, overlapping entries, sizes
 * that lie), and each unpacker trusts a different part. Only when the structure
 * is unambiguous are entries inflated, one at a time, through jszip's streaming
 * worker with a byte counter that aborts as soon as an entry produces more than
 * its header declared or any limit allows — headers can lie, the counter cannot.
 */

export type ArchiveEntry = {
  /** Entry path as stored, without invisible characters (display with `displayName`). */
  name: string;
  bytes: Uint8Array;
  /**
   * Archiver metadata (`__MACOSX/`, `.DS_Store`, `Thumbs.db`…): not the partner's files, so not
   * classified, but still inflated (within the same limits) and searched for key material —
   * the original archive is stored whole, and a key must not ride along under a junk name.
   */
  metadata?: boolean;
};

export type ArchiveRead =
  /** Entries worth classifying; `unreadable` lists entries we could not inflate (damaged, unknown method). */
  | { kind: "entries"; entries: ArchiveEntry[]; unreadable: { name: string; reason: string }[] }
  /** Refuse the whole archive: `reasons` are plain-language, entry names sanitised. */
  | { kind: "unsafe"; reasons: string[] }
  /** Not a readable zip (truncated, corrupt directory). */
  | { kind: "damaged"; reason: string }
  /**
   * A zip container that is really an office document or a Java archive. `entries`
   * holds its inflated parts when it was safe to open (for the private-key scan), else [].
   */
  | { kind: "document"; what: string; entries: ArchiveEntry[] };

type CentralEntry = {
  name: string;
  nameBytes: Uint8Array;
  unicodePath?: string;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  externalAttributes: number;
  hostSystem: number;
  aesExtra: boolean;
};

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;

/** Names that archivers add and that hold nothing of the partner's. */
function isJunk(name: string): boolean {
  const parts = name.replace(/\\/g, "/").split("/");
  const base = parts[parts.length - 1] ?? "";
  return parts[0] === "__MACOSX" || base === ".DS_Store" || base.startsWith("._") || base === "Thumbs.db" || base === "desktop.ini";
}

const NESTED_EXTENSIONS = /\.(zip|zipx|jar|war|ear|apk|7z|rar|tar|tgz|tbz2?|txz|gz|bz2|xz|zst|lz|lzma|z|cab|ace|arj|lzh|lha|deb|rpm|iso|dmg|cpio|xar|docx|xlsx|pptx|odt|ods)$/i;

/** Why an entry name is dangerous to anything that might extract it, or undefined. */
export function unsafeName(name: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(name)) return "has control characters (e.g. NUL) in its name";
  // Both separators: Windows extractors treat backslash as one.
  const n = name.replace(/\\/g, "/");
  if (n.startsWith("//")) return "is a UNC network path";
  if (n.startsWith("/")) return "is an absolute path";
  if (/^[A-Za-z]:/.test(n)) return "is a drive path";
  if (n.split("/").some((s) => s === "..")) return "climbs out of the archive with '..' (path traversal)";
  if (n.replace(/[/.]/g, "") === "") return "does not name a file";
  return undefined;
}

function u16(b: Uint8Array, p: number): number {
  return b[p]! | (b[p + 1]! << 8);
}
function u32(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}
function u64(b: Uint8Array, p: number): number {
  // Values above 2^53 are absurd for a 1 MiB upload; the precision loss only makes them "too big".
  return u32(b, p) + u32(b, p + 4) * 2 ** 32;
}

function decodeName(bytes: Uint8Array, utf8Flag: boolean): string {
  const ascii = bytes.every((b) => b < 0x80);
  if (ascii || utf8Flag) return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  // Legacy code page (CP437 in the spec): latin1 is close enough for display and checks.
  return new TextDecoder("latin1").decode(bytes);
}

class Damaged extends Error {}

/** Offset of the end-of-central-directory record, or -1. */
function endRecordAt(b: Uint8Array): number {
  const min = Math.max(0, b.length - 22 - 0xffff);
  for (let p = b.length - 22; p >= min; p--) {
    // "P" first: every upload that is not a zip is searched end to end (a PEM file has few).
    if (b[p] === 0x50 && u32(b, p) === SIG_EOCD) return p;
  }
  return -1;
}

function findEndRecord(b: Uint8Array): number {
  const p = endRecordAt(b);
  if (p < 0) throw new Damaged("it has no end-of-central-directory record (the file is cut short or not a zip)");
  return p;
}

/**
 * True when the bytes END like a zip even though they do not start like one:
 * self-extracting archives and polyglots (a PEM or image with a zip appended).
 * Such files go through the archive reader, which refuses the prefix.
 */
export function hasZipEndRecord(b: Uint8Array): boolean {
  // Every upload that is not a zip asks this: answer without building an Error (and its stack).
  const eocd = endRecordAt(b);
  if (eocd < 0) return false;
  try {
    const cdStart = eocd - u32(b, eocd + 12);
    return u16(b, eocd + 10) > 0 && cdStart >= 0 && u32(b, cdStart) === SIG_CENTRAL;
  } catch {
    return false;
  }
}

type Directory = { entries: CentralEntry[]; cdStart: number; declaredCount: number; prefix: number };

function readDirectory(b: Uint8Array, limits: IntakeLimits): Directory | { tooMany: number } {
  const eocd = findEndRecord(b);
  if (u16(b, eocd + 4) !== 0 || u16(b, eocd + 6) !== 0) throw new Damaged("it is one part of a split (multi-volume) archive");
  let count = u16(b, eocd + 10);
  let cdSize = u32(b, eocd + 12);
  let cdOffset = u32(b, eocd + 16);
  let cdEnd = eocd;
  if (eocd >= 20 && u32(b, eocd - 20) === SIG_ZIP64_LOCATOR) {
    const z = u64(b, eocd - 12);
    if (z + 56 > eocd - 20 || u32(b, z) !== SIG_ZIP64_EOCD) throw new Damaged("its zip64 end record is missing or misplaced");
    count = u64(b, z + 32);
    cdSize = u64(b, z + 40);
    cdOffset = u64(b, z + 48);
    cdEnd = z;
  }
  // Refuse on the declared count before touching the directory: metadata exhaustion.
  if (count > limits.maxEntries) return { tooMany: count };
  const cdStart = cdEnd - cdSize;
  if (cdStart < 0) throw new Damaged("its central directory size points outside the file");
  // Data before the first entry (self-extracting stubs, polyglot files) shifts every offset.
  const prefix = cdStart - cdOffset;
  if (prefix < 0) throw new Damaged("its central directory offset points outside the file");

  const entries: CentralEntry[] = [];
  let p = cdStart;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cdEnd || u32(b, p) !== SIG_CENTRAL) throw new Damaged("its central directory is damaged");
    const flags = u16(b, p + 8);
    const nameLen = u16(b, p + 28);
    const extraLen = u16(b, p + 30);
    const commentLen = u16(b, p + 32);
    const next = p + 46 + nameLen + extraLen + commentLen;
    if (next > cdEnd) throw new Damaged("its central directory is damaged");
    const nameBytes = b.slice(p + 46, p + 46 + nameLen);
    const entry: CentralEntry = {
      name: decodeName(nameBytes, (flags & 0x0800) !== 0),
      nameBytes,
      flags,
      method: u16(b, p + 10),
      crc32: u32(b, p + 16),
      compressedSize: u32(b, p + 20),
      uncompressedSize: u32(b, p + 24),
      localHeaderOffset: u32(b, p + 42),
      externalAttributes: u32(b, p + 38),
      hostSystem: b[p + 5]!,
      aesExtra: false,
    };
    // Extra fields: zip64 sizes, WinZip AES, Info-ZIP Unicode path (a second name that unpackers may prefer).
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = u16(b, e);
      const size = u16(b, e + 2);
      const d = e + 4;
      if (d + size > extraEnd) break;
      if (id === 0x0001) {
        let q = d;
        const take = (): number => {
          if (q + 8 > d + size) throw new Damaged("a zip64 extra field is cut short");
          const v = u64(b, q);
          q += 8;
          return v;
        };
        if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = take();
        if (entry.compressedSize === 0xffffffff) entry.compressedSize = take();
        if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = take();
      } else if (id === 0x9901) {
        entry.aesExtra = true;
      } else if (id === 0x7075 && size > 5) {
        entry.unicodePath = new TextDecoder("utf-8", { fatal: false }).decode(b.subarray(d + 5, d + size));
      }
      e = d + size;
    }
    entries.push(entry);
    p = next;
  }
  if (p !== cdEnd) throw new Damaged("its central directory does not match its end record");
  return { entries, cdStart, declaredCount: count, prefix };
}

function isDirectory(e: CentralEntry): boolean {
  return (e.name.endsWith("/") || e.name.endsWith("\\")) && e.uncompressedSize === 0;
}

/** Unix file type from the high half of the external attributes (set by Unix and macOS archivers). */
function specialFileType(e: CentralEntry): string | undefined {
  const mode = e.externalAttributes >>> 16;
  switch (mode & 0o170000) {
    case 0o120000:
      return "is a symbolic link";
    case 0o020000:
    case 0o060000:
      return "is a device file";
    case 0o010000:
      return "is a named pipe (FIFO)";
    case 0o140000:
      return "is a socket";
    default:
      // MS-DOS attribute 0x400: NTFS reparse point (junction or symlink).
      return (e.externalAttributes & 0x400) !== 0 && e.hostSystem !== 3 ? "is a link (NTFS reparse point)" : undefined;
  }
}

function officeKind(names: string[]): string | undefined {
  const has = (prefix: string) => names.some((n) => n.startsWith(prefix));
  if (names.includes("[Content_Types].xml")) {
    if (has("word/")) return "a Word document (.docx) — certificates pasted into a document cannot be read";
    if (has("xl/")) return "an Excel workbook (.xlsx)";
    if (has("ppt/")) return "a PowerPoint presentation (.pptx)";
    return "a Microsoft Office document";
  }
  if (names[0] === "mimetype" && has("META-INF/manifest.xml")) return "an OpenDocument file";
  if (names.includes("META-INF/MANIFEST.MF") && names.some((n) => n.endsWith(".class"))) return "a Java archive (.jar)";
  return undefined;
}

const MIB = 1024 * 1024;
/** Below this many output bytes the ratio check does not apply: tiny files can compress very well. */
const RATIO_GRACE_BYTES = 64 * 1024;

function formatBytes(n: number): string {
  return n >= MIB ? `${(n / MIB).toFixed(n % MIB === 0 ? 0 : 1)} MiB` : `${n} bytes`;
}

/**
 * Reads a .zip upload safely. Never throws; never inflates more than the limits allow.
 *
 * @example
 * const r = await readArchive(zipBytes, DEFAULT_LIMITS);
 * if (r.kind === "entries") for (const e of r.entries) classifyBytes(e.bytes, { file: "chain.zip", entry: e.name });
 */
export async function readArchive(bytes: Uint8Array, limits: IntakeLimits): Promise<ArchiveRead> {
  try {
    return await readArchiveUnchecked(plainBytes(bytes), limits);
  } catch (e) {
    if (e instanceof Damaged) return { kind: "damaged", reason: e.message };
    return { kind: "damaged", reason: "its structure could not be read" };
  }
}

async function readArchiveUnchecked(b: Uint8Array, limits: IntakeLimits): Promise<ArchiveRead> {
  const dir = readDirectory(b, limits);
  if ("tooMany" in dir) {
    return { kind: "unsafe", reasons: [`it holds ${dir.tooMany} entries; at most ${limits.maxEntries} are accepted`] };
  }
  // One line per kind of problem (the first entry named, the rest counted): a bomb with 250 entries must
  // not bury its overlap behind 250 size complaints.
  const byKind = new Map<string, { text: string; more: number }>();
  const add = (entry: CentralEntry | undefined, kind: string, why: string) => {
    const seenKind = byKind.get(kind);
    if (seenKind) seenKind.more++;
    else byKind.set(kind, { text: entry ? `entry "${displayName(entry.name, 80)}" ${why}` : why, more: 0 });
  };
  if (dir.prefix > 0) add(undefined, "prefix", `it has ${dir.prefix} bytes of other data before the archive (a self-extracting or disguised file)`);

  // Documents are still opened safely: a private key pasted into a Word file must be found.
  const office = dir.prefix === 0 ? officeKind(dir.entries.map((e) => e.name)) : undefined;

  const seen = new Set<string>();
  const spans: { start: number; end: number; entry: CentralEntry }[] = [];
  let declaredTotal = 0;
  for (const e of dir.entries) {
    const nameProblem = unsafeName(e.name) ?? (e.unicodePath !== undefined ? unsafeName(e.unicodePath) : undefined);
    if (nameProblem) add(e, `name:${nameProblem}`, nameProblem);
    // The Info-ZIP Unicode Path field is a second name that some unpackers (jszip among them) prefer.
    // For an ASCII name it can only differ to deceive; for legacy code-page names it is the UTF-8 spelling.
    if (e.unicodePath !== undefined && e.nameBytes.every((x) => x < 0x80) && e.unicodePath !== e.name) {
      add(e, "unicode-name", `also carries the different name "${displayName(e.unicodePath, 80)}" (names disagree)`);
    }
    const special = specialFileType(e);
    if (special) add(e, `special:${special}`, special);
    // Bit 0: traditional PKWARE encryption; bit 6: strong encryption; bit 13: encrypted directory; method 99: WinZip AES.
    if ((e.flags & 0x0001) !== 0 || (e.flags & 0x0040) !== 0 || (e.flags & 0x2000) !== 0 || e.method === 99 || e.aesExtra) {
      add(e, "encrypted", "is encrypted (password-protected archives cannot be checked)");
    }
    const key = e.name.replace(/\\/g, "/");
    if (seen.has(key)) add(e, "duplicate", "appears twice (unpackers disagree about which copy wins)");
    seen.add(key);
    if (isDirectory(e)) continue;
    if (NESTED_EXTENSIONS.test(e.name) && !office && !isJunk(e.name)) add(e, "nested", "is itself an archive (archives inside archives are not accepted)");
    if (e.uncompressedSize > limits.maxEntryBytes) add(e, "entry-size", `declares ${formatBytes(e.uncompressedSize)} unpacked (limit ${formatBytes(limits.maxEntryBytes)})`);
    if (e.uncompressedSize > RATIO_GRACE_BYTES && e.uncompressedSize > limits.maxRatio * Math.max(1, e.compressedSize)) {
      add(e, "ratio", `expands ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))}:1 (a decompression bomb; limit ${limits.maxRatio}:1)`);
    }
    declaredTotal += e.uncompressedSize;

    // The local header must agree with the directory: different unpackers trust different ones.
    const lho = dir.prefix + e.localHeaderOffset;
    if (lho + 30 > dir.cdStart || u32(b, lho) !== SIG_LOCAL) throw new Damaged(`the local header of entry "${displayName(e.name, 80)}" is missing`);
    const localFlags = u16(b, lho + 6);
    const localMethod = u16(b, lho + 8);
    const localNameLen = u16(b, lho + 26);
    const localExtraLen = u16(b, lho + 28);
    const localName = b.subarray(lho + 30, lho + 30 + localNameLen);
    const sameName = localName.length === e.nameBytes.length && localName.every((x, i) => x === e.nameBytes[i]);
    if (!sameName) {
      add(e, "name-mismatch", `is called "${displayName(decodeName(localName, (localFlags & 0x0800) !== 0), 80)}" in its local header (names disagree)`);
    }
    if (localMethod !== e.method || (localFlags & 0x0001) !== (e.flags & 0x0001)) add(e, "header-mismatch", "has a local header that disagrees with the directory");
    const dataStart = lho + 30 + localNameLen + localExtraLen;
    const dataEnd = dataStart + e.compressedSize;
    if (dataEnd > dir.cdStart) throw new Damaged(`entry "${displayName(e.name, 80)}" runs past the end of the data`);
    spans.push({ start: lho, end: dataEnd, entry: e });
  }
  if (declaredTotal > limits.maxTotalBytes) add(undefined, "total-size", `its entries declare ${formatBytes(declaredTotal)} unpacked in all (limit ${formatBytes(limits.maxTotalBytes)})`);
  // Overlapping entries (David Fifield's non-recursive zip bomb) reuse one compressed kernel many times.
  spans.sort((x, y) => x.start - y.start);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]!.start < spans[i - 1]!.end) {
      add(spans[i]!.entry, "overlap", `shares its bytes with entry "${displayName(spans[i - 1]!.entry.name, 80)}" (overlapping entries: a zip bomb)`);
      break;
    }
  }
  if (office && byKind.size > 0) return { kind: "document", what: office, entries: [] };
  if (byKind.size > 0) {
    // Structural attacks first: they explain the size complaints that follow from them.
    const order = ["overlap", "name-mismatch", "header-mismatch", "prefix"];
    const kinds = [...byKind.keys()].sort((a, b) => (order.includes(b) ? 1 : 0) - (order.includes(a) ? 1 : 0));
    const reasons = kinds.map((k) => {
      const r = byKind.get(k)!;
      return r.more > 0 ? `${r.text} (and ${r.more} more like it)` : r.text;
    });
    return { kind: "unsafe", reasons };
  }

  // Structure is unambiguous: inflate, counting every byte.
  const entries: ArchiveEntry[] = [];
  const unreadable: { name: string; reason: string }[] = [];
  let total = 0;
  const refuse = (reason: string): ArchiveRead => {
    // Entries inflated so far may hold key material: wipe our copies before giving up.
    for (const x of entries) x.bytes.fill(0);
    return { kind: "unsafe", reasons: [reason] };
  };
  for (const span of spans.sort((x, y) => dir.entries.indexOf(x.entry) - dir.entries.indexOf(y.entry))) {
    const e = span.entry;
    const compressed = b.subarray(span.end - e.compressedSize, span.end);
    const cap = Math.min(e.uncompressedSize, limits.maxEntryBytes, limits.maxTotalBytes - total);
    let out: Uint8Array;
    if (e.method === 0) {
      if (e.compressedSize !== e.uncompressedSize) return refuse(`entry "${displayName(e.name, 80)}" is stored with sizes that disagree (${e.compressedSize} vs ${e.uncompressedSize})`);
      out = compressed.slice();
    } else if (e.method === 8) {
      const r = await inflateCounted(compressed, e.uncompressedSize, cap);
      if (r.kind === "over") {
        return refuse(
          `entry "${displayName(e.name, 80)}" inflates to more than its header declares (${formatBytes(e.uncompressedSize)}); stopped after ${formatBytes(r.produced)} — a decompression bomb`,
        );
      }
      if (r.kind === "corrupt") {
        unreadable.push({ name: e.name, reason: "its compressed data is damaged" });
        continue;
      }
      out = r.bytes;
    } else {
      unreadable.push({ name: e.name, reason: `it uses compression method ${e.method}, which Certdesk does not read (use standard Deflate)` });
      continue;
    }
    if (out.length !== e.uncompressedSize || crc32(out) !== e.crc32) {
      out.fill(0);
      unreadable.push({ name: e.name, reason: "its content does not match its checksum (the archive is damaged)" });
      continue;
    }
    total += out.length;
    const nested = archiveKind(out);
    if (nested) {
      out.fill(0);
      if (office) continue; // embedded objects of a document are not unpacked
      return refuse(`entry "${displayName(e.name, 80)}" is itself a ${nested} archive (archives inside archives are not accepted)`);
    }
    // The name reaches messages, stored findings and downloads: without bidi overrides or other invisible characters.
    entries.push({ name: cleanFileName(e.name), bytes: out, ...(isJunk(e.name) ? { metadata: true } : {}) });
  }
  return office ? { kind: "document", what: office, entries } : { kind: "entries", entries, unreadable };
}

type Inflated = { kind: "ok"; bytes: Uint8Array } | { kind: "over"; produced: number } | { kind: "corrupt" };

/**
 * Inflates raw Deflate data through jszip's streaming worker, aborting as soon
 * as the output exceeds `cap`. jszip inflates from a zip it parses itself, so
 * the entry is wrapped in a minimal one-entry zip that we build: jszip then sees
 * exactly the bytes we validated, under a name we chose.
 */
async function inflateCounted(compressed: Uint8Array, declaredSize: number, cap: number): Promise<Inflated> {
  const mini = singleEntryZip(compressed, declaredSize);
  try {
    return await inflateMini(mini, cap);
  } finally {
    // Our copy of the compressed entry may hold a key: wipe it once inflating is over.
    mini.fill(0);
  }
}

async function inflateMini(mini: Uint8Array, cap: number): Promise<Inflated> {
  const zip = await JSZip.loadAsync(mini);
  const file = zip.file("e") as unknown as { internalStream(type: "uint8array"): JSZip.JSZipStreamHelper<Uint8Array> } | null;
  if (!file) return { kind: "corrupt" };
  return new Promise<Inflated>((resolve) => {
    const chunks: Uint8Array[] = [];
    let produced = 0;
    let settled = false;
    const helper = file.internalStream("uint8array");
    const settle = (r: Inflated) => {
      if (settled) return;
      settled = true;
      helper.pause();
      resolve(r);
    };
    helper.on("data", (chunk) => {
      if (settled) return;
      produced += chunk.length;
      if (produced > cap) {
        for (const c of chunks) c.fill(0);
        chunks.length = 0;
        settle({ kind: "over", produced });
        return;
      }
      // Kept as is (pako hands over a fresh buffer per chunk) and wiped after concatenation.
      chunks.push(chunk);
    });
    helper.on("error", () => settle({ kind: "corrupt" }));
    helper.on("end", () => {
      const out = new Uint8Array(produced);
      let o = 0;
      for (const c of chunks) {
        out.set(c, o);
        o += c.length;
        c.fill(0);
      }
      settle({ kind: "ok", bytes: out });
    });
    helper.resume();
  });
}

/**
 * A one-entry zip named "e" holding `compressed` as Deflate data. jszip does not
 * check the CRC (we do); it does compare the output length with `declaredSize` at the end.
 */
function singleEntryZip(compressed: Uint8Array, declaredSize: number): Uint8Array {
  const n = compressed.length;
  const out = new Uint8Array(30 + 1 + n + 46 + 1 + 22);
  const v = new DataView(out.buffer);
  v.setUint32(0, SIG_LOCAL, true);
  v.setUint16(4, 20, true);
  v.setUint16(8, 8, true);
  v.setUint32(18, n, true);
  v.setUint32(22, declaredSize, true);
  v.setUint16(26, 1, true);
  out[30] = 0x65;
  out.set(compressed, 31);
  const c = 31 + n;
  v.setUint32(c, SIG_CENTRAL, true);
  v.setUint16(c + 4, 20, true);
  v.setUint16(c + 6, 20, true);
  v.setUint16(c + 10, 8, true);
  v.setUint32(c + 20, n, true);
  v.setUint32(c + 24, declaredSize, true);
  v.setUint16(c + 28, 1, true);
  out[c + 46] = 0x65;
  const eocd = c + 47;
  v.setUint32(eocd, SIG_EOCD, true);
  v.setUint16(eocd + 8, 1, true);
  v.setUint16(eocd + 10, 1, true);
  v.setUint32(eocd + 12, 47, true);
  v.setUint32(eocd + 16, c, true);
  return out;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
