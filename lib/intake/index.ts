import type { Finding } from "../pki/findings";
import { classifyBytes, documentHoldsKey, looksLikeZip, type Classification } from "./classify";
import { FIX, cleanFileName, describe, displayName, finding, plainBytes, type Location } from "./messages";
import type { IntakeItem, IntakeLimits, IntakeResult, ItemFormat, UploadedFile } from "./types";
import { findKeyMaterial } from "./key-scan";
import { hasZipEndRecord, readArchive } from "./zip";

export type { IntakeItem, IntakeLimits, IntakeResult, ItemFormat, ItemSource, UploadedFile } from "./types";
export { classifyBytes, looksLikeZip, type Classification, type FoundItem } from "./classify";
export { readArchive, unsafeName, type ArchiveEntry, type ArchiveRead } from "./zip";
export { cleanFileName } from "./messages";
export { findKeyMaterial } from "./key-scan";

const MIB = 1024 * 1024;

function keyFinding(where: string): Finding {
  return finding(
    "PRIVATE_KEY_PRESENT",
    "error",
    `A private key was found in ${where}. Nothing from this upload has been stored, but treat the key as exposed: ` +
      "it has left your control. Generate a new key pair and a new certificate, and send only certificates.",
    FIX.privateKey,
  );
}

export const DEFAULT_LIMITS: Readonly<IntakeLimits> = Object.freeze({
  maxUploadBytes: MIB,
  maxEntries: 100,
  maxEntryBytes: MIB,
  maxTotalBytes: MIB,
  maxRatio: 100,
  maxItems: 100,
});

/**
 * Defaults for anything not given as a usable number: a spread of `{ maxEntries: undefined }`
 * (or NaN from a mis-parsed setting) would otherwise switch a limit off, since every
 * comparison with it is false.
 */
function resolveLimits(given: Partial<IntakeLimits>): IntakeLimits {
  const pick = (k: keyof IntakeLimits): number => {
    const v = given[k];
    return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : DEFAULT_LIMITS[k]!;
  };
  return {
    maxUploadBytes: pick("maxUploadBytes"),
    maxEntries: pick("maxEntries"),
    maxEntryBytes: pick("maxEntryBytes"),
    maxTotalBytes: pick("maxTotalBytes"),
    maxRatio: pick("maxRatio"),
    maxItems: pick("maxItems"),
  };
}

/**
 * Turns uploaded files into classified certificates and CSRs, in upload order.
 *
 * Accepts PEM (any mix of blocks, text around them), DER, PKCS#7 (PEM or DER),
 * CSRs and .zip archives of these. Private keys are detected by content, dropped
 * and reported (PRIVATE_KEY_PRESENT, `refused`); unsafe archives are refused
 * whole (ARCHIVE_UNSAFE). Never throws on any input; never returns or reports
 * key bytes. The caller must not store the upload when `refused` is true.
 *
 * @example
 * const r = await intake([{ name: "chain.pem", bytes }]);
 * if (r.refused) discardUpload();
 * r.items.map((i) => i.kind); // ["certificate", "certificate"]
 */
