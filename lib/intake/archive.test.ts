import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { intake } from "./index";
import path from "node:path";
// shared/ sits beside the repository (locally and in CI).
const SHARED = path.resolve(import.meta.dirname, "../../../shared");

/** Hostile and edge-case archives written by others (see MANIFEST.md there). */
const ZIPS = SHARED + "/testdata/zips";

function corpus(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.zip$|\.notzip$/.test(n)) out.push(relative(ZIPS, p));
    }
  };
  walk(ZIPS);
  return out.sort();
}

const load = (rel: string) => new Uint8Array(readFileSync(join(ZIPS, rel)));

/** What each hostile archive must produce: the error code and a phrase of the reason. */
const EXPECTED: Record<string, [code: string, reason: RegExp]> = {
  "generated/absolute-paths.zip": ["ARCHIVE_UNSAFE", /is an absolute path.*is a drive path/],
  "generated/duplicate-names.zip": ["ARCHIVE_UNSAFE", /appears twice/],
  "generated/encrypted-zipcrypto-pw-infected.zip": ["ARCHIVE_UNSAFE", /is encrypted/],
  "generated/eocd-bad-cd-offset.zip": ["FORMAT_UNRECOGNIZED", /cannot be read: its central directory offset points outside the file/],
  "generated/lfh-cd-name-mismatch.zip": ["ARCHIVE_UNSAFE", /names disagree.*path traversal/],
  "generated/lying-uncompressed-size.zip": ["ARCHIVE_UNSAFE", /inflates to more than its header declares \(16 bytes\); stopped after \d+ bytes/],
  "generated/many-entries-8000.zip": ["ARCHIVE_UNSAFE", /8000 entries; at most 100/],
  "generated/nested-3x10-10MiB.zip": ["ARCHIVE_UNSAFE", /is itself an archive/],
  "generated/odd-names.zip": ["FORMAT_UNRECOGNIZED", /nothing from this upload was stored/],
  "generated/overlap-1000x10MiB.zip": ["ARCHIVE_UNSAFE", /1000 entries/],
  "generated/overlap-samename-1000x10MiB.zip": ["ARCHIVE_UNSAFE", /1000 entries/],
  "generated/ratio-bomb-200MB.zip": ["ARCHIVE_UNSAFE", /declares 200 MiB unpacked/],
  "generated/special-modes.zip": ["ARCHIVE_UNSAFE", /"char-device" is a device file; .*"fifo" is a named pipe/],
  "generated/symlink-dir-then-write.zip": ["ARCHIVE_UNSAFE", /"dir" is a symbolic link/],
  "generated/symlink-escape.zip": ["ARCHIVE_UNSAFE", /is a symbolic link/],
  "generated/traversal-variants.zip": ["ARCHIVE_UNSAFE", /path traversal/],
  "generated/truncated-no-eocd.zip": ["FORMAT_UNRECOGNIZED", /no end-of-central-directory record/],
  "go-archive-zip-testdata/readme.notzip": ["FORMAT_UNRECOGNIZED", /binary data/],
  "go-archive-zip-testdata/symlink.zip": ["ARCHIVE_UNSAFE", /"symlink" is a symbolic link/],
  "go-archive-zip-testdata/test-baddirsz.zip": ["FORMAT_UNRECOGNIZED", /central directory is damaged/],
  "go-archive-zip-testdata/test-prefix.zip": ["ARCHIVE_UNSAFE", /43 bytes of other data before the archive/],
  "recursiveextractor/bombs/zbsm.zip": ["ARCHIVE_UNSAFE", /250 entries/],
  "recursiveextractor/encrypted/TestDataEncryptedAES.zip": ["ARCHIVE_UNSAFE", /is encrypted/],
  "recursiveextractor/encrypted/TestDataEncryptedZipCrypto.zip": ["ARCHIVE_UNSAFE", /is encrypted/],
  "recursiveextractor/nested/NestedFormatsTest.zip": ["ARCHIVE_UNSAFE", /"content\.ace" is itself an archive/],
  "recursiveextractor/nested/TestData.zip": ["FORMAT_UNRECOGNIZED", /nothing from this upload was stored/],
  "recursiveextractor/nested/TestDataArchivesNested.zip": ["ARCHIVE_UNSAFE", /is itself an archive/],
  "recursiveextractor/nested/TestDataCorrupt.tar.zip": ["ARCHIVE_UNSAFE", /is itself an archive/],
  "recursiveextractor/zip-slip/zip-slip-win.zip": ["ARCHIVE_UNSAFE", /path traversal/],
  "recursiveextractor/zip-slip/zip-slip.zip": ["ARCHIVE_UNSAFE", /path traversal/],
};

