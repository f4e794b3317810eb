import type { Metadata } from "next";
import Link from "next/link";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { formatDay, formatInZone, listBlackoutDates, listProgramEnvironments, listRecurrences, listSchedulingApps, listWindowBookings, listWindows, localDate, zonedToUtc } from "@/lib/scheduling";
import { EmptyState, PageHeader, TableRegion } from "@/app/_components/ui";
import { addBlackoutAction, cancelWindowAction, createRecurrenceAction, createWindowAction, deactivateRecurrenceAction, removeBlackoutAction } from "../actions";
import { ActionForm } from "../_components/action-form";
import { DangerConfirm, SuccessNotice } from "@/app/_components/danger-confirm";
import { viewerZone } from "../_components/zone";
import { ZoneSelect } from "../_components/zone-picker";
import { AppEnvironmentPicker, type PickerApp } from "./_components/app-environment-picker";

export const metadata: Metadata = { title: "Enablement windows" };

const WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;
const MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

/** "1 Dec": the day number, with the month when it is not the one on show (or in week view). */
function dayLabel(day: string, showMonth: boolean): string {
  const d = Number(day.slice(8));
  return showMonth ? `${d} ${MONTH_NAMES[Number(day.slice(5, 7)) - 1]}` : String(d);
}

/** "10:00" of an instant in the zone (formatInZone reads "Tue 1 Dec 2026 10:00 Europe/Vilnius"). */
function clock(at: Date, tz: string): string {
  return formatInZone(at, tz).split(" ")[4] ?? "";
}

/** The common name of a subject DN ("CN=Acme Client, O=Acme" → "Acme Client"); the whole DN without one. */
function commonName(subject: string): string {
  return /(?:^|,\s*)CN=([^,]+)/.exec(subject)?.[1] ?? subject;
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * 86_400_000).toISOString().slice(0, 10);
}

function weekday(date: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const w = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return w === 0 ? 7 : w;
}

function startOfLocalDay(date: string, tz: string): Date {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return zonedToUtc({ year, month, day, hour: 0, minute: 0 }, tz);
}

