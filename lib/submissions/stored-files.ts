/**
 * What of an upload goes to storage, and how it is bound: the partner's original files
 * and the normalised chain (leaf first, PEM), each encrypted under a context of ids only.
 */
import { cleanFileName, type IntakeItem, type UploadedFile } from "@/lib/intake";
import { toPem } from "@/lib/pki";
import type { ChainEntry, Verdict } from "@/lib/policy";
import type { FileContext, Storage } from "@/lib/storage";
import { newObjectKey } from "@/lib/storage";

export type FileKind = "original" | "normalised-chain" | "csr" | "issued-chain";

export type PlannedFile = { kind: FileKind; name: string; bytes: Uint8Array };
export type WrittenFile = { id: string; kind: FileKind; name: string; size: number; sha256: string; objectKey: string };

export type Scope = { organisationId: string; appId: string; environmentId: string; submissionId: string };

const ROLE_ORDER = { leaf: 0, intermediate: 1, root: 2 } as const;

/** The uploaded certificates of the path, leaf → intermediates → root, with their DER. */
export function pathCertificates(verdict: Verdict, items: readonly IntakeItem[]): { entry: ChainEntry; der: Uint8Array; role: "leaf" | "intermediate" | "root" }[] {
  const out: { entry: ChainEntry; der: Uint8Array; role: "leaf" | "intermediate" | "root"; order: number }[] = [];
  verdict.chain.forEach((entry, order) => {
    if (entry.kind !== "certificate" || entry.position === null) return;
    if (entry.role !== "leaf" && entry.role !== "intermediate" && entry.role !== "root") return;
    const item = items[entry.position];
    if (!item || item.kind !== "certificate") return;
    out.push({ entry, der: item.der, role: entry.role, order });
  });
  // Stable: intermediates keep the engine's path order.
  out.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.order - b.order);
  return out.map(({ entry, der, role }) => ({ entry, der, role }));
}

/** The normalised chain: the engine's corrected PEM when it made one, else the path as uploaded, leaf first. */
export function normalisedChainPem(verdict: Verdict, items: readonly IntakeItem[]): string | undefined {
  if (verdict.correctedPem) return verdict.correctedPem;
  const path = pathCertificates(verdict, items);
  return path.length ? path.map((p) => toPem(p.der)).join("") : undefined;
}

export function plannedFiles(files: readonly UploadedFile[], verdict: Verdict, items: readonly IntakeItem[]): PlannedFile[] {
  const planned: PlannedFile[] = files.map((f) => ({ kind: "original", name: safeDisplayName(f.name), bytes: f.bytes }));
  const chain = normalisedChainPem(verdict, items);
  if (chain) planned.push({ kind: "normalised-chain", name: verdict.correctedPem ? "corrected-chain.pem" : "chain.pem", bytes: new TextEncoder().encode(chain) });
  return planned;
}

/** File names are shown and offered as download names: no paths, no control characters, bounded. */
export function safeDisplayName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  // C0/C1 controls and Unicode format characters (bidi overrides such as U+202E make "evil\u202Etxt.exe"
  // read as "evilexe.txt" in the portal and in a download's name), then quotes.
  const cleaned = cleanFileName(base).replace(/"/g, "").trim().slice(0, 200);
  return cleaned || "upload";
}

export function contextFor(scope: Scope, kind: FileKind): FileContext {
  return { ...scope, purpose: kind };
}

/**
 * Encrypts and stores every planned file. On any failure, the objects already written
 * are deleted before the error goes on: a failed upload leaves nothing behind.
 */
export async function writeFiles(storage: Storage, scope: Scope, planned: readonly PlannedFile[]): Promise<WrittenFile[]> {
  const written: WrittenFile[] = [];
  try {
    for (const file of planned) {
      const key = newObjectKey(scope.submissionId);
      const stored = await storage.putEncrypted({ key, bytes: file.bytes, context: contextFor(scope, file.kind) });
      written.push({ id: crypto.randomUUID(), kind: file.kind, name: file.name, size: stored.size, sha256: stored.sha256, objectKey: key });
    }
    return written;
  } catch (error) {
    await deleteObjects(storage, written.map((w) => w.objectKey));
    throw error;
  }
}

/** Best effort: what fails here is left to the orphan clean-up job, never surfaced to the partner. */
export async function deleteObjects(storage: Storage, keys: readonly string[]): Promise<void> {
  for (const key of keys) {
    try {
      await storage.deleteObject(key);
    } catch (error) {
      console.error(`storage: could not delete ${key}; the orphan clean-up will remove it`, error instanceof Error ? error.message : error);
    }
  }
}
