"use client";
/**
 * Pick a calendar by app, then its environment (issue 16 item 5): support is asked about
 * "Acme Checkout's stage", not about a program id. Windows belong to the app's program
 * environment (all its apps share the gateway), so the environment's value is
 * `program/environment`; "every app of a program" stays available for planning ahead.
 */
import { useState } from "react";

export type PickerApp = { value: string; label: string; group: string; programId: string };
export type PickerProgram = { programId: string; name: string; environments: { key: string; label: string; production: boolean }[] };

export function AppEnvironmentPicker({ apps, programs, app, scope }: { apps: PickerApp[]; programs: PickerProgram[]; app: string; scope: string }) {
  const [chosenApp, setChosenApp] = useState(app);
  const [chosenScope, setChosenScope] = useState(scope);
  const programOf = (value: string) => apps.find((a) => a.value === value)?.programId;
  const program = programs.find((p) => p.programId === programOf(chosenApp));
  const environments = program?.environments ?? [];
  const groups = [...new Set(apps.map((a) => a.group))];
  const onApp = (value: string) => {
    setChosenApp(value);
    const next = programs.find((p) => p.programId === programOf(value));
    const key = chosenScope.split("/")[1];
    const same = next?.environments.find((e) => e.key === key) ?? next?.environments[0];
    setChosenScope(next && same ? `${next.programId}/${same.key}` : "");
  };
  return (
    <>
      <label htmlFor="app">App</label>
      <select id="app" name="app" value={chosenApp} onChange={(e) => onApp(e.target.value)}>
        {groups.map((g) => (
          <optgroup key={g} label={g}>
            {apps
              .filter((a) => a.group === g)
              .map((a) => (
                <option key={a.value} value={a.value}>
                  {a.label}
                </option>
              ))}
          </optgroup>
        ))}
      </select>
      <label htmlFor="scope">Environment</label>
      <select id="scope" name="scope" value={chosenScope} onChange={(e) => setChosenScope(e.target.value)}>
        {environments.map((e) => (
          <option key={e.key} value={`${program!.programId}/${e.key}`}>
            {e.label}
            {e.production && !/production/i.test(e.label) ? " (production)" : ""}
          </option>
        ))}
      </select>
    </>
  );
}
