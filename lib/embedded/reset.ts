/**
 * `npm run reset`: deletes the local data. A recursive delete driven by an environment
 * variable is dangerous (CERTDESK_DATA_DIR=/ or =$HOME), so it only runs on a folder that
 * is inside the working directory, is not a link, and carries the marker we wrote.
 */
import { lstat, readdir, realpath, rm } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../config";
import { EmbeddedError } from "./errors";
import { DATA_DIR_MARKER } from "./keys";

/** Deletes everything inside the data dir (the dir itself stays). Returns the entries removed. */
export async function resetLocalData(config: Config, options: { cwd?: string } = {}): Promise<{ removed: string[] }> {
  if (config.mode !== "local") throw new EmbeddedError("Reset only works in local mode; it never touches AWS resources.");
  const cwd = await realpath(options.cwd ?? process.cwd());
  const dataDir = path.resolve(cwd, config.dataDir);
  let info;
  try {
    info = await lstat(dataDir);
  } catch {
    return { removed: [] };
  }
  if (info.isSymbolicLink() || !info.isDirectory()) {
    throw new EmbeddedError(`Refusing to reset ${dataDir}: it is a link or not a directory.`);
  }
  // realpath resolves links in the parents too: ./data -> / must not pass the "inside cwd" check.
  const real = await realpath(dataDir);
  const relative = path.relative(cwd, real);
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) {
    throw new EmbeddedError(`Refusing to reset ${real}: the data dir must be a folder inside ${cwd} (CERTDESK_DATA_DIR).`);
  }
  const entries = await readdir(real);
  if (entries.length === 0) return { removed: [] };
  if (!entries.includes(DATA_DIR_MARKER)) {
    throw new EmbeddedError(`Refusing to reset ${real}: it does not look like Certdesk's data (no ${DATA_DIR_MARKER} file).`);
  }
  // The marker goes last, so an interrupted reset can be run again.
  const ordered = [...entries.filter((e) => e !== DATA_DIR_MARKER), DATA_DIR_MARKER];
  for (const entry of ordered) {
    // rm removes a link itself, never what it points to.
    await rm(path.join(real, entry), { recursive: true, force: true });
  }
  return { removed: ordered };
}
