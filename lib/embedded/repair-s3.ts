/**
 * Crash safety of the embedded S3 server (issue 10). s3rver writes an object in three
 * steps — the bytes (`<name>._S3rver_object`), their MD5 (`….md5`), then the metadata
 * (`<name>._S3rver_metadata.json`) — with no rename or fsync between them. A `kill -9` in
 * between leaves an object whose metadata is missing, empty or cut short; s3rver then
 * answers 500 to every List (and to HEAD/GET of that key), so the portal stays "degraded"
 * until someone repairs the folder by hand.
 *
 * `repairEmbeddedS3` runs at start, before the server opens: every object whose metadata
 * is not a readable JSON object is moved whole into `<dataDir>/s3-quarantine/<time>/`
 * (nothing is deleted: its write never completed, so no row can point at it, and an
 * operator can still look), a damaged MD5 file is dropped (s3rver recomputes it), and
 * sidecar files whose object is gone are removed.
 */
import { mkdir, readdir, readFile, rename, rm, rmdir } from "node:fs/promises";
import path from "node:path";

const PREFIX = "._S3rver_";
const OBJECT = "._S3rver_object";
const MD5 = "._S3rver_object.md5";
const METADATA = "._S3rver_metadata.json";

export type S3RepairReport = {
  /** Objects looked at. */
  checked: number;
  /** Keys (bucket/key) moved to the quarantine folder. */
  quarantined: string[];
  quarantineDir: string | null;
  /** Metadata or MD5 files whose object no longer exists, removed. */
  removedSidecars: number;
  /** MD5 files that were not 32 hex digits, removed so s3rver recomputes them. */
  droppedMd5: number;
};

type Entry = { base: string; files: Set<string> };

/** Files under `dir` (recursive), grouped by the object name they belong to. */
async function collect(dir: string, into: Map<string, Entry>): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      // s3rver's own multipart staging folder; not objects.
      if (entry.name === `${PREFIX}uploads`) continue;
      await collect(full, into);
      continue;
    }
    for (const suffix of [MD5, OBJECT, METADATA]) {
      if (!entry.name.endsWith(suffix)) continue;
      const base = full.slice(0, -suffix.length);
      const e = into.get(base) ?? { base, files: new Set<string>() };
      e.files.add(suffix);
      into.set(base, e);
      break;
    }
  }
}

async function metadataIsReadable(file: string): Promise<boolean> {
  try {
    const text = await readFile(file, "utf8");
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

/** Removes now-empty folders from `dir` up to (not including) `root`, as s3rver does on delete. */
async function pruneEmpty(dir: string, root: string): Promise<void> {
  let current = dir;
  while (current.startsWith(root + path.sep) && current !== root) {
    if ((await readdir(current)).length > 0) return;
    await rmdir(current);
    current = path.dirname(current);
  }
}

/**
 * Checks every bucket under `directory` (s3rver's data folder) and repairs what an
 * interrupted write left behind. Safe to run on a healthy folder (it changes nothing) and
 * to run again after being interrupted itself (every step is a rename or a delete).
 *
 * @example
 * const report = await repairEmbeddedS3({ directory: ".certdesk/s3", quarantineRoot: ".certdesk/s3-quarantine", now: new Date() });
 */
export async function repairEmbeddedS3(options: { directory: string; quarantineRoot: string; now: Date }): Promise<S3RepairReport> {
  const report: S3RepairReport = { checked: 0, quarantined: [], quarantineDir: null, removedSidecars: 0, droppedMd5: 0 };
  const groups = new Map<string, Entry>();
  await collect(options.directory, groups);
  const stamp = options.now.toISOString().replace(/[:.]/g, "-");
  for (const { base, files } of [...groups.values()].sort((a, b) => a.base.localeCompare(b.base))) {
    const relative = path.relative(options.directory, base);
    if (!files.has(OBJECT)) {
      // Metadata of an object that is gone (a delete cut short): harmless, but not ours to keep.
      for (const suffix of [MD5, METADATA]) if (files.has(suffix)) await rm(base + suffix, { force: true });
      report.removedSidecars += files.size;
      await pruneEmpty(path.dirname(base), options.directory);
      continue;
    }
    report.checked++;
    if (!files.has(METADATA) || !(await metadataIsReadable(base + METADATA))) {
      const target = path.join(options.quarantineRoot, stamp, relative);
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      for (const suffix of [OBJECT, MD5, METADATA]) {
        if (files.has(suffix)) await rename(base + suffix, target + suffix);
      }
      report.quarantined.push(relative.split(path.sep).join("/"));
      report.quarantineDir = path.join(options.quarantineRoot, stamp);
      await pruneEmpty(path.dirname(base), options.directory);
      continue;
    }
    if (files.has(MD5)) {
      const md5 = await readFile(base + MD5, "utf8").catch(() => "");
      if (!/^[0-9a-f]{32}$/.test(md5)) {
        await rm(base + MD5, { force: true });
        report.droppedMd5++;
      }
    }
  }
  return report;
}

/** One line for the start log: what was checked and what was done. */
export function describeS3Repair(report: S3RepairReport, relativeTo: (p: string) => string = (p) => p): string {
  const done: string[] = [];
  if (report.quarantined.length) {
    done.push(
      `moved ${report.quarantined.length} object(s) with missing or broken metadata (an interrupted write) to ${relativeTo(report.quarantineDir!)}: ` +
        report.quarantined.slice(0, 5).join(", ") +
        (report.quarantined.length > 5 ? ", …" : ""),
    );
  }
  if (report.removedSidecars) done.push(`removed ${report.removedSidecars} metadata file(s) whose object was gone`);
  if (report.droppedMd5) done.push(`dropped ${report.droppedMd5} damaged checksum file(s) (recomputed on read)`);
  return `embedded S3 data checked (${report.checked} object(s)): ${done.length ? done.join("; ") : "intact"}`;
}

