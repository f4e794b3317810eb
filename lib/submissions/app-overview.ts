/**
 * Issue 16 item 8: the app page's read model — one developer app with each environment's
 * status, the certificates in service (active or retiring leaves, with expiry) and the latest
 * submissions. Scoped like every read model: partner members of the owning organisation and
 * staff (reviewers, support, admins) see it; anyone else gets NOT_FOUND, exactly as for an id
 * that does not exist.
 */
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { certificates, environments, programs, submissions, type Database } from "@/lib/db";
import { findDeveloperAppForUser, type ScopedDeveloperApp, type SessionUser } from "@/lib/auth/access";
import { AppError } from "@/lib/auth/app-error";
import { describeCell, type CellStatus } from "./certificate-status";
import { loadExpirySettings } from "@/lib/expiry/records";
import { expiryOf, type ExpiryState } from "@/lib/expiry/state";

/** How many of each environment's submissions the overview lists (newest first). */
export const LATEST_SUBMISSIONS = 5;

export type OverviewCertificate = { id: string; submissionId: string; subject: string; purpose: string; status: string; notAfter: Date; expiry: { state: ExpiryState; daysLeft: number } };
export type OverviewSubmission = {
  id: string;
  kind: "chain" | "csr";
  purpose: string;
  status: (typeof submissions.$inferSelect)["status"];
  verdict: string;
  leafSubject: string | null;
  createdAt: Date;
};
export type OverviewEnvironment = {
  key: string;
  label: string;
  production: boolean;
  status: CellStatus;
  inService: OverviewCertificate[];
  latestSubmissions: OverviewSubmission[];
  /** All submissions of the environment, to say how many the short list leaves out. */
  submissionCount: number;
};
export type AppOverview = { app: ScopedDeveloperApp; program: { id: string; name: string; version: number } | null; environments: OverviewEnvironment[] };

/**
 * @example
 * const overview = await loadAppOverview(await getDb(), { viewer: user, appId, now: new Date() });
 */
export async function loadAppOverview(db: Database, input: { viewer: SessionUser; appId: string; now: Date }): Promise<AppOverview> {
  const app = await findDeveloperAppForUser(db, input.viewer, input.appId);
  if (!app) throw new AppError("NOT_FOUND", "No such developer app.");
  const [envRows, certRows, subRows, programRows] = await Promise.all([
    db
      .select({ id: environments.id, key: environments.key, label: environments.label, production: environments.production })
      .from(environments)
      .where(eq(environments.appId, app.id))
      .orderBy(asc(environments.production), asc(environments.createdAt)),
    db
      .select({
        id: certificates.id,
        environmentId: certificates.environmentId,
        submissionId: certificates.submissionId,
        subject: certificates.subject,
        purpose: submissions.purpose,
        status: certificates.status,
        notAfter: certificates.notAfter,
      })
      .from(certificates)
      .innerJoin(submissions, eq(submissions.id, certificates.submissionId))
      .where(and(eq(certificates.appId, app.id), eq(certificates.role, "leaf"))),
    db
      .select({
        id: submissions.id,
        environmentId: submissions.environmentId,
        kind: submissions.kind,
        purpose: submissions.purpose,
        status: submissions.status,
        verdict: submissions.verdict,
        leafSubject: submissions.leafSubject,
        createdAt: submissions.createdAt,
      })
      .from(submissions)
      .where(eq(submissions.appId, app.id))
      .orderBy(desc(submissions.createdAt)),
    db
      .select({ id: programs.id, name: programs.name, version: programs.version })
      .from(programs)
      .where(inArray(programs.id, [app.programId]))
      .orderBy(desc(programs.version))
      .limit(1),
  ]);
  const settings = (await loadExpirySettings(db, [app.programId])).get(app.programId)!;
  return {
    app,
    program: programRows[0] ?? null,
    environments: envRows.map((e) => {
      const certs = certRows.filter((c) => c.environmentId === e.id);
      const subs = subRows.filter((s) => s.environmentId === e.id);
      return {
        key: e.key,
        label: e.label,
        production: e.production,
        status: describeCell({ certificates: certs, submissions: subs, now: input.now }),
        inService: certs
          .filter((c) => c.status === "active" || c.status === "retiring")
          .sort((a, b) => b.notAfter.getTime() - a.notAfter.getTime())
          .map((c) => ({ id: c.id, submissionId: c.submissionId, subject: c.subject, purpose: c.purpose, status: c.status, notAfter: c.notAfter, expiry: expiryOf({ notAfter: c.notAfter, now: input.now, settings }) })),
        latestSubmissions: subs.slice(0, LATEST_SUBMISSIONS).map(({ environmentId: _, ...s }) => s),
        submissionCount: subs.length,
      };
    }),
  };
}