/** A minimal stored zip built by hand, for header tricks no archiver writes on purpose. */
function handZip(entries: { name: string; data: Uint8Array; extra?: Uint8Array; externalAttributes?: number }[]): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const extra = Buffer.from(e.extra ?? new Uint8Array(0));
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(extra.length, 28);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(0x0314, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(e.data.length, 20);
    cd.writeUInt32LE(e.data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt16LE(extra.length, 30);
    cd.writeUInt32LE((e.externalAttributes ?? 0o100644 << 16) >>> 0, 38);
    cd.writeUInt32LE(offset, 42);
    parts.push(local, name, extra, Buffer.from(e.data));
    central.push(cd, name, extra);
    offset += 30 + name.length + extra.length + e.data.length;
  }
  const cdBytes = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, cdBytes, eocd]));
}

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

const R3_PEM = readFileSync(SHARED + "/testdata/certs/real-chains/letsencrypt/lets-encrypt-r3.pem");

describe("intake: hand-made header tricks", () => {
  it("reads a plain hand-made zip (the builder itself is sound)", async () => {
    const r = await intake([{ name: "ok.zip", bytes: handZip([{ name: "r3.pem", data: R3_PEM }]) }]);
    expect(r.findings).toEqual([]);
    expect(r.items).toHaveLength(1);
  });

  it("refuses an ASCII name whose Info-ZIP Unicode Path extra field names another file", async () => {
    const upath = Buffer.from("../../etc/cron.d/x");
    const extra = Buffer.concat([Buffer.from([0x75, 0x70]), Buffer.from([(5 + upath.length) & 0xff, 0]), Buffer.from([1, 0, 0, 0, 0]), upath]);
    const r = await intake([{ name: "u.zip", bytes: handZip([{ name: "r3.pem", data: R3_PEM, extra }]) }]);
    expect(r.findings.map((f) => f.code)).toEqual(["ARCHIVE_UNSAFE"]);
    expect(r.findings[0]!.message).toMatch(/path traversal/);
    expect(r.findings[0]!.message).toMatch(/also carries the different name/);
  });

  it("refuses a symlink entry even when it is named like a certificate", async () => {
    const r = await intake([{ name: "l.zip", bytes: handZip([{ name: "leaf.pem", data: Buffer.from("/etc/passwd"), externalAttributes: (0o120777 << 16) >>> 0 }]) }]);
    expect(r.findings[0]!.message).toMatch(/"leaf\.pem" is a symbolic link/);
    expect(r.refused).toBe(true);
  });
});

