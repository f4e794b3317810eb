/** GET /admin/audit/export?…filters — the filtered audit trail as CSV (admins only; the export is audited). */
import { headers } from "next/headers";
import { getDb } from "@/lib/db";
import { requireApiUser } from "@/lib/auth/session";
import { clientIpFrom, userAgentFrom } from "@/lib/auth/client-ip";
import { errorResponse } from "@/lib/auth/app-error";
import { exportAuditCsv, parseAuditFilters } from "@/lib/audit/search";
import { csvResponse } from "@/lib/http/csv-response";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  try {
    const viewer = await requireApiUser();
    const h = await headers();
    const params = Object.fromEntries(new URL(request.url).searchParams);
    const { filters } = parseAuditFilters(params);
    const { csv, truncated } = await exportAuditCsv(await getDb(), { viewer, filters, meta: { ip: clientIpFrom(h), userAgent: userAgentFrom(h) } });
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
    return csvResponse(csv, { filename: `certdesk-audit-${stamp}.csv`, truncated });
  } catch (error) {
    return errorResponse(error);
  }
}
