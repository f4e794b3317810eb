/**
 * Scheduling on the partner's environment page: when the next certificate is enabled
 * (with the zone named), a calendar download, and the emergency revocation button for
 * certificates in service.
 */
import { getDb } from "@/lib/db";
import { getEnvironmentSchedule, loadSchedulingSettings } from "@/lib/scheduling";
import type { SessionUser } from "@/lib/auth/access";
import { ReportCompromiseForm } from "./revoke-form";
import { ViewerTime } from "./viewer-time";

export async function ScheduleSummary({ user, appId, environmentKey, programId }: { user: SessionUser; appId: string; environmentKey: string; programId: string }) {
  const db = await getDb();
  const schedule = await getEnvironmentSchedule(db, { actor: { kind: "user", user }, appId, environmentKey });
  const { timeZone } = await loadSchedulingSettings(db, programId);
  const upcoming = schedule.items.filter((i) => i.status === "scheduled");
  const base = `/apps/${appId}/environments/${encodeURIComponent(environmentKey)}`;
  return (
    <section className="card" aria-labelledby="enablement">
      <h2 id="enablement">Enablement</h2>
      {upcoming.length === 0 ? (
        <p>No enablement is scheduled for this environment.</p>
      ) : (
        <ul className="plain-list">
          {upcoming.map((i) => (
            <li key={i.enablementId} data-testid="scheduled-enablement">
              <span className="mono">{i.leafSubject}</span>:{" "}
              {i.startsAt ? (
                <>
                  enabled in the window of{" "}
                  <strong>
                    <ViewerTime iso={i.startsAt.toISOString()} fallbackZone={timeZone} alsoUtc />
                  </strong>
                </>
              ) : (
                "enabled within a minute (immediate)"
              )}
              {i.reason ? ` — moved: ${i.reason}` : ""}
            </li>
          ))}
        </ul>
      )}
      {upcoming.some((i) => i.startsAt) ? (
        <p>
          <a className="button button--secondary" href={`${base}/schedule`} download>
            Add to calendar (.ics)
          </a>
        </p>
      ) : null}
      {schedule.inService.length > 0 ? (
        <>
          <h3>In service at the gateway</h3>
          <ul className="plain-list">
            {schedule.inService.map((c) => (
              <li key={c.submissionId}>
                <span className="mono">{c.subject}</span> — {c.status === "retiring" && c.retiresAt ? (
                  <>
                    trusted until <ViewerTime iso={c.retiresAt.toISOString()} fallbackZone={timeZone} /> (being replaced)
                  </>
                ) : c.activatedAt ? (
                  <>
                    active since <ViewerTime iso={c.activatedAt.toISOString()} fallbackZone={timeZone} />
                  </>
                ) : (
                  "active"
                )}
                {schedule.canRevoke ? (
                  <ReportCompromiseForm
                    submissionId={c.submissionId}
                    subject={c.subject}
                    appId={schedule.app.id}
                    appName={schedule.app.name}
                    environmentKey={schedule.environment.key}
                    environmentLabel={schedule.environment.label}
                    production={schedule.environment.production}
                  />
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
