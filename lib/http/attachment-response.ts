/**
 * A stored file served as a download (a partner's or reviewer's uploaded file, an issued
 * certificate): the same headers everywhere, so a fix to the name encoding or caching lands once.
 * The name is a partner's: an ASCII fallback plus the RFC 5987 form, so it never breaks the header.
 */
export function attachmentResponse(file: { bytes: Uint8Array; name: string; contentType: string }): Response {
  const ascii = file.name.replace(/[^\x20-\x7e]|[\\"]/g, "_");
  return new Response(file.bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      "content-type": file.contentType,
      "content-disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