export async function intake(files: UploadedFile[], limits: Partial<IntakeLimits> = {}): Promise<IntakeResult> {
  const l = resolveLimits(limits);
  const items: IntakeItem[] = [];
  const findings: Finding[] = [];
  let refused = false;

  if (files.length === 0) {
    findings.push(finding("FORMAT_UNRECOGNIZED", "error", "No file was uploaded.", FIX.sendCertificates));
    return { items, findings, refused, formats: [] };
  }
  if (files.length > l.maxEntries) {
    // Same bound as archive entries: a flood of tiny files is metadata exhaustion too.
    findings.push(
      finding("UPLOAD_TOO_LARGE", "error", `The upload has ${files.length} files; at most ${l.maxEntries} are accepted.`, "Upload only the certificate chain or the CSRs, or one .zip of them."),
    );
    return { items, findings, refused, formats: [] };
  }
  const total = files.reduce((n, f) => n + f.bytes.length, 0);
  if (total > l.maxUploadBytes) {
    findings.push(
      finding(
        "UPLOAD_TOO_LARGE",
        "error",
        `The upload is ${total} bytes; at most ${l.maxUploadBytes} bytes are accepted. A certificate chain is a few kilobytes.`,
        "Upload only the certificates (leaf, intermediates, root) or the CSR.",
      ),
    );
    return { items, findings, refused, formats: [] };
  }

  const take = (c: Classification, where: Location) => {
    for (const it of c.items) {
      const source = { file: where.file, format: it.format, index: it.index, ...(where.entry === undefined ? {} : { entry: where.entry }) };
      items.push({ kind: it.kind, der: it.der, source });
    }
    findings.push(...c.findings);
    if (c.privateKey) refused = true;
  };

  for (const uploaded of files) {
    const file = { name: cleanFileName(uploaded.name), bytes: plainBytes(uploaded.bytes) };
    try {
      if (!looksLikeZip(file.bytes) && !hasZipEndRecord(file.bytes)) {
        take(classifyBytes(file.bytes, { file: file.name }), { file: file.name });
        continue;
      }
      const archive = await readArchive(file.bytes, l);
      switch (archive.kind) {
        case "unsafe": {
          refused = true;
          const shown = archive.reasons.slice(0, 5).join("; ");
          const more = archive.reasons.length > 5 ? `; and ${archive.reasons.length - 5} more` : "";
          findings.push(finding("ARCHIVE_UNSAFE", "error", `The archive ${describe({ file: file.name })} was refused unopened: ${shown}${more}.`, FIX.rebuildZip));
          break;
        }
        case "damaged":
          findings.push(finding("FORMAT_UNRECOGNIZED", "error", `${describe({ file: file.name })} looks like a zip archive but cannot be read: ${archive.reason}.`, FIX.damagedZip));
          break;
        case "document": {
          const keyPart = archive.entries.find((e) => documentHoldsKey(e.bytes));
          for (const e of archive.entries) e.bytes.fill(0);
          if (keyPart) {
            refused = true;
            findings.push(
              finding(
                "PRIVATE_KEY_PRESENT",
                "error",
                `A private key was found in ${describe({ file: file.name })} (${archive.what}; pasted into "${displayName(keyPart.name, 80)}"). ` +
                  "Nothing from this upload has been stored, but treat the key as exposed: it has left your control. " +
                  "Generate a new key pair and a new certificate, and send only certificates.",
                FIX.privateKey,
              ),
            );
          } else {
            findings.push(finding("FORMAT_UNRECOGNIZED", "error", `${describe({ file: file.name })} is ${archive.what}, not a certificate, CSR, PKCS#7 file or zip of these.`, FIX.sendCertificates));
          }
          break;
        }
        case "entries": {
          const before = items.length;
          let entryErrors = false;
          for (const u of archive.unreadable) {
            entryErrors = true;
            findings.push(finding("FORMAT_UNRECOGNIZED", "error", `${describe({ file: file.name, entry: u.name })} cannot be read: ${u.reason}.`, FIX.damagedZip));
          }
          for (const entry of archive.entries) {
            const where = { file: file.name, entry: entry.name };
            if (entry.metadata) {
              const hit = findKeyMaterial(entry.bytes);
              entry.bytes.fill(0);
              if (hit) {
                refused = true;
                findings.push(keyFinding(`${describe(where)} (${hit}, in a file named like archiver metadata)`));
              }
              continue;
            }
            const c = classifyBytes(entry.bytes, where, { inArchive: true });
            // We own the inflated copy: wipe it so no key material outlives this call.
            entry.bytes.fill(0);
            take(c, where);
            if (c.findings.some((f) => f.severity === "error")) entryErrors = true;
          }
          if (items.length === before && !entryErrors && !refused) {
            findings.push(
              finding(
                "ARCHIVE_EMPTY",
                "error",
                `The archive ${describe({ file: file.name })} holds no certificate or CSR (${archive.entries.length} file${archive.entries.length === 1 ? "" : "s"} looked at).`,
                "Put the PEM or DER certificate files (or the CSR) into the zip, or upload them directly.",
              ),
            );
          }
          break;
        }
        default: {
          const never: never = archive;
          throw new Error(`unhandled archive result ${String(never)}`);
        }
      }
      // The archive is stored whole when accepted: a key in its comment, an extra field or between
      // entries must be found in the raw bytes too, not only in what the entries inflate to.
      if (!refused) {
        const rawKey = findKeyMaterial(file.bytes);
        if (rawKey) {
          refused = true;
          findings.push(keyFinding(`${describe({ file: file.name })} (${rawKey}, in the archive's own bytes)`));
        }
      }
    } catch {
      // Defence in depth: never let a parser bug escape as an exception (and never echo its text).
      findings.push(finding("FORMAT_UNRECOGNIZED", "error", `"${displayName(file.name)}" could not be read.`, FIX.sendCertificates));
    }
  }

  // Certdesk stores only what it understood: a file, archive entry or PEM block it could not read
  // (a notes.txt, an unknown block, broken armour) refuses the whole upload, like a key does.
  if (findings.some((f) => (f.code === "FORMAT_UNRECOGNIZED" || f.code === "FORMAT_PEM_MALFORMED") && f.severity === "error")) refused = true;

  const maxItems = l.maxItems!;
  if (items.length > maxItems) {
    findings.push(
      finding(
        "UPLOAD_TOO_LARGE",
        "error",
        `The upload holds ${items.length} certificates and CSRs; at most ${maxItems} are accepted. Only the first ${maxItems} were looked at.`,
        "Upload only your chain (leaf, intermediates, root) or your CSRs, not a whole certificate store.",
      ),
    );
    items.length = maxItems;
  }

  const formats: ItemFormat[] = [];
  for (const it of items) if (!formats.includes(it.source.format)) formats.push(it.source.format);
  return { items, findings, refused, formats };
}
