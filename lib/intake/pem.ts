/**
 * PEM scanning that tolerates what partners actually send (CRLF, BOM, indented
 * lines, `openssl x509 -text` output and PKCS#12 "Bag Attributes" around the
 * blocks) and reports broken armour by block and line.
 *
 * Private-key blocks are recognised by their BEGIN line and never decoded:
 * their bodies are not copied into any buffer or message.
 */

export type PemBlock = {
  /** Label from the BEGIN line, upper-cased, e.g. `CERTIFICATE`. Safe to show (restricted alphabet). */
  label: string;
  /** 1-based line numbers. */
  beginLine: number;
  endLine: number;
  /** True for any `... PRIVATE KEY` label: the body was not decoded. */
  privateKey: boolean;
  /** Decoded body (absent for private keys and broken blocks). */
  der?: Uint8Array;
  /** Why the block is malformed, naming lines but never quoting the body. */
  problem?: string;
};

export type PemScan = {
  blocks: PemBlock[];
  /** Armour problems outside any block (a stray END line). */
  strays: { line: number; problem: string }[];
};

// Loose on purpose: 4-dash ssh.com keys and mangled armour must still be seen.
const BEGIN_RE = /^\s*(-{2,})\s*BEGIN ([^-]*?)\s*(-{2,})\s*$/;
const END_RE = /^\s*(-{2,})\s*END ([^-]*?)\s*(-{2,})\s*$/;
const STRICT_LABEL_RE = /^[A-Z0-9]+(?: [A-Z0-9#]+)*$/;
/**
 * Armour lines are short. The loose patterns above backtrack quadratically on a
 * megabyte-long line of spaces or dashes (ReDoS), so longer lines are never tried.
 */
const MAX_ARMOUR_LINE = 200;
const matchBegin = (line: string) => (line.length <= MAX_ARMOUR_LINE ? BEGIN_RE.exec(line) : null);
const matchEnd = (line: string) => (line.length <= MAX_ARMOUR_LINE ? END_RE.exec(line) : null);

/** Labels shown in messages are from the upload: keep only a harmless alphabet. */
export function safeLabel(raw: string): string {
  const cleaned = raw.toUpperCase().replace(/[^A-Z0-9 #]/g, "?").slice(0, 48);
  return cleaned.length > 0 ? cleaned : "?";
}

export function isPrivateKeyLabel(label: string): boolean {
  return /PRIVATE\s+KEY/i.test(label);
}

/** Splits text into lines on CRLF, CR or LF. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/**
 * Undoes the two usual ways PEM gets flattened before it reaches us: put into a JSON
 * string (`\n` escapes, PHP's `\/`), or pasted into a one-line form field or HTTP header
 * (armour and base64 on one line). Text that is already proper PEM is returned unchanged,
 * so reported line numbers match the partner's file.
 */
export function normalisePemText(text: string, textLines?: readonly string[]): string {
  let t = text;
  if (/-----BEGIN [A-Z0-9 #]{1,40}-----\\[rn]/.test(t)) t = t.replace(/\\r\\n|\\n|\\r/g, "\n").replace(/\\\//g, "/");
  if (!/-----(?:BEGIN|END) [A-Z0-9 #]{1,40}-----/.test(t)) return t;
  const lines = t === text && textLines ? textLines : splitLines(t);
  let changed = false;
  const out = lines.map((line) => {
    const trimmed = line.trim();
    // Armour alone on its line, or no armour at all: leave as is.
    if (!trimmed.includes("-----BEGIN ") && !trimmed.includes("-----END ")) return line;
    if (/^-----(?:BEGIN|END) [A-Z0-9 #]{1,40}-----$/.test(trimmed)) return line;
    const split = line.replace(/-----(?:BEGIN|END) [A-Z0-9 #]{1,40}-----/g, "\n$&\n");
    if (split === line) return line;
    changed = true;
    return split;
  });
  return changed ? out.join("\n") : t;
}

/** `lines`, when given, must be `splitLines(text)` (a caller that already split the text). */
export function scanPem(text: string, lines: readonly string[] = splitLines(text)): PemScan {
  const blocks: PemBlock[] = [];
  const strays: PemScan["strays"] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const begin = matchBegin(line);
    if (!begin) {
      if (matchEnd(line)) strays.push({ line: i + 1, problem: `line ${i + 1} is an END line with no BEGIN line before it` });
      i++;
      continue;
    }
    const label = safeLabel(begin[2]!);
    const beginLine = i + 1;
    const privateKey = isPrivateKeyLabel(begin[2]!);
    const armourOk = begin[1]!.length === 5 && begin[3]!.length === 5 && STRICT_LABEL_RE.test(begin[2]!);
    // Find the END line, stopping at the next BEGIN (a block left open).
    let j = i + 1;
    let end: RegExpExecArray | null = null;
    while (j < lines.length) {
      if (matchBegin(lines[j]!)) break;
      end = matchEnd(lines[j]!);
      if (end) break;
      j++;
    }
    if (!end) {
      const why = j < lines.length ? `another BEGIN line on line ${j + 1} comes first` : "the file ends first";
      blocks.push({ label, beginLine, endLine: j, privateKey, problem: `the ${label} block starting on line ${beginLine} has no END line (${why})` });
      i = j;
      continue;
    }
    const endLine = j + 1;
    const block: PemBlock = { label, beginLine, endLine, privateKey };
    blocks.push(block);
    i = j + 1;
    if (privateKey) continue; // never decode key material
    if (!armourOk) {
      block.problem = `the BEGIN line on line ${beginLine} is not well-formed (it needs exactly five dashes each side: -----BEGIN ${label}-----)`;
      continue;
    }
    if (end[1]!.length !== 5 || end[3]!.length !== 5) {
      block.problem = `the END line on line ${endLine} is not well-formed (it needs exactly five dashes each side: -----END ${label}-----)`;
      continue;
    }
    if (safeLabel(end[2]!) !== label) {
      block.problem = `the ${label} block starting on line ${beginLine} is closed by "END ${safeLabel(end[2]!)}" on line ${endLine}`;
      continue;
    }
    const body = decodeBody(lines, beginLine, endLine, label);
    if ("problem" in body) block.problem = body.problem;
    else block.der = body.der;
  }
  return { blocks, strays };
}

const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes the lines strictly between BEGIN (1-based `beginLine`) and END. */
function decodeBody(lines: readonly string[], beginLine: number, endLine: number, label: string): { der: Uint8Array } | { problem: string } {
  let b64 = "";
  let k = beginLine; // 0-based index of the first body line
  // RFC 1421 headers (Proc-Type, DEK-Info) and their continuation lines, then a blank line.
  while (k < endLine - 1 && /^[A-Za-z0-9-]+:/.test(lines[k]!)) {
    k++;
    while (k < endLine - 1 && /^[ \t]/.test(lines[k]!) && lines[k]!.trim() !== "") k++;
  }
  // The usual body: lines of base64 and nothing else, padding only at the end of its last line.
  // Anything else (spaces, a stray character, padding mid-way) takes the line-by-line path, which
  // says where.
  const body = lines.slice(k, endLine - 1);
  const usual = body.join("");
  let last = "";
  for (let j = body.length - 1; j >= 0 && last === ""; j--) last = body[j]!;
  const pad = usual.indexOf("=");
  if (usual.length > 0 && usual.length % 4 === 0 && (pad < 0 || pad >= usual.length - last.length) && BASE64_BODY.test(usual)) {
    return { der: decodeBase64(usual) };
  }
  let paddingSeenOn = 0;
  for (; k < endLine - 1; k++) {
    const compact = lines[k]!.replace(/\s+/g, "");
    if (compact === "") continue;
    if (paddingSeenOn) {
      return { problem: `line ${paddingSeenOn} inside the ${label} block (lines ${beginLine}–${endLine}) ends with base64 padding but more data follows` };
    }
    if (!BASE64_BODY.test(compact)) {
      return { problem: `line ${k + 1} inside the ${label} block (lines ${beginLine}–${endLine}) is not valid base64` };
    }
    if (compact.endsWith("=")) paddingSeenOn = k + 1;
    b64 += compact;
  }
  if (b64.length === 0) return { problem: `the ${label} block on lines ${beginLine}–${endLine} is empty` };
  if (b64.length % 4 !== 0) {
    return { problem: `the base64 in the ${label} block (lines ${beginLine}–${endLine}) is cut short (length not a multiple of 4)` };
  }
  return { der: decodeBase64(b64) };
}

const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
})();

/** Decodes validated standard base64 (length % 4 === 0, padding only at the end). */
export function decodeBase64(b64: string): Uint8Array {
  const pad = b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((b64.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < b64.length; i += 4) {
    const n =
      (B64_INDEX[b64.charCodeAt(i)]! << 18) |
      (B64_INDEX[b64.charCodeAt(i + 1)]! << 12) |
      (Math.max(0, B64_INDEX[b64.charCodeAt(i + 2)] ?? 0) << 6) |
      Math.max(0, B64_INDEX[b64.charCodeAt(i + 3)] ?? 0);
    if (o < out.length) out[o++] = (n >> 16) & 0xff;
    if (o < out.length) out[o++] = (n >> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
  }
  return out;
}