export default async function WindowsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireRole(["support", "admin"]);
  const actor = { kind: "user" as const, user };
  const sp = await searchParams;
  const str = (k: string) => (typeof sp[k] === "string" ? (sp[k] as string) : undefined);
  const tz = viewerZone(sp.tz);
  const db = await getDb();
  const programs = await listProgramEnvironments(db);
  const scopes = programs.flatMap((p) => p.environments.map((e) => ({ value: `${p.programId}/${e.key}`, label: `${p.name} — ${e.label}`, programId: p.programId, environmentKey: e.key })));
  // Issue 16: the calendar is picked by app, then its environment (windows belong to the app's program environment).
  const apps = await listSchedulingApps(db, { actor, now: new Date() });
  const pickerApps: PickerApp[] = [
    ...apps.map((a) => ({ value: a.appId, label: a.appName, group: a.organisationName, programId: a.programId })),
    ...programs.map((p) => ({ value: `program:${p.programId}`, label: `${p.name} (every app)`, group: "Programs", programId: p.programId })),
  ];
  const requestedApp = pickerApps.find((a) => a.value === str("app"));
  const requestedScope = scopes.find((s) => s.value === str("scope"));
  const pickedApp =
    requestedApp && (!requestedScope || requestedScope.programId === requestedApp.programId)
      ? requestedApp
      : requestedScope
        ? (pickerApps.find((a) => a.programId === requestedScope.programId) ?? pickerApps[0])
        : pickerApps[0];
  const scope = requestedScope && requestedScope.programId === pickedApp?.programId ? requestedScope : (scopes.find((s) => s.programId === pickedApp?.programId) ?? scopes[0]);
  const view = str("view") === "month" ? "month" : "week";
  const today = localDate(new Date(), tz);
  const anchor = /^\d{4}-\d{2}-\d{2}$/.test(str("start") ?? "") ? str("start")! : today;

  // Week: Monday of the anchor's week. Month: the Monday on or before the 1st, six weeks.
  const first = view === "week" ? addDays(anchor, 1 - weekday(anchor)) : (() => {
    const firstOfMonth = `${anchor.slice(0, 7)}-01`;
    return addDays(firstOfMonth, 1 - weekday(firstOfMonth));
  })();
  const dayCount = view === "week" ? 7 : 42;
  const days = Array.from({ length: dayCount }, (_, i) => addDays(first, i));
  const prev = view === "week" ? addDays(first, -7) : `${addDays(`${anchor.slice(0, 7)}-01`, -1).slice(0, 7)}-01`;
  const next = view === "week" ? addDays(first, 7) : `${addDays(`${anchor.slice(0, 7)}-01`, 32).slice(0, 7)}-01`;
  const view_ = { app: pickedApp?.value ?? "", scope: scope?.value ?? "", view, start: anchor, tz };
  const href = (params: Record<string, string>) => `/support/windows?${new URLSearchParams({ ...view_, ...params }).toString()}`;

  const windows = scope ? await listWindows(db, { programId: scope.programId, environmentKey: scope.environmentKey, from: startOfLocalDay(days[0]!, tz), to: startOfLocalDay(addDays(days.at(-1)!, 1), tz) }) : [];
  // Issue 16: each cell lists the certificates booked in its windows.
  const bookings = await listWindowBookings(db, { actor, now: new Date(), windowIds: windows.map((w) => w.id) });
  const byDay = new Map<string, typeof windows>();
  for (const w of windows) {
    const d = localDate(w.startsAt, tz);
    byDay.set(d, [...(byDay.get(d) ?? []), w]);
  }
  const recurrences = scope ? (await listRecurrences(db, { programId: scope.programId })).filter((r) => r.environmentKey === scope.environmentKey) : [];
  const blackouts = scope ? (await listBlackoutDates(db, { programId: scope.programId })).filter((b) => b.environmentKey === null || b.environmentKey === scope.environmentKey) : [];
  const blackoutOn = new Map(blackouts.map((b) => [b.date, b.reason]));
  const weeks = Array.from({ length: dayCount / 7 }, (_, i) => days.slice(i * 7, i * 7 + 7));

  return (
    <>
      <PageHeader title="Enablement windows" intro={`Times in ${tz}. Windows are stored in UTC; recurring ones keep their local start time across daylight-saving changes.`}>
        <p>
          <Link href="/support">Enablements</Link> · <Link href={`/support/schedule?tz=${encodeURIComponent(tz)}`}>Schedule certificates</Link>
        </p>
      </PageHeader>

      {sp.notice === "window-cancelled" ? (
        <SuccessNotice title="Window cancelled. Partners can no longer book it.">
          <p>Next step: add another window below if this environment still needs one this week.</p>
        </SuccessNotice>
      ) : null}

      <form method="get" className="inline-form" aria-label="Calendar view">
        {pickedApp && scope ? <AppEnvironmentPicker apps={pickerApps} programs={programs} app={pickedApp.value} scope={scope.value} /> : null}
        <label htmlFor="view">View</label>
        <select id="view" name="view" defaultValue={view}>
          <option value="week">Week</option>
          <option value="month">Month</option>
        </select>
        <label htmlFor="tz">Time zone</label>
        <ZoneSelect id="tz" name="tz" value={tz} />
        <input type="hidden" name="start" value={anchor} />
        <button type="submit" className="button button--secondary">
          Show
        </button>
      </form>

      {!scope ? (
        <EmptyState title="No programs yet" />
      ) : (
        <>
          <nav aria-label="Calendar pages" className="inline-form">
            <Link href={href({ start: prev })}>← Previous {view}</Link>
            <Link href={href({ start: today })}>Today</Link>
            <Link href={href({ start: next })}>Next {view} →</Link>
          </nav>
          <TableRegion label={`Windows, ${view} from ${formatDay(days[0]!)}`}>
            <table className="calendar">
              <caption>
                {scope.label}
                {pickedApp && !pickedApp.value.startsWith("program:") ? ` (${pickedApp.label}'s program; its windows are shared by the program's apps)` : ""}:{" "}
                {view === "week" ? `week of ${formatDay(days[0]!)}` : `${MONTH_NAMES[Number(anchor.slice(5, 7)) - 1]} ${anchor.slice(0, 4)}`} ({tz})
              </caption>
              <thead>
                <tr>
                  {WEEKDAY_NAMES.map((d) => (
                    <th scope="col" key={d}>
                      {d}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {weeks.map((week) => (
                  <tr key={week[0]}>
                    {week.map((day) => (
                      <td key={day} aria-label={formatDay(day)} className={day === today ? "calendar-today" : undefined}>
                        <div className="calendar-day">{dayLabel(day, view === "week" || day.slice(0, 7) !== anchor.slice(0, 7))}</div>
                        {blackoutOn.has(day) ? <div className="tag">Blackout: {blackoutOn.get(day)}</div> : null}
                        <ul className="plain-list">
                          {(byDay.get(day) ?? []).map((w) => (
                            <li key={w.id}>
                              <span className={w.status === "cancelled" ? "calendar-cancelled" : undefined}>
                                {clock(w.startsAt, tz)}–{clock(w.endsAt, tz)}
                              </span>{" "}
                              <span>
                                {w.booked}/{w.capacity} · {w.status}
                              </span>
                              {(bookings.get(w.id) ?? []).length > 0 ? (
                                <ul className="plain-list calendar-bookings" aria-label={`Booked in the window of ${formatInZone(w.startsAt, tz)}`}>
                                  {(bookings.get(w.id) ?? []).map((b) => (
                                    <li key={b.enablementId} title={b.leafSubject ?? undefined}>
                                      <Link href={`/apps/${b.appId}/environments/${encodeURIComponent(w.environmentKey)}`}>{b.appName}</Link>: {b.leafSubject ? commonName(b.leafSubject) : "certificate"}
                                      {b.status === "active" ? " (active)" : ""}
                                    </li>
                                  ))}
                                </ul>
                              ) : null}
                              {w.status === "planned" && w.booked === 0 ? (
                                <DangerConfirm
                                  action={cancelWindowAction}
                                  trigger="Cancel window…"
                                  label={`Cancel window ${formatInZone(w.startsAt, tz)}`}
                                  submitLabel="Cancel this window"
                                  acknowledge="I understand partners can no longer book it"
                                  consequence={
                                    <p>
                                      <strong>Cancel the window of {formatInZone(w.startsAt, tz)}?</strong> Nothing is booked in it; partners stop seeing it at once.
                                      Calendars that imported it drop it.
                                    </p>
                                  }
                                >
                                  <input type="hidden" name="windowId" value={w.id} />
                                  <input type="hidden" name="back" value={new URLSearchParams(view_).toString()} />
                                  <label className="danger-confirm__field">
                                    <span>Reason for cancelling the window</span>
                                    <input name="reason" required minLength={3} />
                                  </label>
                                </DangerConfirm>
                              ) : null}
                            </li>
                          ))}
                        </ul>
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>

          <section aria-labelledby="recurring" className="card">
            <h2 id="recurring">Recurring windows</h2>
            {recurrences.length === 0 ? (
              <p>None for this environment.</p>
            ) : (
              <ul className="plain-list">
                {recurrences.map((r) => (
                  <li key={r.id}>
                    {r.weekdays.map((d) => WEEKDAY_NAMES[d - 1]).join(", ")} at {r.startTime} {r.timeZone}, {r.durationMinutes} min, capacity {r.capacity} {r.active ? "" : "(stopped)"}
                    {r.active ? (
                      <ActionForm action={deactivateRecurrenceAction} submitLabel="Stop" secondary label={`Stop recurrence ${r.startTime}`}>
                        <input type="hidden" name="recurrenceId" value={r.id} />
                      </ActionForm>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
            <h3>Add a recurring window</h3>
            <ActionForm action={createRecurrenceAction} submitLabel="Add recurring window" label="Add a recurring window">
              <input type="hidden" name="programEnv" value={scope.value} />
              <fieldset>
                <legend>Weekdays</legend>
                {WEEKDAY_NAMES.map((d, i) => (
                  <label key={d}>
                    <input type="checkbox" name="weekdays" value={i + 1} /> {d}
                  </label>
                ))}
              </fieldset>
              <label>
                Start (local) <input name="startTime" type="time" required defaultValue="10:00" />
              </label>
              <label>
                Duration (minutes) <input name="durationMinutes" type="number" min={15} max={1440} required defaultValue={120} />
              </label>
              <label>
                Time zone <ZoneSelect name="timeZone" value={tz} />
              </label>
              <label>
                Capacity <input name="capacity" type="number" min={1} max={1000} required defaultValue={3} />
              </label>
            </ActionForm>
          </section>

          <section aria-labelledby="one-off" className="card">
            <h2 id="one-off">Add a one-off window</h2>
            <ActionForm action={createWindowAction} submitLabel="Add window" label="Add a one-off window">
              <input type="hidden" name="programEnv" value={scope.value} />
              <label>
                Date <input name="date" type="date" required />
              </label>
              <label>
                Start (local) <input name="time" type="time" required defaultValue="10:00" />
              </label>
              <label>
                Time zone <ZoneSelect name="timeZone" value={tz} />
              </label>
              <label>
                Duration (minutes) <input name="durationMinutes" type="number" min={15} max={1440} required defaultValue={60} />
              </label>
              <label>
                Capacity <input name="capacity" type="number" min={1} max={1000} required defaultValue={3} />
              </label>
            </ActionForm>
          </section>

          <section aria-labelledby="blackouts" className="card">
            <h2 id="blackouts">Blackout dates</h2>
            {blackouts.length === 0 ? (
              <p>None.</p>
            ) : (
              <ul className="plain-list">
                {blackouts.map((b) => (
                  <li key={b.id}>
                    {formatDay(b.date)} — {b.reason} {b.environmentKey ? `(${b.environmentKey} only)` : "(whole program)"}
                    <ActionForm action={removeBlackoutAction} submitLabel="Remove" secondary label={`Remove blackout ${formatDay(b.date)}`}>
                      <input type="hidden" name="blackoutId" value={b.id} />
                    </ActionForm>
                  </li>
                ))}
              </ul>
            )}
            <ActionForm action={addBlackoutAction} submitLabel="Add blackout date" label="Add a blackout date">
              <input type="hidden" name="programId" value={scope.programId} />
              <label>
                Date <input name="date" type="date" required />
              </label>
              <label>
                Applies to{" "}
                <select name="environmentKey" defaultValue={scope.environmentKey}>
                  <option value={scope.environmentKey}>This environment</option>
                  <option value="">Every environment of the program</option>
                </select>
              </label>
              <label>
                Reason <input name="reason" required minLength={3} maxLength={200} />
              </label>
            </ActionForm>
          </section>
        </>
      )}
    </>
  );
}
