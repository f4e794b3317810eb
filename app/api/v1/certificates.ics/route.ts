/**
 * GET /api/v1/certificates.ics — iCalendar feed of the organisation's expiry dates and renewal
 * deadlines. Authenticated with an API token: `Authorization: Bearer …`, or `?token=…` for
 * calendar applications that cannot send headers (use a token made only for the calendar).
 */
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db";
import { certificatesIcs } from "@/lib/expiry/certificates";
import { actorAsUser } from "@/lib/submissions/actor";
import { requireApiPrincipal } from "@/lib/submissions/http/authenticate";
import { withProblems } from "@/lib/submissions/http/problem";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return withProblems(request, async () => {
    const token = new URL(request.url).searchParams.get("token");
    const authed = token && !request.headers.get("authorization") ? new Request(request, { headers: { ...Object.fromEntries(request.headers), authorization: `Bearer ${token}` } }) : request;
    const { actor } = await requireApiPrincipal(authed);
    const body = await certificatesIcs(await getDb(), { viewer: actorAsUser(actor), now: new Date(), publicUrl: getConfig().publicUrl });
    return new Response(body, {
      headers: { "content-type": "text/calendar; charset=utf-8", "content-disposition": 'inline; filename="certdesk-certificates.ics"', "cache-control": "no-store" },
    });
  });
}
