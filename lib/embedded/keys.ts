/**
 * Local secrets: the AES-256 key that wraps every stored file's data key, and the
 * next-auth secret. Both live in the data dir, readable by their owner only. A file
 * readable by others would let any local user decrypt the stored certificates and
 * CSRs or forge sessions, so a loose mode stops the start instead of being "fixed".
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { chmod, lstat, mkdir, open, readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../config";
import { provideLocalKey } from "../storage/local-key";
import { EmbeddedError } from "./errors";

export const LOCAL_KEY_BYTES = 32;
/** Written into a data dir we created, so `resetLocalData` knows the folder is ours. */
export const DATA_DIR_MARKER = ".certdesk-data";
export const AUTH_SECRET_FILE = "auth-secret";

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, "0");
}

/** What Certdesk itself puts in the data dir; anything else means the folder is not ours. */
export const KNOWN_ENTRIES: readonly string[] = [DATA_DIR_MARKER, "wrapping-key", AUTH_SECRET_FILE, "db", "s3", "s3-quarantine", "outbox", "tmp", "ca"];

/**
 * Creates the data dir (0700) with its marker, or checks an existing one is private and
 * ours. A data dir pointed at someone else's folder (CERTDESK_DATA_DIR=$HOME) is refused
 * here, so the marker never lands in a folder `npm run reset` must not empty.
 */
export async function ensureDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const info = await lstat(dataDir);
  if (!info.isDirectory()) throw new EmbeddedError(`${dataDir} must be a directory (it is a link or a file).`);
  if ((info.mode & 0o077) !== 0) {
    throw new EmbeddedError(
      `${dataDir} is accessible to other users (mode ${octal(info.mode)}). It holds the wrapping key and the database; ` +
        `run: chmod 700 ${JSON.stringify(dataDir)}`,
    );
  }
  const entries = await readdir(dataDir);
  if (entries.includes(DATA_DIR_MARKER)) return;
  const foreign = entries.filter((e) => !KNOWN_ENTRIES.includes(e));
  if (foreign.length > 0) {
    throw new EmbeddedError(
      `${dataDir} already holds files that are not Certdesk's (${foreign.slice(0, 3).join(", ")}…). ` +
        "Point CERTDESK_DATA_DIR at an empty or new folder.",
    );
  }
  await writeNew(path.join(dataDir, DATA_DIR_MARKER), Buffer.from("Certdesk local data. `npm run reset` deletes this folder's contents.\n"));
}

/** Writes a file only if it does not exist yet (O_EXCL), mode 0600: two starts racing never overwrite a key. True when this call created it. */
export async function writeNew(file: string, bytes: Uint8Array): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  // umask can only narrow the mode; chmod makes it exact.
  await chmod(file, 0o600);
  return true;
}

/** Refuses a secret file that is a link, not private, or (for the key) not exactly the right length. */
async function checkSecretFile(file: string, what: string): Promise<void> {
  const info = await lstat(file);
  if (!info.isFile()) throw new EmbeddedError(`${what} ${file} must be a regular file (not a link or directory).`);
  if ((info.mode & 0o077) !== 0) {
    throw new EmbeddedError(
      `${what} ${file} is readable or writable by other users (mode ${octal(info.mode)}); refusing to start. ` +
        `If nobody else could have read it, run: chmod 600 ${JSON.stringify(file)}`,
    );
  }
}

function keyFileOf(config: Config): string {
  if (config.keyring.kind !== "local-aes") {
    throw new EmbeddedError("The local wrapping key is only used in local mode (CERTDESK_MODE=local).");
  }
  return config.keyring.keyFile;
}

/**
 * Creates `<dataDir>/wrapping-key` (32 random bytes, mode 0600) on first start; on later
 * starts checks it is still private and 32 bytes long.
 */
export async function ensureLocalKey(config: Config): Promise<{ keyFile: string; created: boolean }> {
  const keyFile = keyFileOf(config);
  await ensureDataDir(path.dirname(keyFile));
  const created = await writeNew(keyFile, randomBytes(LOCAL_KEY_BYTES));
  await readLocalKey(keyFile);
  // Storage takes its key from here (re-read, and re-checked, each time its keyring is built).
  provideLocalKey(keyFile, () => readLocalKey(keyFile));
  return { keyFile, created };
}

/** Reads the wrapping key after checking its mode and length. */
export async function readLocalKey(keyFile: string): Promise<Uint8Array> {
  try {
    await stat(keyFile);
  } catch {
    throw new EmbeddedError(`The wrapping key ${keyFile} does not exist. Start the portal with \`npm start\` to create it.`);
  }
  await checkSecretFile(keyFile, "The wrapping key");
  const key = await readFile(keyFile);
  if (key.length !== LOCAL_KEY_BYTES) {
    throw new EmbeddedError(
      `The wrapping key ${keyFile} is ${key.length} bytes, not ${LOCAL_KEY_BYTES}: it is damaged or not ours. ` +
        "Restore it from a backup; without it the stored files cannot be decrypted (`npm run reset` starts over).",
    );
  }
  return new Uint8Array(key);
}

/**
 * The next-auth secret: CERTDESK_AUTH_SECRET when set, else `<dataDir>/auth-secret`,
 * created (random, mode 0600) on first start so sessions survive restarts.
 */
export async function ensureAuthSecret(config: Config): Promise<string> {
  if (config.auth.secret) return config.auth.secret;
  if (config.mode !== "local") throw new EmbeddedError("CERTDESK_AUTH_SECRET must be set in aws mode.");
  await ensureDataDir(config.dataDir);
  const file = path.join(config.dataDir, AUTH_SECRET_FILE);
  await writeNew(file, Buffer.from(randomBytes(48).toString("base64url")));
  await checkSecretFile(file, "The auth secret");
  const secret = (await readFile(file, "utf8")).trim();
  if (secret.length < 32) throw new EmbeddedError(`The auth secret in ${file} is shorter than 32 characters; delete the file to make a new one.`);
  return secret;
}
