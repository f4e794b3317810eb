/** Downloads of the certificates Certdesk issued: mtls.pem, mtls-chain.pem, signature.pem, signature-chain.pem, certificates.zip. */
import { headers } from "next/headers";
import { getDb } from "@/lib/db";
import { requireApiUser } from "@/lib/auth/session";
import { apiSegments } from "@/lib/http/route-params";
import { clientIpFrom, userAgentFrom } from "@/lib/auth/client-ip";
import { downloadIssued } from "@/lib/ca/download-issued";
import { attachmentResponse } from "@/lib/http/attachment-response";
import { withProblems } from "@/lib/submissions/http/problem";

export const dynamic = "force-dynamic";

type Params = { appId: string; env: string; submissionId: string; name: string };

export async function GET(request: Request, context: { params: Promise<Params> }): Promise<Response> {
  return withProblems(request, async () => {
    const user = await requireApiUser();
    const params = await context.params;
    const { submissionId } = apiSegments({ appId: params.appId, env: params.env, submissionId: params.submissionId }, { appId: "uuid", env: "environment-key", submissionId: "uuid" });
    const h = await headers();
    const file = await downloadIssued(await getDb(), { actor: { kind: "user", user, meta: { ip: clientIpFrom(h), userAgent: userAgentFrom(h) } }, submissionId, name: String(params.name) });
    return attachmentResponse({ bytes: file.bytes, name: file.fileName, contentType: file.contentType });
  });
}
