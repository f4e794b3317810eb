/**
 * GET /pki/{programId}/{environmentKey}/crl — the issuing CA's CRL, DER (application/pkix-crl),
 * as kept in S3. Public, cacheable for a minute, no sign-in.
 */
import { getStorage } from "@/lib/storage";
import { CRL_CACHE_CONTROL, publicCrl } from "@/lib/ca/public";

export const dynamic = "force-dynamic";

export async function GET(_: Request, { params }: { params: Promise<{ programId: string; environmentKey: string }> }) {
  const { programId, environmentKey } = await params;
  try {
    const der = await publicCrl(getStorage(), { programId, environmentKey });
    if (!der) return new Response("No such certificate authority.\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
    return new Response(Uint8Array.from(der), {
      headers: {
        "content-type": "application/pkix-crl",
        "content-disposition": `inline; filename="${programId}-${environmentKey}.crl"`,
        "cache-control": CRL_CACHE_CONTROL,
      },
    });
  } catch (error) {
    console.error("pki: crl failed", error instanceof Error ? error.message : "");
    return new Response("The CRL is unavailable just now; try again shortly.\n", { status: 503, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "retry-after": "30" } });
  }
}
