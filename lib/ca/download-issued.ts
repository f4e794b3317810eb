/**
 * Downloads of the certificates Certdesk's CA issued for a submission: each certificate (PEM),
 * its chain (leaf, issuing CA, root) and a .zip of both purposes. Scoped like every submission
 * read (another tenant's id is not found) and audited.
 */
import JSZip from "jszip";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/auth/app-error";
import type { Database } from "@/lib/db";
import { auditActor, type Actor } from "@/lib/submissions/actor";
import { loadSubmissionForActor } from "@/lib/submissions/load-submission";
import { listIssuedCertificates } from "./issued";

export const ISSUED_DOWNLOADS = ["mtls.pem", "mtls-chain.pem", "signature.pem", "signature-chain.pem", "certificates.zip"] as const;
export type IssuedDownloadName = (typeof ISSUED_DOWNLOADS)[number];

export type IssuedDownload = { fileName: string; contentType: string; bytes: Uint8Array };

export async function downloadIssued(db: Database, input: { actor: Actor; submissionId: string; name: string }): Promise<IssuedDownload> {
  const loaded = await loadSubmissionForActor(db, input.actor, input.submissionId);
  const s = loaded.submission;
  if (!(ISSUED_DOWNLOADS as readonly string[]).includes(input.name)) throw new AppError("NOT_FOUND", "No such download.");
  const issued = await listIssuedCertificates(db, s.id);
  if (issued.length === 0) throw new AppError("NOT_FOUND", "No certificates have been issued for this submission yet.");
  const base = `${loaded.appName}-${loaded.environmentKey}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "certdesk";
  let out: IssuedDownload;
  if (input.name === "certificates.zip") {
    const zip = new JSZip();
    for (const c of issued) {
      zip.file(`${c.purpose}.pem`, c.pem);
      zip.file(`${c.purpose}-chain.pem`, c.chainPem);
    }
    // The CA certificates once more on their own (issuing CA, root), for trust stores.
    const ca = issued[0]!.chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)?.slice(1).join("") ?? "";
    zip.file("ca.pem", ca);
    out = { fileName: `${base}-certificates.zip`, contentType: "application/zip", bytes: await zip.generateAsync({ type: "uint8array", compression: "DEFLATE" }) };
  } else {
    const [purpose, chain] = [input.name.startsWith("mtls") ? "mtls" : "signature", input.name.includes("-chain")];
    const c = issued.find((i) => i.purpose === purpose);
    if (!c) throw new AppError("NOT_FOUND", `No ${purpose} certificate was issued for this submission.`);
    out = { fileName: `${base}-${input.name}`, contentType: "application/x-pem-file", bytes: new TextEncoder().encode(chain ? c.chainPem : c.pem) };
  }
  const { via, ...who } = auditActor(input.actor);
  await recordAudit(db, {
    ...who,
    organisationId: s.organisationId,
    action: "certificate.download",
    targetType: "submission",
    targetId: s.id,
    outcome: "success",
    details: { ...via, name: input.name },
  });
  return out;
}
