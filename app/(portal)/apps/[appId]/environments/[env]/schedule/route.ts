/**
 * The environment's enablement windows as an .ics file, for the partner's calendar.
 * Scoped like the page: another tenant's app answers 404.
 */
import { errorResponse } from "@/lib/auth/app-error";
import { clientIpFrom, userAgentFrom } from "@/lib/auth/client-ip";
import { requireApiUser } from "@/lib/auth/session";
import { apiSegments } from "@/lib/http/route-params";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db";
import { environmentCalendar } from "@/lib/scheduling";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ appId: string; env: string }> }): Promise<Response> {
  try {
    const user = await requireApiUser();
    const { appId, env } = apiSegments(await params, { appId: "uuid", env: "environment-key" });
    const { filename, ics } = await environmentCalendar(await getDb(), {
      actor: { kind: "user", user, meta: { ip: clientIpFrom(request.headers), userAgent: userAgentFrom(request.headers) } },
      appId,
      environmentKey: env,
      now: new Date(),
      publicUrl: getConfig().publicUrl,
    });
    return new Response(ics, {
      headers: {
        "content-type": "text/calendar; charset=utf-8",
        // The filename is built from [A-Za-z0-9-] only, so it cannot break out of the header.
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": "private, no-store",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
