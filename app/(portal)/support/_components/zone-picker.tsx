import { zoneGroups } from "./zone";

/** A select of every IANA time zone (common ones first); `name` is what the form sends. */
export function ZoneSelect({ id, name, value }: { id?: string; name: string; value: string }) {
  const { common, all } = zoneGroups(value);
  return (
    <select id={id} name={name} defaultValue={value} required>
      <optgroup label="Common">
        {common.map((z) => (
          <option key={z} value={z}>
            {z}
          </option>
        ))}
      </optgroup>
      <optgroup label="All time zones">
        {all.map((z) => (
          <option key={z} value={z}>
            {z}
          </option>
        ))}
      </optgroup>
    </select>
  );
}

/** A GET form: the zone is part of the URL, so a view can be shared as seen. */
export function ZonePicker({ tz, hidden = {} }: { tz: string; hidden?: Record<string, string> }) {
  return (
    <form method="get" className="inline-form" aria-label="Time zone">
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <label htmlFor="tz">Show times in</label>
      <ZoneSelect id="tz" name="tz" value={tz} />
      <button type="submit" className="button button--secondary">
        Apply
      </button>
    </form>
  );
}
