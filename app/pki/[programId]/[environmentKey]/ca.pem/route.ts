/** GET /pki/{programId}/{environmentKey}/ca.pem — the issuing CA then the root, PEM. Public, cacheable, no sign-in. */
import { getDb } from "@/lib/db";
import { CA_PEM_CACHE_CONTROL, publicCaPem } from "@/lib/ca/public";

export const dynamic = "force-dynamic";

export async function GET(_: Request, { params }: { params: Promise<{ programId: string; environmentKey: string }> }) {
  const { programId, environmentKey } = await params;
  try {
    const pem = await publicCaPem(await getDb(), { programId, environmentKey });
    if (!pem) return new Response("No such certificate authority.\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
    return new Response(pem, {
      headers: {
        "content-type": "application/x-pem-file",
        "content-disposition": `inline; filename="${programId}-${environmentKey}-ca.pem"`,
        "cache-control": CA_PEM_CACHE_CONTROL,
      },
    });
  } catch (error) {
    console.error("pki: ca.pem failed", error instanceof Error ? error.message : "");
    return new Response("The CA certificates are unavailable just now; try again shortly.\n", { status: 503, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "retry-after": "30" } });
  }
}