describe("intake: hostile archives", () => {
  const files = corpus();

  it("finds the whole corpus", () => {
    expect(files.length).toBeGreaterThanOrEqual(45);
    for (const rel of Object.keys(EXPECTED)) expect(files).toContain(rel);
  });

  it.each(files)("%s → an error finding, no items, no exception", async (rel) => {
    const r = await intake([{ name: rel.split("/").pop()!, bytes: load(rel) }]);
    expect(r.items).toEqual([]);
    const errors = r.findings.filter((f) => f.severity === "error");
    expect(errors.length).toBeGreaterThan(0);
    const expected = EXPECTED[rel];
    if (expected) {
      expect(errors.map((f) => f.code)).toContain(expected[0]);
      expect(errors.find((f) => f.code === expected[0])!.message).toMatch(expected[1]);
      // Unsafe archives and anything not understood are refused whole: nothing of them is stored.
      expect(r.refused).toBe(true);
    } else {
      // Benign Go archives: readable, with no certificates in them — files Certdesk does not understand, refused.
      expect([...new Set(errors.map((f) => f.code))]).toEqual(["FORMAT_UNRECOGNIZED"]);
      expect(r.refused).toBe(true);
    }
  });

  it("detects overlapping entries (Fifield) when the entry-count limit does not stop them first", async () => {
    for (const rel of ["recursiveextractor/bombs/zbsm.zip", "generated/overlap-samename-1000x10MiB.zip", "generated/overlap-1000x10MiB.zip"]) {
      const r = await intake([{ name: "bomb.zip", bytes: load(rel) }], { maxEntries: 10_000 });
      expect(r.findings.map((f) => f.code)).toEqual(["ARCHIVE_UNSAFE"]);
      expect(r.findings[0]!.message).toMatch(/overlapping entries/);
    }
  });

  it("stops the 10 GiB bomb (declared size wrapped mod 2^32) by its headers, and by UPLOAD_TOO_LARGE at default limits", async () => {
    const bytes = new Uint8Array(execFileSync("bunzip2", ["-c", join(ZIPS, "recursiveextractor/bombs/10GB.zip.bz2")], { maxBuffer: 64 * 1024 * 1024 }));
    expect(bytes.length).toBe(10_191_787);
    const atDefaults = await intake([{ name: "10GB.zip", bytes }]);
    expect(atDefaults.findings.map((f) => f.code)).toEqual(["UPLOAD_TOO_LARGE"]);
    const r = await intake([{ name: "10GB.zip", bytes }], { maxUploadBytes: 20 * 1024 * 1024 });
    expect(r.findings.map((f) => f.code)).toEqual(["ARCHIVE_UNSAFE"]);
    expect(r.findings[0]!.message).toMatch(/declares 1808 MiB unpacked/);
  });

  it("stops inflating while streaming when the headers lie below every limit", async () => {
    // The 10 GiB bomb with its sizes rewritten to claim 1000 bytes: every header check passes,
    // so only the byte counter stands between us and 10 GiB.
    const bytes = new Uint8Array(execFileSync("bunzip2", ["-c", join(ZIPS, "recursiveextractor/bombs/10GB.zip.bz2")], { maxBuffer: 64 * 1024 * 1024 }));
    const view = new DataView(bytes.buffer);
    const eocd = bytes.length - 22;
    expect(view.getUint32(eocd, true)).toBe(0x06054b50);
    const cd = view.getUint32(eocd + 16, true);
    view.setUint32(cd + 24, 1000, true);
    view.setUint32(view.getUint32(cd + 42, true) + 22, 1000, true);
    const r = await intake([{ name: "10GB.zip", bytes }], { maxUploadBytes: 20 * 1024 * 1024 });
    expect(r.findings.map((f) => f.code)).toEqual(["ARCHIVE_UNSAFE"]);
    const stopped = /declares \(1000 bytes\); stopped after (\d+) bytes/.exec(r.findings[0]!.message);
    expect(stopped).not.toBeNull();
    // One inflate step past the declared size at most, never the 10 GiB.
    expect(Number(stopped![1])).toBeLessThanOrEqual(1000 + 64 * 1024);

    const lying = await intake([{ name: "lying.zip", bytes: load("generated/lying-uncompressed-size.zip") }]);
    expect(Number(/stopped after (\d+) bytes/.exec(lying.findings[0]!.message)![1])).toBeLessThanOrEqual(16 + 64 * 1024);
  });
});
