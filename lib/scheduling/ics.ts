/**
 * iCalendar (RFC 5545) entries for enablement windows, so partners can put the window in
 * their calendar. Hand-written, as the format is small: CRLF line endings, lines folded at
 * 75 octets (never inside a UTF-8 sequence), TEXT values escaped, times in UTC ("Z").
 */

export type IcsEvent = {
  /** Globally unique and stable across updates of the same event (a reschedule replaces it). */
  uid: string;
  /** Increments with each change, so calendar clients replace the older copy. */
  sequence?: number;
  start: Date;
  end: Date;
  /** When this file was produced. */
  stamp: Date;
  summary: string;
  description?: string;
  location?: string;
  url?: string;
  status?: "CONFIRMED" | "CANCELLED";
};

/** 20261201T080000Z */
export function icsDateTime(at: Date): string {
  return at.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, newline. */
export function escapeIcsText(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r\n|\r|\n/g, "\\n");
}

const encoder = new TextEncoder();

/** Folds a content line at 75 octets: continuation lines start with one space (§3.1). */
export function foldIcsLine(line: string): string {
  const out: string[] = [];
  let current = "";
  let octets = 0;
  for (const ch of line) {
    const size = encoder.encode(ch).length;
    // The first line holds 75 octets; continuation lines 74 plus their leading space.
    const limit = out.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      out.push(current);
      current = "";
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join("\r\n ");
}

/** A VCALENDAR with the events, as text with CRLF line endings. */
export function buildIcs(events: readonly IcsEvent[], options: { prodId?: string; method?: "PUBLISH" } = {}): string {
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", `PRODID:${options.prodId ?? "-//Certdesk//Enablement windows//EN"}`, "CALSCALE:GREGORIAN", `METHOD:${options.method ?? "PUBLISH"}`];
  for (const e of events) {
    // CR/LF in a UID would inject properties; ids are ours, but a UID is never trusted text.
    const uid = e.uid.replace(/[\r\n]/g, "");
    lines.push(
      "BEGIN:VEVENT",
      `UID:${uid}`,
      `SEQUENCE:${e.sequence ?? 0}`,
      `DTSTAMP:${icsDateTime(e.stamp)}`,
      `DTSTART:${icsDateTime(e.start)}`,
      `DTEND:${icsDateTime(e.end)}`,
      `SUMMARY:${escapeIcsText(e.summary)}`,
    );
    if (e.description) lines.push(`DESCRIPTION:${escapeIcsText(e.description)}`);
    if (e.location) lines.push(`LOCATION:${escapeIcsText(e.location)}`);
    if (e.url) lines.push(`URL:${e.url.replace(/[\r\n]/g, "")}`);
    lines.push(`STATUS:${e.status ?? "CONFIRMED"}`, "TRANSP:TRANSPARENT", "END:VEVENT");
  }
  lines.push("END:VCALENDAR");
  return lines.map(foldIcsLine).join("\r\n") + "\r\n";
}

/** Minimal parser (unfold, split properties): what the tests and e2e use to prove a file parses. */
export function parseIcs(text: string): { properties: Record<string, string> }[] {
  if (!text.startsWith("BEGIN:VCALENDAR\r\n")) throw new Error("not an iCalendar file (must start with BEGIN:VCALENDAR and use CRLF)");
  const unfolded = text.replace(/\r\n[ \t]/g, "").split("\r\n").filter((l) => l.length > 0);
  if (unfolded.at(-1) !== "END:VCALENDAR") throw new Error("missing END:VCALENDAR");
  const events: { properties: Record<string, string> }[] = [];
  let current: Record<string, string> | null = null;
  for (const line of unfolded) {
    if (line === "BEGIN:VEVENT") current = {};
    else if (line === "END:VEVENT") {
      if (!current) throw new Error("END:VEVENT without BEGIN");
      events.push({ properties: current });
      current = null;
    } else if (current) {
      const colon = line.indexOf(":");
      if (colon < 1) throw new Error(`malformed line ${JSON.stringify(line)}`);
      current[line.slice(0, colon).split(";")[0]!] = line.slice(colon + 1);
    }
  }
  return events;
}

/** Undoes {@link escapeIcsText}. */
export function unescapeIcsText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c));
}
