/**
 * Reads a multipart upload with the size limit enforced while the body streams in:
 * a declared Content-Length over the limit is refused before a byte is read, and a body
 * that lies about (or omits) its length is cut off at the limit. Parsing happens only on
 * a body known to be small, so a 50 MB request costs at most the limit in memory.
 */
import type { UploadedFile } from "@/lib/intake";
import { describeBytes, MAX_FILES, MAX_REQUEST_BYTES, MAX_UPLOAD_BYTES } from "../limits";
import { safeDisplayName } from "../stored-files";
import { HttpProblem } from "./problem";

export type ReadUpload = { files: UploadedFile[]; fields: Map<string, string> };

function tooLarge(): HttpProblem {
  return new HttpProblem(413, "payload-too-large", `The request is larger than ${describeBytes(MAX_REQUEST_BYTES)}; uploads may hold at most ${describeBytes(MAX_UPLOAD_BYTES)} of files. A certificate chain is a few kilobytes: send only the certificates or the CSR.`, {
    limits: { maxUploadBytes: MAX_UPLOAD_BYTES, maxRequestBytes: MAX_REQUEST_BYTES, maxFiles: MAX_FILES },
  });
}

export async function readBodyCapped(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) throw tooLarge();
  if (!request.body) return new Uint8Array(new ArrayBuffer(0));
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Stop reading: the rest of the body is never buffered.
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(new ArrayBuffer(total));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** The `files` parts and the text fields of a multipart/form-data request. */
export async function readUpload(request: Request, options: { fileField?: string; textFields: readonly string[] }): Promise<ReadUpload> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType) || !/boundary=/i.test(contentType)) {
    throw new HttpProblem(415, "unsupported-media-type", 'Send the upload as multipart/form-data with one or more "files" parts (curl -F files=@chain.pem).', {}, { accept: "multipart/form-data" });
  }
  const body = await readBodyCapped(request, MAX_REQUEST_BYTES);
  let form: FormData;
  try {
    form = await new Response(body, { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new HttpProblem(400, "invalid-input", "The multipart body could not be read; check its boundary and framing.");
  }
  const fileField = options.fileField ?? "files";
  const files: UploadedFile[] = [];
  const errors: { field: string; message: string }[] = [];
  for (const value of form.getAll(fileField)) {
    if (typeof value === "string") {
      errors.push({ field: fileField, message: `"${fileField}" parts must be files (curl -F ${fileField}=@chain.pem), not text.` });
      continue;
    }
    files.push({ name: safeDisplayName(value.name || "upload"), bytes: new Uint8Array(await value.arrayBuffer()) });
  }
  if (errors.length) throw new HttpProblem(400, "invalid-input", errors[0]!.message, { errors });
  if (files.length === 0) throw new HttpProblem(400, "invalid-input", `No file was sent: add one or more "${fileField}" parts (curl -F ${fileField}=@chain.pem).`, { errors: [{ field: fileField, message: "required" }] });
  if (files.length > MAX_FILES) throw new HttpProblem(400, "invalid-input", `At most ${MAX_FILES} files per upload; ${files.length} were sent. Put them in one .zip.`, { errors: [{ field: fileField, message: `at most ${MAX_FILES}` }] });
  const fields = new Map<string, string>();
  for (const name of options.textFields) {
    const v = form.get(name);
    if (typeof v === "string") fields.set(name, v.slice(0, 500));
  }
  return { files, fields };
}
