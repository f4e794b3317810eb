/** GET /api/v1/openapi.json — the partner API's OpenAPI 3.1 document (public: it describes, it grants nothing). */
import { getConfig } from "@/lib/config";
import { openApiDocument } from "@/lib/submissions/http/openapi";
import { json } from "@/lib/submissions/http/problem";

export const dynamic = "force-dynamic";

export function GET(): Response {
  return json(openApiDocument(getConfig().publicUrl));
}
