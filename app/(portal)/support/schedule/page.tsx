import type { Metadata } from "next";
import Link from "next/link";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { formatInZone, formatInZones, listReadyToSchedule, listScheduledEnablements, listWindows, windowChoices, type WindowChoices, type WindowView } from "@/lib/scheduling";
import { EmptyState, PageHeader, TableRegion } from "@/app/_components/ui";
import { cancelEnablementAction, rescheduleAction, scheduleAction } from "../actions";
import { WindowSelectForm, type WindowOption } from "./_components/window-select-form";
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
  const windowsOf = (key: string) => windowsByScope.get(key) ?? [];
  // Issue 16: each certificate is offered only the windows the rules allow (lib/scheduling's
  // checkEligibility, the same function the booking is refused by); the rest are greyed out with the reason.
  const readyChoices = new Map<string, WindowChoices>();
  for (const r of ready) {
    readyChoices.set(r.submissionId, await windowChoices(db, { actor, now, submissionId: r.submissionId, viewerTimeZone: tz, windows: windowsOf(`${r.programId}/${r.environmentKey}`) }));
  }
  const moveChoices = new Map<string, WindowChoices>();
  for (const e of scheduled) {
    if (!e.windowId) continue;
    moveChoices.set(
      e.enablementId,
      await windowChoices(db, { actor, now, submissionId: e.submissionId, viewerTimeZone: tz, windows: windowsOf(`${e.programId}/${e.environmentKey}`), enablementId: e.enablementId, currentWindowId: e.windowId }),
    );
  }
  const windowOptions = (choices: WindowChoices | undefined): WindowOption[] =>
    (choices?.windows ?? []).map((c) => {
      const when = formatInZone(c.startsAt, tz);
      const seats = `${c.booked} of ${c.capacity} booked`;
      return c.eligibility.eligible
        ? { value: c.windowId, when, label: `${when} — ${seats}`, disabled: false }
        : { value: c.windowId, when, label: `${when} — not available: ${c.eligibility.reason}`, disabled: true, reason: c.eligibility.reason };
    });
  const immediateOption = (choices: WindowChoices | undefined): WindowOption[] => {
    if (!choices) return [];
    const when = "Immediately (outside windows)";
    return choices.immediate.eligible ? [{ value: "immediate", when, label: when, disabled: false }] : [{ value: "immediate", when, label: `${when} — not available: ${choices.immediate.reason}`, disabled: true, reason: choices.immediate.reason }];
  };
  const notice = typeof sp.notice === "string" ? sp.notice : undefined;
  const confirmed = (notice === "booked" || notice === "moved") && typeof sp.enablement === "string" ? scheduled.find((e) => e.enablementId === sp.enablement) : undefined;

  return (
    <>
      <PageHeader title="Schedule enablements" intro="Approved certificates, most urgent first (fewest days until the certificate they replace expires), and the enablements already booked.">
        <p>
          <Link href="/support">Enablements</Link> · <Link href={`/support/windows?tz=${encodeURIComponent(tz)}`}>Windows calendar</Link>
        </p>
      </PageHeader>
      {confirmed ? (
        <SuccessNotice
          title={`${notice === "moved" ? "Moved to" : "Booked for"} ${confirmed.startsAt ? formatInZones(confirmed.startsAt, tz) : "immediate enablement at the next activation run (within a minute)"}.`}
        >
          <p>
            <span className="mono">{confirmed.leafSubject ?? "The certificate"}</span> for {confirmed.appName} — {confirmed.environmentLabel}. The partner has been notified
            {confirmed.startsAt ? " and can add the window to their calendar from the environment page" : ""}.
          </p>
        </SuccessNotice>
      ) : notice === "booked" || notice === "moved" ? (
        // Already activated (an immediate enablement) or no longer listed: confirm without the details.
        <SuccessNotice title={notice === "moved" ? "Moved. The partner has been notified." : "Booked. The partner has been notified."} />
      ) : null}
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
                        <WindowSelectForm
                          action={scheduleAction}
                          label={`Schedule ${r.appName} ${r.environmentLabel}`}
                          selectName="target"
                          selectLabel="Window"
                          placeholder="Choose a window…"
                          options={[...immediateOption(readyChoices.get(r.submissionId)), ...windowOptions(readyChoices.get(r.submissionId))]}
                          submitLabel="Schedule"
                          pendingLabel="Scheduling…"
                        >
                          <input type="hidden" name="submissionId" value={r.submissionId} />
                          <input type="hidden" name="tz" value={tz} />
                        </WindowSelectForm>
                        {windowsOf(key).length === 0 ? (
                          <p className="muted">
                            No planned window in the next {WEEKS_AHEAD} weeks: <Link href={`/support/windows?${new URLSearchParams({ scope: key, tz })}`}>add one</Link>.
                          </p>
                        ) : null}
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
                    <td>{e.startsAt ? formatInZones(e.startsAt, tz) : "Immediate (next job run)"}</td>
                    <td>
                      {e.organisationName}
                      <br />
                      {e.appName} — {e.environmentLabel} {e.production && !/production/i.test(e.environmentLabel) ? <span className="tag">Production</span> : null}
                    </td>
                    <td className="mono">{e.leafSubject ?? "—"}</td>
                    <td>
                      {e.windowId ? (
                        <WindowSelectForm
                          action={rescheduleAction}
                          label={`Move ${e.appName} ${e.environmentLabel}`}
                          selectName="windowId"
                          selectLabel="New window"
                          placeholder="New window…"
                          options={windowOptions(moveChoices.get(e.enablementId))}
                          reasonField={{ name: "reason", label: "Reason for moving (the partner sees it)" }}
                          submitLabel="Move"
                          secondary
                        >
                          <input type="hidden" name="enablementId" value={e.enablementId} />
                          <input type="hidden" name="tz" value={tz} />
                        </WindowSelectForm>
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
