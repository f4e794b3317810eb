/**
 * A CSV download: the same headers for every export (audit trail, expiring certificates), so a
 * fix (no caching of personal data, no MIME sniffing) lands once.
 */
export function csvResponse(csv: string, input: { filename: string; truncated?: boolean }): Response {
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${input.filename.replace(/["\\\r\n]/g, "")}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      ...(input.truncated ? { "x-certdesk-truncated": "true" } : {}),
    },
  });
}
