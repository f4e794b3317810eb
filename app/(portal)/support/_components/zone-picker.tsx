import { COMMON_ZONES } from "./zone";

/** A GET form: the zone is part of the URL, so a view can be shared as seen. */
export function ZonePicker({ tz, hidden = {} }: { tz: string; hidden?: Record<string, string> }) {
  const zones: readonly string[] = COMMON_ZONES.includes(tz as (typeof COMMON_ZONES)[number]) ? COMMON_ZONES : [tz, ...COMMON_ZONES];
  return (
    <form method="get" className="inline-form" aria-label="Time zone">
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <label htmlFor="tz">Show times in</label>
      <select id="tz" name="tz" defaultValue={tz}>
        {zones.map((z) => (
          <option key={z} value={z}>
            {z}
          </option>
        ))}
      </select>
      <button type="submit" className="button button--secondary">
        Apply
      </button>
    </form>
  );
}
