/** GET /support/expiring/export?…filters — the Expiring page as CSV (support and admin; the export is audited). */
import { headers } from "next/headers";
import { requireApiUser } from "@/lib/auth/session";
import { clientIpFrom, userAgentFrom } from "@/lib/auth/client-ip";
import { errorResponse } from "@/lib/auth/app-error";
import { exportExpiringCsv, parseExpiringFilters } from "@/lib/expiry/pages";
import { csvResponse } from "@/lib/http/csv-response";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  try {
    const viewer = await requireApiUser();
    const h = await headers();
    const filters = parseExpiringFilters(Object.fromEntries(new URL(request.url).searchParams));
    const { csv, filename } = await exportExpiringCsv(viewer, filters, { ip: clientIpFrom(h), userAgent: userAgentFrom(h) });
    return csvResponse(csv, { filename });
  } catch (error) {
    return errorResponse(error);
  }
}
