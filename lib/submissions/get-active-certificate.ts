/** The certificate in service for an app's environment: its leaf and chain metadata, never bytes. */
import { and, asc, desc, eq } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { certificates } from "@/lib/db";
import { AppError } from "@/lib/auth/app-error";
import type { Actor } from "./actor";
import { resolveTarget } from "./check-upload-for-app";
import { auditRefusals } from "./audit-refusal";

const columns = {
  id: certificates.id,
  submissionId: certificates.submissionId,
  position: certificates.position,
  role: certificates.role,
  subject: certificates.subject,
  issuer: certificates.issuer,
  serialNumber: certificates.serialNumber,
  notBefore: certificates.notBefore,
  notAfter: certificates.notAfter,
  fingerprintSha256: certificates.fingerprintSha256,
  spkiSha256: certificates.spkiSha256,
  keyAlgorithm: certificates.keyAlgorithm,
  keySize: certificates.keySize,
  status: certificates.status,
  activatedAt: certificates.activatedAt,
};

export async function getActiveCertificate(db: Database, input: { actor: Actor; appId: string; environmentKey: string }) {
  // Issue 10: another tenant's (or a made-up) app is a 404 and an audit event.
  const { app, environment } = await auditRefusals(
    db,
    input.actor,
    { action: "certificate.read", targetType: "developer_app", targetId: input.appId, codes: ["NOT_FOUND"], details: { environmentKey: input.environmentKey.slice(0, 64) } },
    () => resolveTarget(db, input.actor, { appId: input.appId, environmentKey: input.environmentKey }),
  );
  const [leaf] = await db
    .select(columns)
    .from(certificates)
    .where(and(eq(certificates.appId, app.id), eq(certificates.environmentId, environment.id), eq(certificates.role, "leaf"), eq(certificates.status, "active")))
    .orderBy(desc(certificates.activatedAt))
    .limit(1);
  if (!leaf) throw new AppError("NOT_FOUND", `No certificate is active for ${app.name} in ${environment.label}.`);
  const chain = await db.select(columns).from(certificates).where(eq(certificates.submissionId, leaf.submissionId)).orderBy(asc(certificates.position));
  return { app: { id: app.id, name: app.name }, environment: { key: environment.key, label: environment.label }, certificate: leaf, chain };
}
