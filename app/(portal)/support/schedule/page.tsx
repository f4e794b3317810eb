import type { Metadata } from "next";
import Link from "next/link";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { formatInZone, listReadyToSchedule, listScheduledEnablements, listWindows, type WindowView } from "@/lib/scheduling";
import { EmptyState, PageHeader, TableRegion } from "@/app/_components/ui";
import { cancelEnablementAction, rescheduleAction, scheduleAction } from "../actions";
import { ActionForm } from "../_components/action-form";
import { DangerConfirm, SuccessNotice } from "@/app/_components/danger-confirm";
import { viewerZone } from "../_components/zone";
import { ZonePicker } from "../_components/zone-picker";

export const metadata: Metadata = { title: "Schedule enablements" };

const WEEKS_AHEAD = 8;

export default async function SchedulePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireRole(["support", "admin"]);
  const sp = await searchParams;
  const tz = viewerZone(sp.tz);
  const db = await getDb();
  const now = new Date();
  const actor = { kind: "user" as const, user };
  const [ready, scheduled] = await Promise.all([listReadyToSchedule(db, { actor, now }), listScheduledEnablements(db, { actor, now })]);

  // Upcoming planned windows per program environment, for the pickers.
  const scopes = new Map<string, { programId: string; environmentKey: string }>();
  for (const r of [...ready, ...scheduled]) scopes.set(`${r.programId}/${r.environmentKey}`, { programId: r.programId, environmentKey: r.environmentKey });
  const windowsByScope = new Map<string, WindowView[]>();
  for (const [key, scope] of scopes) {
    const windows = await listWindows(db, { ...scope, from: now, to: new Date(now.getTime() + WEEKS_AHEAD * 7 * 86_400_000) });
    windowsByScope.set(key, windows.filter((w) => w.status === "planned"));
  }
  const windowOptions = (key: string, excludeId?: string | null) =>
    (windowsByScope.get(key) ?? [])
      .filter((w) => w.id !== excludeId)
      .map((w) => (
        <option key={w.id} value={w.id} disabled={w.booked >= w.capacity}>
          {formatInZone(w.startsAt, tz)} — {w.booked} of {w.capacity} booked
        </option>
      ));

  return (
    <>
      <PageHeader title="Schedule enablements" intro="Approved certificates, most urgent first (fewest days until the certificate they replace expires), and the enablements already booked.">
        <p>
          <Link href="/support">Enablements</Link> · <Link href={`/support/windows?tz=${encodeURIComponent(tz)}`}>Windows calendar</Link>
        </p>
      </PageHeader>
      {sp.notice === "enablement-cancelled" ? (
        <SuccessNotice title="Enablement cancelled. The partner has been notified.">
          <p>Next step: the certificate is back under Ready to schedule; book a new window for it there.</p>
        </SuccessNotice>
      ) : null}
      <ZonePicker tz={tz} />

      <section aria-labelledby="ready">
        <h2 id="ready">Ready to schedule</h2>
        {ready.length === 0 ? (
          <EmptyState title="No approved certificates waiting" />
        ) : (
          <TableRegion label="Ready to schedule table">
            <table>
              <thead>
                <tr>
                  <th scope="col">Urgency</th>
                  <th scope="col">Organisation and app</th>
                  <th scope="col">Certificate</th>
                  <th scope="col">Schedule</th>
                </tr>
              </thead>
              <tbody>
                {ready.map((r) => {
                  const key = `${r.programId}/${r.environmentKey}`;
                  return (
                    <tr key={r.submissionId}>
                      <td>
                        {r.daysUntilReplacedExpires === null ? (
                          "New (replaces nothing)"
                        ) : (
                          <>
                            <strong>{r.daysUntilReplacedExpires} days</strong> until the replaced certificate expires ({formatInZone(r.replaces!.notAfter, tz)})
                          </>
                        )}
                      </td>
                      <td>
                        {r.organisationName}
                        <br />
                        <Link href={`/apps/${r.appId}/environments/${encodeURIComponent(r.environmentKey)}`}>
                          {r.appName} — {r.environmentLabel}
                        </Link>{" "}
                        {r.production && !/production/i.test(r.environmentLabel) ? <span className="tag">Production</span> : null}
                      </td>
                      <td className="mono">{r.leaf.subject}</td>
                      <td>
                        <ActionForm action={scheduleAction} submitLabel="Schedule" pendingLabel="Scheduling…" label={`Schedule ${r.appName} ${r.environmentLabel}`}>
                          <input type="hidden" name="submissionId" value={r.submissionId} />
                          <input type="hidden" name="tz" value={tz} />
                          <label className="visually-hidden" htmlFor={`target-${r.submissionId}`}>
                            Window
                          </label>
                          <select id={`target-${r.submissionId}`} name="target" required defaultValue="">
                            <option value="" disabled>
                              Choose a window…
                            </option>
                            {r.production ? null : <option value="immediate">Immediately (outside windows)</option>}
                            {windowOptions(key)}
                          </select>
                        </ActionForm>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>

      <section aria-labelledby="booked">
        <h2 id="booked">Booked enablements</h2>
        {scheduled.length === 0 ? (
          <EmptyState title="Nothing booked" />
        ) : (
          <TableRegion label="Booked enablements table">
            <table>
              <thead>
                <tr>
                  <th scope="col">Window</th>
                  <th scope="col">Organisation and app</th>
                  <th scope="col">Certificate</th>
                  <th scope="col">Move</th>
                  <th scope="col">Cancel</th>
                </tr>
              </thead>
              <tbody>
                {scheduled.map((e) => (
                  <tr key={e.enablementId}>
                    <td>{e.startsAt ? formatInZone(e.startsAt, tz) : "Immediate (next job run)"}</td>
                    <td>
                      {e.organisationName}
                      <br />
                      {e.appName} — {e.environmentLabel} {e.production && !/production/i.test(e.environmentLabel) ? <span className="tag">Production</span> : null}
                    </td>
                    <td className="mono">{e.leafSubject ?? "—"}</td>
                    <td>
                      {e.windowId ? (
                        <ActionForm action={rescheduleAction} submitLabel="Move" secondary label={`Move ${e.appName} ${e.environmentLabel}`}>
                          <input type="hidden" name="enablementId" value={e.enablementId} />
                          <input type="hidden" name="tz" value={tz} />
                          <select name="windowId" required defaultValue="" aria-label="New window">
                            <option value="" disabled>
                              New window…
                            </option>
                            {windowOptions(`${e.programId}/${e.environmentKey}`, e.windowId)}
                          </select>
                          <input name="reason" required minLength={3} maxLength={500} placeholder="Reason (the partner sees it)" aria-label="Reason for moving" />
                        </ActionForm>
                      ) : (
                        "—"
                      )}
                    </td>
                    <td>
                      <DangerConfirm
                        action={cancelEnablementAction}
                        trigger="Cancel…"
                        label={`Cancel ${e.appName} ${e.environmentLabel}`}
                        submitLabel="Cancel this enablement"
                        acknowledge="I understand the certificate will not be enabled"
                        consequence={
                          <p>
                            <strong>
                              Cancel the enablement of {e.leafSubject ?? "this certificate"} for {e.appName} — {e.environmentLabel}?
                            </strong>{" "}
                            The certificate is not put in service; the partner is notified with your reason, and it goes back to Ready to schedule.
                          </p>
                        }
                      >
                        <input type="hidden" name="enablementId" value={e.enablementId} />
                        <input type="hidden" name="back" value={new URLSearchParams({ tz }).toString()} />
                        <label className="danger-confirm__field">
                          <span>Reason for cancelling (the partner sees it)</span>
                          <input name="reason" required minLength={3} maxLength={500} />
                        </label>
                      </DangerConfirm>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>
    </>
  );
}
